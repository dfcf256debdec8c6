// The newest `make bench` run (reports/latest/summary.json) and capacity run
// (reports/conns-latest/summary.json) on the landing page: the seed's claims
// beside the figures that back or limit them, then every cell. Before a first
// run the edge answers 204 and the hints stay.
"use strict";

const number = (value, digits = 0) =>
  value === null || value === undefined ? "–" : Number(value).toLocaleString("en", { maximumFractionDigits: digits });
const ratio = (value) => (value === null || value === undefined ? "–" : `${number(value, value < 10 ? 2 : 0)}×`);

// The first cell that exists of route-backend-workload for each backend given.
const finder = (cells) => {
  const bySlug = new Map(cells.map((cell) => [cell.slug, cell]));
  return (route, backends, workload) => {
    for (const backend of backends) {
      const cell = bySlug.get(`${route}-${backend}-${workload}`);
      if (cell && cell.stats && cell.stats.requests > 0) return cell;
    }
    return null;
  };
};
const rps = (cell) => cell.stats.requests_per_second;
const name = (cell) => `/${cell.backend}/`;

// Each claim: the seed's words, and a figure from this run, or null when the
// run has no cell for it (a `make bench` with fewer backends or workloads).
function claims(summary) {
  const cell = finder(summary.cells);
  const users = summary.load.users;
  const found = [];
  const cgi = cell("edge", ["cgi"], "hello");
  const wsgi = cell("edge", ["wsgi", "django"], "hello");
  const asgi = cell("edge", ["asgi", "fastapi"], "hello");
  const floor = cell("edge", ["cgi"], "floor");
  if (cgi && wsgi) {
    found.push({
      claim: "CGI starts a new process for every request",
      figure: `${number(rps(cgi), 1)} req/s`,
      detail: `${name(cgi)}hello, against ${number(rps(wsgi))} req/s from the persistent WSGI process of ` +
        `${name(wsgi)} (${ratio(rps(wsgi) / rps(cgi))})` +
        (floor ? `; an empty Python process alone allows ${number(rps(floor), 1)} req/s (${name(floor)}floor).` : "."),
    });
  }
  if (wsgi) {
    found.push({
      claim: "WSGI keeps one application callable alive in a persistent process",
      figure: `${number(rps(wsgi))} req/s`,
      detail: `${name(wsgi)}hello with ${users} users, median ${number(wsgi.stats.p50_ms)} ms` +
        (asgi ? `; ASGI's ${name(asgi)}hello: ${number(rps(asgi))} req/s.` : "."),
    });
  }
  const asgiIo = cell("edge", ["asgi", "fastapi"], "io");
  const wsgiIo = cell("edge", ["wsgi", "django"], "io");
  if (asgiIo && wsgiIo) {
    found.push({
      claim: "ASGI serves many waiting connections from one process",
      figure: `${ratio(rps(asgiIo) / rps(wsgiIo))}`,
      detail: `${users} users each waiting on 100 ms of I/O: ${name(asgiIo)}io ${number(rps(asgiIo))} req/s, ` +
        `${name(wsgiIo)}io ${number(rps(wsgiIo))} req/s (its threads are its limit).`,
    });
  }
  const staticFile = cell("edge", ["nginx"], "static");
  const proxied = summary.cells.filter((c) => c.route === "edge" && c.workload === "db" && c.vs_direct);
  if (staticFile) {
    const ratios = proxied.map((c) => c.vs_direct);
    found.push({
      claim: "The web server serves static files, terminates TLS and proxies",
      figure: `${number(rps(staticFile))} req/s`,
      detail: "a static file over TLS from nginx alone" +
        (ratios.length
          ? `; proxying a database row keeps ${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))} of the direct throughput.`
          : "."),
    });
  }
  return found;
}

