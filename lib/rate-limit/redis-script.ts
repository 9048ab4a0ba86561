/**
 * The one Lua script of the Redis limiter: reads every window's current and previous fixed-window
 * counters, decides, and counts the request in all windows only if all have room. Atomic on the
 * server, one round trip (EVALSHA; ioredis falls back to EVAL once after a server restart).
 *
 * KEYS: per window i, current counter then previous counter (same hash tag -> same cluster slot).
 * ARGV: now_ms (the caller's clock, not Redis TIME: deterministic tests, no replication issues),
 *       cost, then per window: size_ms, limit.
 * Returns: { allowed (1|0), cur_1, prev_1, cur_2, prev_2, ... } with counts read BEFORE counting.
 */
export const SLIDING_WINDOW_SCRIPT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local n = #KEYS / 2
local out = { 1 }
for i = 1, n do
  local size = tonumber(ARGV[1 + 2 * i])
  local limit = tonumber(ARGV[2 + 2 * i])
  local cur = tonumber(redis.call('GET', KEYS[2 * i - 1]) or 0)
  local prev = tonumber(redis.call('GET', KEYS[2 * i]) or 0)
  local elapsed = now % size
  local est = cur + math.ceil(prev * (size - elapsed) / size)
  if est + cost > limit then out[1] = 0 end
  out[2 * i] = cur
  out[2 * i + 1] = prev
end
if out[1] == 1 then
  for i = 1, n do
    local size = tonumber(ARGV[1 + 2 * i])
    redis.call('INCRBY', KEYS[2 * i - 1], cost)
    redis.call('PEXPIRE', KEYS[2 * i - 1], size * 2)
  end
end
return out
`;

/** The ioredis command name registered with defineCommand. */
export const SLIDING_WINDOW_COMMAND = 'gatehouseSlidingWindow';
