-- wrk's script for the CGI cells of `make bench`: report.lua, plus the mean of
-- each phase of the Server-Timing header every CGI response carries
-- (cgi_app/gateway_cgi/timing.py). bench/wrk_result.py reads both lines.
-- https://github.com/wg/wrk/blob/master/SCRIPTING
--
-- A script with response() makes wrk parse every header and keep every body,
-- which costs the generator CPU: only cells of a few hundred requests per
-- second use this one.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

-- report.lua's hooks, each called first by the one of the same name here, so
-- these cells keep its per-second counts and its closing line.
local report_setup, report_response, report_done = setup, response, done

-- setup() runs in the main Lua state once per thread; done() reads each
-- thread's totals from there (thread:get copies a global of its state).
local threads = {}

function setup(thread)
  report_setup(thread)
  threads[#threads + 1] = thread
end

-- Per thread: milliseconds summed per phase, and how many responses sent it.
phase_ms, phase_count = {}, {}

function response(status, headers, body)
  report_response(status, headers, body)
  for name, value in pairs(headers) do
    if name:lower() == "server-timing" then
      for phase, ms in value:gmatch("([%w_-]+);dur=([%d.]+)") do
        phase_ms[phase] = (phase_ms[phase] or 0) + tonumber(ms)
        phase_count[phase] = (phase_count[phase] or 0) + 1
      end
    end
  end
end

-- After report.lua's line, one more: `wrk-server-timing {JSON}`, per phase
-- the responses that sent it and its mean in milliseconds.
function done(summary, latency, requests)
  report_done(summary, latency, requests)
  local total_ms, total_count = {}, {}
  for _, thread in ipairs(threads) do
    local sums, counts = thread:get("phase_ms"), thread:get("phase_count")
    for phase, ms in pairs(sums) do
      total_ms[phase] = (total_ms[phase] or 0) + ms
      total_count[phase] = (total_count[phase] or 0) + counts[phase]
    end
  end
  local fields = {}
  for phase, ms in pairs(total_ms) do
    fields[#fields + 1] = string.format('"%s": {"responses": %d, "mean_ms": %.3f}', phase, total_count[phase],
      ms / total_count[phase])
  end
  io.write("wrk-server-timing {" .. table.concat(fields, ", ") .. "}\n")
end
