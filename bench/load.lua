-- The mixed workload of bench/load, for wrk (LuaJIT). bench/load signs the users in and writes
-- their tokens, case and the mix to a Lua file named by ACCORD_LOAD_CONFIG; each request is drawn
-- at random from the mix:
--   view      GET  /api/v1/cases/{id}                                         200
--   cases     GET  /api/v1/cases?limit=20                                     200
--   events    GET  /api/v1/cases/{id}/events?order=newest&limit=50            200
--   messages  GET  /api/v1/cases/{id}/channels/plenary/messages?order=newest&limit=50   200
--   write     POST /api/v1/cases/{id}/channels/plenary/messages {"body":…}    201
--   signin    POST /api/v1/sessions {"username","password"}                   201
-- Each request carries `x-request-id: load-<kind>-<thread>-<n>`, which the server echoes, so a
-- response is matched to its kind and its start time whatever the order in which the connections
-- answer. Per kind: responses, unexpected statuses (one body of each) and a latency histogram.
-- done() writes the raw figures to ACCORD_LOAD_RESULT for bench/load to summarise.

local cfg = dofile(assert(os.getenv("ACCORD_LOAD_CONFIG"), "ACCORD_LOAD_CONFIG is not set"))

local KINDS = { "view", "cases", "events", "messages", "write", "signin" }
local EXPECT = { view = 200, cases = 200, events = 200, messages = 200, write = 201, signin = 201 }

-- Latency buckets: microseconds to three significant digits (under 1 % off).
local function bucket(us)
  us = math.floor(us)
  if us < 1000 then return us end
  local scale = 1
  while us >= 1000 * scale do scale = scale * 10 end
  return math.floor(us / scale) * scale
end

-- A monotonic clock in microseconds (LuaJIT's FFI; without it, no per-kind latencies).
local now_us
do
  local ok, ffi = pcall(require, "ffi")
  if ok then
    pcall(ffi.cdef, [[
      typedef struct { long tv_sec; long tv_nsec; } accord_load_timespec;
      int clock_gettime(int clk_id, accord_load_timespec *tp);
    ]])
    local ts = ffi.new("accord_load_timespec")
    now_us = function()
      ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
    end
  end
end

-- ---- the main state: one per run --------------------------------------------------------------
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

-- ---- the threads' states ----------------------------------------------------------------------
local users, writers, picks = {}, {}, {}
local n = 0
local started, signin_user = {}, {}
-- Read by done() through thread:get, which copies only flat tables (wrk 4.1 crashes on nested
-- ones): each key is a line of the result file ("n view", "status view 503", "klat view 1230").
counts = {}
local function add(key, k)
  counts[key] = (counts[key] or 0) + (k or 1)
end

local FILLER = "The delivery schedule annexed to the Supply Agreement shows the containers due in"
  .. " March; we propose to exchange the port records before the next joint session and to"
  .. " discuss the demurrage figures on that basis."

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  for _, u in ipairs(cfg.users) do
    local copy = { name = u.name, password = u.password, token = u.token, case = u.case, write = u.write }
    users[#users + 1] = copy
    if copy.write then writers[#writers + 1] = copy end
  end
  local total = 0
  for _, k in ipairs(KINDS) do
    local w = cfg.mix[k] or 0
    if w > 0 then
      total = total + w
      picks[#picks + 1] = { kind = k, upto = total }
    end
  end
  for _, p in ipairs(picks) do p.upto = p.upto / total end
end

local function pick_kind()
  local r = math.random()
  for _, p in ipairs(picks) do
    if r < p.upto then return p.kind end
  end
  return picks[#picks].kind
end

function request()
  n = n + 1
  local kind = pick_kind()
  local id = string.format("load-%s-%d-%d", kind, tid, n)
  local headers = { ["x-request-id"] = id }
  local method, path, body = "GET", nil, nil
  if kind == "signin" then
    local i = math.random(#users)
    local u = users[i]
    signin_user[id] = i
    method, path = "POST", "/api/v1/sessions"
    headers["content-type"] = "application/json"
    body = string.format('{"username":"%s","password":"%s"}', u.name, u.password)
  else
    local u = (kind == "write") and writers[math.random(#writers)] or users[math.random(#users)]
    headers["authorization"] = "Bearer " .. u.token
    if kind == "view" then
      path = "/api/v1/cases/" .. u.case
    elseif kind == "cases" then
      path = "/api/v1/cases?limit=20"
    elseif kind == "events" then
      path = "/api/v1/cases/" .. u.case .. "/events?order=newest&limit=50"
    elseif kind == "messages" then
      path = "/api/v1/cases/" .. u.case .. "/channels/plenary/messages?order=newest&limit=50"
    else -- write
      method, path = "POST", "/api/v1/cases/" .. u.case .. "/channels/plenary/messages"
      headers["content-type"] = "application/json"
      body = string.format('{"body":"Message %d-%d from %s. %s"}', tid, n, u.name, FILLER)
    end
  end
  if now_us then started[id] = now_us() end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  local id = headers["x-request-id"] or headers["X-Request-Id"]
  local kind = id and id:match("^load%-(%a+)%-") or "unknown"
  if not EXPECT[kind] then kind = "unknown" end
  add("n " .. kind)
  if id and now_us then
    local t0 = started[id]
    if t0 then
      started[id] = nil
      add("klat " .. kind .. " " .. bucket(now_us() - t0))
    end
  end
  if status ~= EXPECT[kind] then
    add("bad " .. kind)
    add("status " .. kind .. " " .. status)
    local key = "sample " .. kind .. " " .. status
    if not counts[key] then
      counts[key] = (body or ""):sub(1, 300):gsub("[%c]", " ")
    end
  end
  if kind == "signin" then
    local i = signin_user[id]
    signin_user[id] = nil
    -- The user goes on with the new session, as after signing in again in a browser.
    local token = status == 201 and body:match('"token"%s*:%s*"([%w%-_]+)"')
    if i and token then users[i].token = token end
  end
end

-- ---- the main state again, at the end ---------------------------------------------------------
function done(summary, latency, requests)
  local out = assert(io.open(assert(os.getenv("ACCORD_LOAD_RESULT"), "ACCORD_LOAD_RESULT is not set"), "w"))
  out:write(string.format("summary %d %d %d\n", summary.duration, summary.requests, summary.bytes))
  local e = summary.errors
  out:write(string.format("errors %d %d %d %d %d\n", e.connect, e.read, e.write, e.status, e.timeout))
  out:write(string.format("latency %d %d %d %d %d\n", latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
  -- wrk's own histogram (every request, exact to the microsecond), in the same buckets.
  local hist = {}
  for i = 1, #latency do
    local us, count = latency(i)
    local b = bucket(us)
    hist[b] = (hist[b] or 0) + count
  end
  for b, count in pairs(hist) do out:write(string.format("hist %d %d\n", b, count)) end
  for _, t in ipairs(threads) do
    for key, v in pairs(t:get("counts")) do
      out:write(key, " ", tostring(v), "\n")
    end
  end
  out:close()
end
