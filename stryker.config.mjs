// @ts-check
/**
 * Mutation testing of the security-critical pure modules (issue 19): `npm run test:mutation`.
 * Not part of `npm test` (minutes per module on 2 cores). Incremental: only mutants of changed
 * code or tests are run again; the state is kept in reports/stryker-incremental.json.
 * Scores and the explained equivalent mutants: docs/testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'lambdas/authorizer/jwt-hygiene.ts',
    'lambdas/authorizer/access.ts',
    'lib/contract/route-match.ts',
    'lib/rate-limit/sliding-window.ts',
    'lib/rate-limit/memory-limiter.ts',
    'lambdas/audit-transformer/mask.ts',
  ],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 90, break: null },
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  // No tsconfig rewriting: the repo's TypeScript 7 has no JS compiler API (Stryker 9 calls
  // ts.parseConfigFileTextToJson); jest transforms with swc and needs no tsconfig.
  tsconfigFile: 'no-tsconfig-for-stryker.json',
  timeoutMS: 5000,
};
