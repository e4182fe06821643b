-- Adds ARGV[1] to the counter KEYS[1]; a new counter expires ARGV[2] ms after its creation.
redis.call('SET', KEYS[1], 0, 'PX', ARGV[2], 'NX')
return redis.call('INCRBY', KEYS[1], ARGV[1])
