-- Drive wrk from a file of prepared requests, one per line, tab-separated:
--   METHOD <tab> PATH <tab> COOKIE <tab> BODY
-- Thread k (1-based) takes lines k, k+N, k+2N… and cycles through them. Responses that are
-- not 2xx/3xx are counted by wrk itself ("Non-2xx or 3xx responses"). A POST body starting
-- with "{" is sent as JSON with the CSRF token of the cookie in X-CSRFToken (like quiz.js).
-- Usage: wrk -s bench/wrk.lua URL -- requests.tsv <threads>

local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  local path, threads = args[1], tonumber(args[2])
  requests = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % threads == id - 1 then
      local method, target, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      -- A browser's user agent: robots' visits of tracked links (/s/<code>) are not counted.
      local headers = { Cookie = cookie, ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench" }
      if method == "POST" and body:sub(1, 1) == "{" then
        headers["Content-Type"] = "application/json"
        headers["X-CSRFToken"] = cookie:match("csrftoken=([%w]+)")
      elseif method == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      requests[#requests + 1] = wrk.format(method, target, headers, body)
    end
    line_number = line_number + 1
  end
  if #requests == 0 then
    requests[1] = wrk.format("GET", "/healthz/live")
  end
  index = 0
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function done(summary, latency, requests)
  io.write(string.format("PCTL %d %d %d\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
