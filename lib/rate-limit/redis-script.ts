/**
 * The one Lua script of the Redis limiter: reads every window's current and previous fixed-window
 * counters, decides, and counts the request in all windows only if all have room. Atomic on the
 * server, one round trip (EVALSHA; ioredis falls back to EVAL once after a server restart).
 *
 * A deadline makes Redis the judge of "too late": the caller passes the latest server time
 * (Redis `TIME`, in ms) at which it still waits for the answer. A script that starts after it
 * (Redis stalled, the command queued behind a `DEBUG SLEEP` or a `CLIENT PAUSE`, a long network
 * hold) reads and counts nothing and answers `expired`, so a command the authorizer gave up on
 * can never consume budget afterwards. (`TIME` before writes is allowed: Redis >= 5 and Valkey
 * replicate script effects, not the script.)
 *
 * KEYS: per window i, current counter then previous counter (same hash tag -> same cluster slot).
 * ARGV: deadline_ms (server clock), cost, then per window: limit, carry_ms, size_ms, ttl_ms, where
 *       the previous counter weighs ceil(prev * carry_ms / size_ms) (carry 0 for calendar
 *       windows) and ttl_ms is how long the current counter must live (it serves as "previous" of
 *       the next window). The caller computes the positions from its own clock (deterministic
 *       tests; the same integers as `estimateAt` in sliding-window.ts).
 * Returns: { status, server_ms, cur_1, prev_1, cur_2, prev_2, ... } with counts read BEFORE
 *          counting; status 1 = admitted and counted, 0 = refused, -1 = expired (nothing read).
 *
 * Optionally the service's circuit breaker, read in the same call (lib/resilience/breaker-record.ts
 * explains the record, its copy per cluster slot and the decision this mirrors):
 * KEYS: the windows' keys, then the breaker record copy of their slot (a string, breaker-record.ts's
 *       toRedisValue, read in the same MGET as the counters: absent or `C...` is closed, no parsing).
 * ARGV: as above, then now_ms (the caller's clock, as the window positions) and trickle_count.
 *       The window count is (#ARGV - 2) / 4 rounded down; a remainder of 2 means a breaker.
 * Returns: as above, then verdict (0 closed, 1 half-open trickle, 2 half-open refused, 3 open,
 *          4 forced open) and retry_after_ms; status 2 = shed by the breaker: NOTHING counted, so
 *          a shed request does not spend the consumer's budget. A trickle call is spent (SET of the
 *          record) only when the windows admit the request too: a 429 does not use up a trial.
 */
export const SLIDING_WINDOW_SCRIPT = `
local t = redis.call('TIME')
local server_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if server_ms > tonumber(ARGV[1]) then return { -1, server_ms } end
local cost = tonumber(ARGV[2])
local n = math.floor((#ARGV - 2) / 4)
local breaker = (#ARGV - 2) % 4 == 2
local out = { 1, server_ms }
local vals = redis.call('MGET', unpack(KEYS))
for i = 1, n do
  local limit = tonumber(ARGV[4 * i - 1])
  local carry = tonumber(ARGV[4 * i])
  local size = tonumber(ARGV[4 * i + 1])
  local cur = tonumber(vals[2 * i - 1] or 0)
  local prev = tonumber(vals[2 * i] or 0)
  local est = cur + math.ceil(prev * carry / size)
  if est + cost > limit then out[1] = 0 end
  out[2 * i + 1] = cur
  out[2 * i + 2] = prev
end
local verdict, retry_after, period, calls = 0, 0, 0, 0
local opened_s, wait_s
local b = breaker and vals[2 * n + 1]
if b and string.byte(b, 1) ~= 67 then
  local now = tonumber(ARGV[4 * n + 3])
  local state, hp, hc
  state, opened_s, wait_s, hp, hc = string.match(b, '^([COF]):(%-?%d+):(%-?%d+):(%-?%d+):(%-?%d+)$')
  if state == 'F' then
    verdict, retry_after = 4, tonumber(wait_s)
  elseif state == 'O' then
    local wait = tonumber(wait_s)
    local wait_ends = tonumber(opened_s) + wait
    if now < wait_ends then
      verdict, retry_after = 3, wait_ends - now
    else
      period = math.floor((now - wait_ends) / wait)
      if tonumber(hp) == period then calls = tonumber(hc) end
      if calls < tonumber(ARGV[4 * n + 4]) then
        verdict = 1
      else
        verdict, retry_after = 2, wait_ends + (period + 1) * wait - now
      end
    end
  end
  if verdict >= 2 then out[1] = 2 end
end
if out[1] == 1 then
  for i = 1, n do
    redis.call('INCRBY', KEYS[2 * i - 1], cost)
    redis.call('PEXPIRE', KEYS[2 * i - 1], tonumber(ARGV[4 * i + 2]))
  end
  -- opened_at and wait_ms are written back as read: tostring of a large Lua number would print 1.8e+12.
  if verdict == 1 then redis.call('SET', KEYS[2 * n + 1], 'O:' .. opened_s .. ':' .. wait_s .. ':' .. period .. ':' .. (calls + 1)) end
end
if breaker then
  out[2 * n + 3] = verdict
  out[2 * n + 4] = retry_after
end
return out
`;

/** The ioredis command name registered with defineCommand. */
export const SLIDING_WINDOW_COMMAND = 'gatehouseSlidingWindowV4';

/** The script's first reply element. */
export const SCRIPT_STATUS = { admitted: 1, refused: 0, expired: -1, shed: 2 } as const;

/**
 * Takes a refused request back out of the counters it was counted in (KEYS: each window's current
 * counter; ARGV: cost). Only counters that still exist: a DECRBY on an expired key would create a
 * negative counter without expiry.
 */
export const REFUND_SCRIPT = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECRBY', KEYS[i], tonumber(ARGV[1])) end
end
return #KEYS
`;
