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

function request()
  counter = counter + 1
  local tenant = "tenant-" .. (counter % 1000)
  local value = counter % 50
  local data = '{"tenant_id":"' .. tenant .. '","metric":"cpu","value":' .. value .. '}'
  local body = '{"message":{"data":"' .. base64(data) .. '","messageId":"' .. run .. '-' .. id .. '-' .. counter
    .. '","attributes":{}},"subscription":"projects/p/subscriptions/bench"}'
  return wrk.format(nil, nil, nil, body)
end
