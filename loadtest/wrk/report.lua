-- wrk's script for `make bench` (bench/wrk_result.py reads what done() prints).
-- https://github.com/wg/wrk/blob/master/SCRIPTING
--
--   wrk [options] --script report.lua URL [-- METHOD BODY CONTENT-TYPE]
--
-- The arguments after `--` give a cell its request body (POST /messages);
-- without them every request is a GET. The Host header is the site's name
-- (PUBLIC_HOST, from .env through compose), as the Locust scenarios send it:
-- the URL names the container, the virtual host is the site.

-- Every thread's own state, for done() to read back (thread:get).
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  -- Answers and failed answers per wall-clock second (os.time()), per thread:
  -- the cell's throughput over time, so warm-up and saturation show. wrk has
  -- no per-second figures of its own; this response() costs it about a fifth
  -- of its peak rate (bench/README.md), which the calibration cell includes.
  answers, failed = {}, {}
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

function response(status, headers, body)
  local second = os.time()
  answers[second] = (answers[second] or 0) + 1
  if status > 399 then
    failed[second] = (failed[second] or 0) + 1
  end
end

-- Every thread's counts summed per wall-clock second: {second = count}.
local function summed(name)
  local sums = {}
  for _, thread in ipairs(threads) do
    for second, count in pairs(thread:get(name)) do
      sums[second] = (sums[second] or 0) + count
    end
  end
  return sums
end

-- '"answers": [n, ...], "failed": [n, ...]', from the first second any
-- thread answered to the last (both partial seconds).
local function per_second()
  local answered, failures = summed("answers"), summed("failed")
  local first, last
  for second in pairs(answered) do
    first, last = math.min(first or second, second), math.max(last or second, second)
  end
  local counts, failed = {}, {}
  for second = first or 1, last or 0 do
    counts[#counts + 1] = tostring(answered[second] or 0)
    failed[#failed + 1] = tostring(failures[second] or 0)
  end
  return string.format('"answers": [%s], "failed": [%s]', table.concat(counts, ", "), table.concat(failed, ", "))
end

-- wrk's own CPU time so far, all its threads, in microseconds (-1 if unknown):
-- utime and stime, fields 14 and 15 of /proc/self/stat (proc(5)), in
-- USER_HZ ticks, 100 per second on Linux. Exact, where a `docker stats`
-- sample may miss a container that lives a few seconds.
local function own_cpu_us()
  local file = io.open("/proc/self/stat")
  if not file then
    return -1
  end
  local stat = file:read("*a")
  file:close()
  local fields = {}
  -- After "pid (comm) ": the name may hold spaces, so split after its last ")".
  for field in stat:sub(stat:find("%)[^%)]*$") + 2):gmatch("%S+") do
    fields[#fields + 1] = field
  end
  return (tonumber(fields[12]) + tonumber(fields[13])) * 10000
end

-- One line, `wrk-result {JSON}`, after wrk's own text report. Times in
-- microseconds; errors.status counts answers with a status above 399;
-- per_second counts answers (any status) and failed ones (above 399).
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'wrk-result {"requests": %d, "duration_us": %d, "bytes": %d, "cpu_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p95": %d, "p99": %d}, '
      .. '"per_second": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, own_cpu_us(),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    per_second()
  ))
end
