-- wrk's script for `make bench-edge` (bench/edge_cost.py): report.lua, with
-- every connection waiting PACE_MS milliseconds between an answer and its next
-- request, so that every path of a run is asked for the same request rate
-- (about connections × 1000 / PACE_MS per second, less each answer's latency).
-- https://github.com/wg/wrk/blob/master/SCRIPTING (delay)

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local pause = tonumber(os.getenv("PACE_MS") or "")
if not pause then
  error("pace.lua: set PACE_MS, the wait per connection in milliseconds")
end

function delay()
  return pause
end
