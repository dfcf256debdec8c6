// The landing page's "try it" panel: N requests, one after another, to a
// backend's /info and /hello; shows the process (pid @ host name, the
// container's id) that answered each /info and the latency of each request,
// so the process models are seen, not read about.
"use strict";

// A request the browser itself aborted (a TypeError, no HTTP status: Chromium
// does so when the host's network interfaces change) is tried once more.
const timed = async (url, retries = 1) => {
  const start = performance.now();
  try {
    const response = await fetch(url, { cache: "no-store" });
    const body = await response.text();
    return { ok: response.ok, status: response.status, body, ms: performance.now() - start };
  } catch (error) {
    if (retries > 0 && error instanceof TypeError) return timed(url, retries - 1);
    throw error;
  }
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function tryBackend(backend, count, card) {
  const processes = []; // "pid@hostname": pids repeat across replicas, each in its own container
  const infoMs = [];
  const helloMs = [];
  const list = element("ul", undefined, "pids");
  const status = element("p", "sending…");
  card.replaceChildren(element("h3", `/${backend}/`), status, list);
  for (let i = 0; i < count; i += 1) {
    const info = await timed(`/${backend}/info`);
    const hello = await timed(`/${backend}/hello`);
    if (!info.ok || !hello.ok) {
      status.textContent = `request ${i + 1}: /info ${info.status}, /hello ${hello.status}`;
      return;
    }
    const { pid, hostname } = JSON.parse(info.body);
    const answeredBy = `${pid}@${hostname}`;
    const seen = processes.includes(answeredBy);
    processes.push(answeredBy);
    infoMs.push(info.ms);
    helloMs.push(hello.ms);
    const label = `pid ${pid} @ ${hostname.slice(0, 12)} · ${Math.round(info.ms)} ms`;
    const item = element("li", label, seen ? "repeat" : "new");
    item.dataset.pid = String(pid);
    item.dataset.hostname = hostname;
    list.append(item);
    status.textContent = `${i + 1} of ${count}…`;
  }
  const distinct = new Set(processes).size;
  status.textContent =
    `${count} requests answered by ${distinct} distinct process${distinct === 1 ? "" : "es"}` +
    ` · median latency /info ${Math.round(median(infoMs))} ms, /hello ${Math.round(median(helloMs))} ms`;
  card.dataset.distinctPids = String(distinct);
  card.dataset.requests = String(count);
}

const results = document.getElementById("try-results");
const countInput = document.getElementById("try-count");
for (const row of document.querySelectorAll("tr[data-backend]")) {
  const backend = row.dataset.backend;
  const button = row.querySelector("button");
  button.addEventListener("click", async () => {
    let card = document.getElementById(`try-${backend}`);
    if (!card) {
      card = element("section", undefined, "try");
      card.id = `try-${backend}`;
      results.append(card);
    }
    button.disabled = true;
    try {
      await tryBackend(backend, Number(countInput.value), card);
    } catch (error) {
      card.append(element("p", `failed: ${error}`));
    } finally {
      button.disabled = false;
    }
  });
}
