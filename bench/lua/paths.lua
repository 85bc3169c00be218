-- GET the paths listed in $BENCH_PATHS one after the other, each wrk thread from its own starting point.
dofile("bench/lua/report.lua")

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end

local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[(n + (id or 0) * 7919) % #paths + 1])
end
