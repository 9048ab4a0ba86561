/**
 * The circuit breaker's settings, named and defaulted as Resilience4j's `CircuitBreakerConfig`
 * (camelCase here; the gateway config's snake_case keys map onto these one to one), and the one
 * check that turns a bad setting into an error naming the setting. Kept apart from the state
 * machine so the config loader can validate without building a breaker.
 */

/** COUNT_BASED: the last `slidingWindowSize` calls; TIME_BASED: the calls of the last `slidingWindowSize` seconds. */
export type SlidingWindowType = 'COUNT_BASED' | 'TIME_BASED';

export interface CircuitBreakerConfig {
  /** Percentage of failed calls at or above which the breaker opens, in (0, 100]. @default 50 */
  readonly failureRateThreshold: number;
  /** Percentage of slow calls at or above which the breaker opens, in (0, 100]. @default 100 */
  readonly slowCallRateThreshold: number;
  /** A call taking longer than this (strictly) is slow. @default 60_000 */
  readonly slowCallDurationThresholdMs: number;
  /** @default 'COUNT_BASED' */
  readonly slidingWindowType: SlidingWindowType;
  /** Calls (COUNT_BASED) or seconds (TIME_BASED). @default 100 */
  readonly slidingWindowSize: number;
  /**
   * Rates are not evaluated until the window holds this many calls. COUNT_BASED caps it at
   * `slidingWindowSize` (a window of 10 can never hold 100), as Resilience4j does. @default 100
   */
  readonly minimumNumberOfCalls: number;
  /** How long OPEN refuses before the next call moves it to HALF_OPEN. @default 60_000 */
  readonly waitDurationInOpenStateMs: number;
  /** Trial calls admitted in HALF_OPEN; further calls are refused until they complete. @default 10 */
  readonly permittedNumberOfCallsInHalfOpenState: number;
  /**
   * HALF_OPEN longer than this goes back to OPEN (trial calls that never complete would otherwise
   * hold it half-open forever); 0 waits indefinitely. @default 0
   */
  readonly maxWaitDurationInHalfOpenStateMs: number;
}

/** Resilience4j's documented defaults. */
export const DEFAULT_CIRCUIT_BREAKER_CONFIG: CircuitBreakerConfig = {
  failureRateThreshold: 50,
  slowCallRateThreshold: 100,
  slowCallDurationThresholdMs: 60_000,
  slidingWindowType: 'COUNT_BASED',
  slidingWindowSize: 100,
  minimumNumberOfCalls: 100,
  waitDurationInOpenStateMs: 60_000,
  permittedNumberOfCallsInHalfOpenState: 10,
  maxWaitDurationInHalfOpenStateMs: 0,
};

/** A breaker setting out of range; `setting` is the camelCase name, `actual` the value given. */
export class InvalidCircuitBreakerConfigError extends Error {
  override readonly name = 'InvalidCircuitBreakerConfigError';
  constructor(readonly setting: keyof CircuitBreakerConfig, readonly actual: unknown, expected: string) {
    super(`${setting} must be ${expected}, got ${String(actual)}`);
  }
}

/** The defaults overlaid with `overrides`, checked: throws {@link InvalidCircuitBreakerConfigError}. */
export function circuitBreakerConfig(overrides: Partial<CircuitBreakerConfig> = {}): CircuitBreakerConfig {
  const config = { ...DEFAULT_CIRCUIT_BREAKER_CONFIG, ...overrides };
  const percentage = (setting: 'failureRateThreshold' | 'slowCallRateThreshold') => {
    const v = config[setting];
    if (!(typeof v === 'number' && v > 0 && v <= 100)) throw new InvalidCircuitBreakerConfigError(setting, v, 'a percentage greater than 0 and at most 100');
  };
  const integer = (setting: keyof CircuitBreakerConfig, min: number) => {
    const v = config[setting];
    if (!(Number.isInteger(v) && (v as number) >= min)) throw new InvalidCircuitBreakerConfigError(setting, v, `an integer >= ${min}`);
  };
  percentage('failureRateThreshold');
  percentage('slowCallRateThreshold');
  integer('slowCallDurationThresholdMs', 1);
  integer('slidingWindowSize', 1);
  integer('minimumNumberOfCalls', 1);
  integer('waitDurationInOpenStateMs', 1);
  integer('permittedNumberOfCallsInHalfOpenState', 1);
  integer('maxWaitDurationInHalfOpenStateMs', 0);
  if (config.slidingWindowType !== 'COUNT_BASED' && config.slidingWindowType !== 'TIME_BASED') {
    throw new InvalidCircuitBreakerConfigError('slidingWindowType', config.slidingWindowType, "'COUNT_BASED' or 'TIME_BASED'");
  }
  return config;
}