function renderClaims(summary, target) {
  const list = element("ul", undefined, "claims");
  for (const { claim, figure, detail } of claims(summary)) {
    const item = element("li");
    item.append(element("strong", claim), element("p", figure, "figure"), element("p", detail));
    list.append(item);
  }
  const host = summary.provenance ? summary.provenance.host : null;
  const source = element("p", undefined, "source");
  const link = element("a", `the report of ${summary.created}`);
  link.href = `/reports/${summary.created}/report.html`;
  source.append(
    `From ${summary.load.users} users, ${summary.load.duration_seconds} s per cell` +
      (host ? `, on ${host.cpus} cores (${host.name})` : "") + ": ",
    link,
    ". Each figure is one run; the report shows its spread and the load generator's CPU.",
  );
  target.replaceChildren(list, source);
}

function renderCells(summary, target) {
  const table = element("table");
  const head = table.createTHead().insertRow();
  for (const title of ["cell", "req/s", "p95 ms", "failures", "edge ÷ direct"]) {
    const th = element("th", title);
    th.scope = "col";
    head.append(th);
  }
  const body = table.createTBody();
  for (const cell of summary.cells) {
    const row = body.insertRow();
    const stats = cell.stats || {};
    for (const text of [cell.slug, number(stats.requests_per_second, 1), number(stats.p95_ms),
      `${number(stats.failures)} / ${number(stats.requests)}`, ratio(cell.vs_direct)]) {
      row.insertCell().textContent = text;
    }
  }
  const generator = summary.load.generator || "locust"; // reports before wrk ran Locust
  const load = generator === "wrk" ? `wrk, ${summary.load.users} connections` : `Locust, ${summary.load.users} users`;
  const caption = element("p", `${summary.created}: ${load}, ${summary.load.duration_seconds} s per cell. `);
  const link = element("a", "The report: a chart per workload, CPU per request");
  link.href = `/reports/${summary.created}/report.html`;
  caption.append(link);
  target.replaceChildren(caption, table);
}

// The capacity run's claim: connections held per backend, and what each costs.
function capacityClaim(capacity) {
  const best = capacity.runs
    .map((run) => ({ run, step: run.steps.reduce((a, b) => (b.held > a.held ? b : a), run.steps[0]) }))
    .filter(({ step }) => step)
    .sort((a, b) => b.step.held - a.step.held);
  if (!best.length) return null;
  const kib = (value) => (value === null || value === undefined ? "" : ` at ${number(value, 1)} KiB each`);
  const item = element("li");
  const source = element("p", undefined, "source");
  const link = element("a", `the capacity report of ${capacity.created}`);
  link.href = `/reports/conns-${capacity.created}/report.html`;
  const host = capacity.host ? ` on ${capacity.host.cores} cores` : "";
  source.append(`Held at once${host}: `, link, ".");
  item.append(
    element("strong", "Long-lived connections: what each interface holds"),
    element("p", `${number(best[0].step.held)} connections`, "figure"),
    element("p", best.map(({ run, step }) =>
      `${run.backend} (${run.kind}) ${number(step.held)} of ${number(step.target)}${kib(step.backend_kib_per_connection)}`)
      .join("; ") + "."),
    source,
  );
  return item;
}

// The summary at path, or null: 204 before a first run, or an unreadable answer.
async function latest(path) {
  try {
    const response = await fetch(path, { cache: "no-cache" });
    return response.status === 200 ? await response.json() : null;
  } catch {
    return null;
  }
}

(async () => {
  const [summary, capacity] = await Promise.all([
    latest("/reports/latest/summary.json"),
    latest("/reports/conns-latest/summary.json"),
  ]);
  const claimsTarget = document.getElementById("claims-figures");
  if (summary) {
    renderClaims(summary, claimsTarget);
    renderCells(summary, document.getElementById("latest-benchmark"));
  }
  const claim = capacity && capacity.kind === "capacity" ? capacityClaim(capacity) : null;
  if (claim) {
    const list = claimsTarget.querySelector(".claims") || element("ul", undefined, "claims");
    if (!summary) claimsTarget.replaceChildren(list);
    list.append(claim);
  }
})();
