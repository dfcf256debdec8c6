-- wrk's script for `make bench` (bench/wrk_result.py reads what done() prints).
-- https://github.com/wg/wrk/blob/master/SCRIPTING
--
--   wrk [options] --script report.lua URL [-- METHOD BODY CONTENT-TYPE]
--
-- The arguments after `--` give a cell its request body (POST /messages);
-- without them every request is a GET. The Host header is the site's name
-- (PUBLIC_HOST, from .env through compose), as the Locust scenarios send it:
-- the URL names the container, the virtual host is the site.

function init(args)
  local host = os.getenv("PUBLIC_HOST")
  if host and host ~= "" then
    wrk.headers["Host"] = host
  end
  if #args > 0 then
    wrk.method = args[1]
    wrk.body = args[2]
    wrk.headers["Content-Type"] = args[3]
  end
end

-- One line, `wrk-result {JSON}`, after wrk's own text report. Times in
-- microseconds; errors.status counts answers with a status above 399.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'wrk-result {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(95), latency:percentile(99)
  ))
end
