// The newest `make bench` run (reports/latest/summary.json) on the landing
// page: the seed's claims beside the figures that back or limit them, then
// every cell. Before the first run the edge answers 204 and the hints stay.
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
  const link = element("a", "Charts, CPU and memory per service");
  link.href = `/reports/${summary.created}/report.html`;
  caption.append(link);
  target.replaceChildren(caption, table);
}

(async () => {
  let summary;
  try {
    const response = await fetch("/reports/latest/summary.json", { cache: "no-cache" });
    if (response.status !== 200) return; // 204: no run yet, the hints stay
    summary = await response.json();
  } catch {
    return;
  }
  renderClaims(summary, document.getElementById("claims-figures"));
  renderCells(summary, document.getElementById("latest-benchmark"));
})();
