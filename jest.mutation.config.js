/**
 * The tests Stryker runs against mutants (`npm run test:mutation`): the unit tests of the
 * security-critical pure modules, no processes, servers or synths (a mutant must be judged in
 * seconds, and spawned processes would not see the mutated code anyway).
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  reporters: ['default'],
  testMatch: [
    '<rootDir>/test/authorizer/jwt-attacks.test.ts',
    '<rootDir>/test/authorizer/duplicate-members.test.ts',
    '<rootDir>/test/authorizer/jwt-hygiene-checks.test.ts',
    '<rootDir>/test/authorizer/authorizer.test.ts',
    '<rootDir>/test/authorizer/identity-binding.test.ts',
    '<rootDir>/test/authorizer/fuzz.test.ts',
    '<rootDir>/test/contract/route-match.test.ts',
    '<rootDir>/test/rate-limit/sliding-window.test.ts',
    '<rootDir>/test/contract/usage-plans.test.ts',
    '<rootDir>/test/audit/mask*.test.ts',
    '<rootDir>/test/audit/credential-names.test.ts',
    '<rootDir>/test/rate-limit/limiter-arithmetic.test.ts',
    '<rootDir>/test/authorizer/scope-claims.test.ts',
    '<rootDir>/test/authorizer/canary-decision.test.ts',
    '<rootDir>/test/contract/route-match-edges.test.ts',
    '<rootDir>/test/contract/route-priority.test.ts',
    '<rootDir>/test/contract/route-priority-order.test.ts',
    '<rootDir>/test/contract/route-match-conditions.test.ts',
    '<rootDir>/test/contract/host-claim.test.ts',
    '<rootDir>/test/audit/text-rules.test.ts',
    '<rootDir>/test/audit/inert-text.test.ts',
    '<rootDir>/test/audit/hostile-input.test.ts',
    '<rootDir>/test/audit/transform.test.ts',
    '<rootDir>/test/audit/transform-golden.test.ts',
    '<rootDir>/test/audit/event-isolation.test.ts',
    '<rootDir>/test/audit/normalize.test.ts',
    '<rootDir>/test/authorizer/steps.test.ts',
    '<rootDir>/test/authorizer/access-decisions.test.ts',
  ],
};
