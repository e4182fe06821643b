-- Sliding window KEYS[1]: limit ARGV[1] over ARGV[2] ms, take ARGV[3]; approximated by two
-- fixed windows aligned on the server's clock. The hash holds the current window's index ('i'),
-- its count ('c') and the previous window's count ('p').
-- Returns {allowed (0|1), current count, previous count, ms elapsed in the current window}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local index = math.floor(now / window)

local current, previous = 0, 0
local state = redis.call('HMGET', KEYS[1], 'i', 'c', 'p')
local stored = tonumber(state[1])
if stored == index then
  current = tonumber(state[2])
  previous = tonumber(state[3])
elseif stored == index - 1 then
  previous = tonumber(state[2])
end

local elapsed = now - index * window
local allowed = 0
if previous * (window - elapsed) / window + current + cost <= limit then
  current = current + cost
  allowed = 1
end

redis.call('HSET', KEYS[1], 'i', index, 'c', current, 'p', previous)
-- Two windows after this one began, both counts have decayed to nothing.
redis.call('PEXPIRE', KEYS[1], (index + 2) * window - now)
return {allowed, current, previous, elapsed}
