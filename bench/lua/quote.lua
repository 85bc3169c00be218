-- POST the quote form: each request with a form token of its own from $BENCH_TOKENS (signed beforehand
-- with the server's key: Lua cannot sign), the CSRF cookie and token fetched once, and its own e-mail address.
dofile("bench/lua/report.lua")

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  if line ~= "" then tokens[#tokens + 1] = line end
end
local csrf_token = os.getenv("BENCH_CSRF_TOKEN")
local headers = {
  ["Host"] = wrk.host .. ":" .. wrk.port,
  ["X-Forwarded-Proto"] = "https",
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = "csrftoken=" .. os.getenv("BENCH_CSRF_COOKIE"),
  -- Django checks the Referer of HTTPS form posts against the host.
  ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/quote/",
}
local fixed = "&name=Bench+Patient&phone=&country=DE&treatment=" .. os.getenv("BENCH_TREATMENT")
  .. "&treatment_other=&condition_summary=Osteoarthritis+of+the+right+knee%2C+looking+for+a+replacement."
  .. "&budget=unsure&travel_window=flexible&contact_method=email&consent=on&website=&article="

local total = tonumber(os.getenv("BENCH_THREADS") or "1")
local n = 0
function request()
  -- Thread k uses tokens k, k + threads, k + 2 * threads...: no token is sent twice while they last.
  local i = n * total + (id or 0)
  n = n + 1
  local body = "csrfmiddlewaretoken=" .. csrf_token .. "&form_token=" .. tokens[i % #tokens + 1]
    .. "&email=patient-" .. i .. "@bench.example" .. fixed
  return wrk.format("POST", "/quote/", headers, body)
end
