import { circuitBreakerConfig, type CircuitBreakerConfig } from '../../lib/resilience/breaker-config';
import { CircuitBreaker } from '../../lib/resilience/circuit-breaker';
import { ReferenceBreaker } from './reference-breaker';
import { seededRandom as seeded } from '../support/seeded-random';


const SEQUENCES = 3000;
const STEPS = 150;

function randomConfig(random: () => number): CircuitBreakerConfig {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  return circuitBreakerConfig({
    slidingWindowType: pick(['COUNT_BASED', 'TIME_BASED'] as const),
    slidingWindowSize: pick([1, 2, 3, 5, 10]),
    minimumNumberOfCalls: pick([1, 2, 3, 4, 8, 20]),
    failureRateThreshold: pick([1, 25, 50, 66.6, 100]),
    slowCallRateThreshold: pick([10, 50, 100]),
    slowCallDurationThresholdMs: pick([50, 200]),
    waitDurationInOpenStateMs: pick([500, 1000, 2500]),
    permittedNumberOfCallsInHalfOpenState: pick([1, 2, 3, 5]),
    maxWaitDurationInHalfOpenStateMs: pick([0, 0, 1500, 4000]),
  });
}

/** Deep comparison is too slow for 450,000 steps: compare JSON, and let expect report only a mismatch. */
function agree(seed: number, trace: readonly string[], real: unknown, model: unknown): void {
  if (JSON.stringify(real) !== JSON.stringify(model)) expect({ seed, trace: trace.join(' '), real }).toEqual({ seed, trace: trace.join(' '), real: model });
}

describe('CircuitBreaker against a brute-force reference model', () => {
  it(`agrees on every permission, state and transition over ${SEQUENCES} random call sequences`, () => {
    let opened = 0;
    let closedFromHalfOpen = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const random = seeded(seed);
      const config = randomConfig(random);
      const transitions: string[] = [];
      const real = new CircuitBreaker({ config, onTransition: (t) => transitions.push(`${t.from}->${t.to}@${t.atMs}`) });
      const model = new ReferenceBreaker(config);
      let now = 1_800_000_000_000 + Math.floor(random() * 1000);
      const failureOdds = random();
      const trace: string[] = [];
      for (let step = 0; step < STEPS; step++) {
        const op = random();
        if (op < 0.25) {
          now += Math.floor(random() * 1200);
          trace.push(`t=${now}`);
        } else if (op < 0.55) {
          trace.push('acquire');
          agree(seed, trace, real.tryAcquire(now), model.tryAcquire(now));
        } else if (op < 0.93) {
          const result = { failed: random() < failureOdds, durationMs: Math.floor(random() * 300) };
          trace.push(`result(${result.failed ? 'F' : 'S'},${result.durationMs})`);
          real.onResult(now, result);
          model.onResult(now, result);
        } else if (op < 0.97) {
          trace.push('release');
          real.releasePermission(now);
          model.release(now);
        } else {
          const which = random();
          trace.push(which < 0.4 ? 'force' : which < 0.6 ? 'disable' : 'close');
          if (which < 0.4) { real.transitionToForcedOpenState(now, 7000); model.force(now, 7000); }
          else if (which < 0.6) { real.transitionToDisabledState(now); model.disable(now); }
          else { real.transitionToClosedState(now); model.close(now); }
        }
        agree(seed, trace, real.state(now), model.current(now));
      }
      expect([seed, transitions]).toEqual([seed, model.transitions]);
      opened += transitions.filter((t) => t.startsWith('CLOSED->OPEN')).length;
      closedFromHalfOpen += transitions.filter((t) => t.startsWith('HALF_OPEN->CLOSED')).length;
    }
    // The sequences exercise the interesting paths, not only CLOSED.
    expect(opened).toBeGreaterThan(1000);
    expect(closedFromHalfOpen).toBeGreaterThan(200);
  });
});
