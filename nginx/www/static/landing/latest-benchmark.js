// Shows the newest `make bench` results (reports/latest/summary.json) on the landing page.
"use strict";

(async () => {
  const target = document.getElementById("latest-benchmark");
  let summary;
  try {
    const response = await fetch("/reports/latest/summary.json", { cache: "no-cache" });
    if (!response.ok) return; // no run yet: keep the hint
    summary = await response.json();
  } catch {
    return;
  }
  const number = (value, digits = 0) =>
    value === null || value === undefined ? "–" : Number(value).toLocaleString("en", { maximumFractionDigits: digits });
  const ratio = (value) => (value === null || value === undefined ? "–" : `${number(value, 2)}×`);

  const table = document.createElement("table");
  table.innerHTML =
    "<thead><tr><th>cell</th><th>req/s</th><th>p95 ms</th><th>failures</th><th>edge ÷ direct</th></tr></thead>";
  const body = table.createTBody();
  for (const cell of summary.cells) {
    const row = body.insertRow();
    const stats = cell.stats || {};
    for (const text of [cell.slug, number(stats.requests_per_second, 1), number(stats.p95_ms),
      `${number(stats.failures)} / ${number(stats.requests)}`, ratio(cell.vs_direct)]) {
      row.insertCell().textContent = text; // textContent: nothing from the report is parsed as HTML
    }
  }
  const caption = document.createElement("p");
  const generator = summary.load.generator || "locust";  // reports before wrk ran Locust
  const load = generator === "wrk" ? `wrk, ${summary.load.users} connections` : `Locust, ${summary.load.users} users`;
  caption.textContent = `${summary.created}: ${load}, ${summary.load.duration_seconds} s per cell. `;
  const link = document.createElement("a");
  link.href = "/reports/latest/report.html";
  link.textContent = "Charts, CPU and memory per service";
  caption.append(link);
  target.replaceChildren(caption, table);
})();
