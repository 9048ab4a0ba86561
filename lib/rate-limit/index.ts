export * from './rate-limiter';
export { estimate, waitMs, windowIndex, type WindowCounts } from './sliding-window';
export { InMemoryRateLimiter, type InMemoryRateLimiterProps } from './memory-limiter';
export { RedisRateLimiter, redisClientOptions, type RedisRateLimiterProps } from './redis-limiter';
export { SLIDING_WINDOW_SCRIPT } from './redis-script';
