import type { PlanAssumptions } from './assumptions';
import { warning, type Finding } from './finding';

export interface ConcurrencyPlan {
  /** Seconds one invocation occupies an execution environment on average (warm + cold share). */
  readonly secondsPerInvocation: number;
  readonly steady: number;
  readonly peak: number;
  /** The function's reserved concurrency (profile.authorizerConcurrency). */
  readonly reserved: number;
  readonly accountLimit: number;
  /** What one account can reserve: the account limit less the unreserved floor. */
  readonly maxReservable: number;
  readonly findings: readonly Finding[];
}

/**
 * Little's law: executions in flight = arrival rate x time in the system. The time is the warm
 * duration plus the cold-start share times the cold-start penalty.
 */
export function authorizerConcurrency(steadyInvocations: number, peakInvocations: number, reserved: number, a: PlanAssumptions): ConcurrencyPlan {
  const secondsPerInvocation = a.authorizerWarmSeconds + a.coldStartShare * a.coldStartSeconds;
  const steady = steadyInvocations * secondsPerInvocation;
  const peak = peakInvocations * secondsPerInvocation;
  const maxReservable = a.accountConcurrency - a.unreservedConcurrencyFloor;
  const findings: Finding[] = [];
  if (peak > reserved) {
    findings.push(warning('authorizer-concurrency',
      `the authorizer needs ${Math.ceil(peak)} concurrent executions at peak but its reserved concurrency is ${reserved}: `
      + 'invocations above it are throttled and API Gateway answers 500; raise traffic.peak_rps or burstiness so the profile reserves more'));
  }
  if (reserved > maxReservable) {
    findings.push(warning('account-concurrency',
      `reserved concurrency ${reserved} is more than an account with the default ${a.accountConcurrency} concurrent executions can reserve (${maxReservable}); `
      + `request the Lambda quota "Concurrent executions" of at least ${reserved + a.unreservedConcurrencyFloor} in Service Quotas before deploying`));
  }
  return { secondsPerInvocation, steady, peak, reserved, accountLimit: a.accountConcurrency, maxReservable, findings };
}
