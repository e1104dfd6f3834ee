-- wrk script: POST /pubsub with a valid push envelope per request, unique messageIds, 1000 tenants.
-- Usage: wrk -t2 -c64 -d30s -s http/src/test/bench/pubsub.lua http://127.0.0.1:8080/pubsub
-- Optional: TOKEN=<push OIDC token> in the environment adds "Authorization: Bearer <token>".
local counter = 0
local thread_id = 0
local threads = {}

local b64chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local function base64(data)
  return ((data:gsub('.', function(x)
    local r, b = '', x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d?%d?%d?%d?%d?', function(x)
    if (#x < 6) then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#data % 3 + 1])
end

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local token = os.getenv("TOKEN")
  if token then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  run = tostring(os.time())
end

-- base64 in Lua costs far more than the request itself; the 50,000 distinct payloads are encoded once each, so
-- wrk spends its share of the cores on sending, not on encoding
local encoded = {}
local function payload(tenant, value)
  local key = tenant * 64 + value
  local data = encoded[key]
  if not data then
    data = base64('{"tenant_id":"tenant-' .. tenant .. '","metric":"cpu","value":' .. value .. '}')
    encoded[key] = data
  end
  return data
end

function request()
  counter = counter + 1
  local body = '{"message":{"data":"' .. payload(counter % 1000, counter % 50) .. '","messageId":"' .. run .. '-' .. id .. '-' .. counter
    .. '","attributes":{}},"subscription":"projects/p/subscriptions/bench"}'
  return wrk.format(nil, nil, nil, body)
end
