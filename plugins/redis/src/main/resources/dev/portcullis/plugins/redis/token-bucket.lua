-- Token bucket KEYS[1]: capacity ARGV[1], refill ARGV[2] tokens per second, take ARGV[3].
-- Time is the server's, so gateway nodes with skewed clocks agree. The hash holds the tokens
-- left ('t') as of a time in microseconds ('at'); it expires once the bucket would be full
-- again, since an absent bucket is a full one.
-- Returns {allowed (0|1), whole tokens left, microseconds until full, microseconds until the take fits}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local capacity = tonumber(ARGV[1])
local perMicro = tonumber(ARGV[2]) / 1000000
local cost = tonumber(ARGV[3])

local tokens = capacity
local state = redis.call('HMGET', KEYS[1], 't', 'at')
if state[1] then
  tokens = math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * perMicro)
end

local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end

local untilFull = math.ceil((capacity - tokens) / perMicro)
if untilFull > 0 then
  redis.call('HSET', KEYS[1], 't', tokens, 'at', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil(untilFull / 1000))
else
  redis.call('DEL', KEYS[1])
end

local retry = 0
if allowed == 0 then
  retry = math.max(1, math.ceil((cost - tokens) / perMicro))
end
return {allowed, math.floor(tokens), untilFull, retry}
