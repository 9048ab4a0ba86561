/**
 * Gatehouse's layers, checked by `npm test` (test/architecture/layers.test.ts): no module imports
 * from a layer above it. From the ground up:
 *   lib/config, lib/rate-limit, lib/observability  the config schema and model, AWS limits, pure libraries
 *   lib/grpc                                      the transcoding library (protos, HTTP rules, grpc-js calls) beside them
 *   lib/contract                                   the shared contract (route table, responses, headers, edge plans)
 *   lib/checks                                     every config rule beyond the schema, and the loader
 *   lambdas/                                      the Lambda handlers and their pure modules (never the checks)
 *   lib/plan                                      the capacity and cost planner
 *   lib/constructs -> lib/stacks -> lib/stage     CDK: constructs build, stacks compose
 *   local/, bin/                                  the local twin and the entry points
 * See docs/architecture.md.
 */
const CDK = '^lib/(constructs|stacks|stage|app|compliance)';
module.exports = {
  forbidden: [
    { name: 'lambda-imports-cdk', severity: 'error', comment: 'A Lambda bundle must never pull in aws-cdk-lib: lambdas import the contract, never constructs or stacks.',
      from: { path: '^lambdas/' }, to: { path: `${CDK}|^lib/plan/|^local/|^bin/` } },
    { name: 'lambda-imports-aws-cdk-lib', severity: 'error', comment: 'Nothing a Lambda bundles may import aws-cdk-lib or constructs.',
      from: { path: '^lambdas/' }, to: { path: 'node_modules/(aws-cdk-lib|constructs|cdk-nag)/' } },
    { name: 'planner-imports-runtime', severity: 'error', comment: 'The planner computes from the config and the contract; it never imports Lambda code, CDK or the twin.',
      from: { path: '^lib/plan/' }, to: { path: `^lambdas/|${CDK}|^local/` } },
    { name: 'contract-imports-above', severity: 'error', comment: 'The contract sits on the ground floor beside the config: it imports only config and pure libraries.',
      from: { path: '^lib/contract/' }, to: { path: `^lib/checks/|^lambdas/|^lib/plan/|${CDK}|^local/|^bin/` } },
    { name: 'config-imports-above', severity: 'error', comment: 'The config model imports nothing above it: the checks that need the contract live in lib/checks and are handed to the parse.',
      from: { path: '^lib/config/' }, to: { path: `^lib/contract/|^lib/checks/|^lambdas/|^lib/plan/|${CDK}|^local/|^bin/` } },
    { name: 'grpc-imports-above', severity: 'error', comment: 'The transcoding library is pure: the checks, the transcoding Lambda and the twin import it, it imports only the config model and its libraries.',
      from: { path: '^lib/grpc/' }, to: { path: `^lib/(contract|checks|plan)/|^lambdas/|${CDK}|^local/|^bin/|^cli/` } },
    { name: 'checks-imports-above', severity: 'error', comment: 'The checks read the config and the contract only; the planner, CDK, the twin and the entry points load configs through them.',
      from: { path: '^lib/checks/' }, to: { path: `^lambdas/|^lib/plan/|${CDK}|^local/|^bin/|^cli/` } },
    { name: 'lambda-imports-checks', severity: 'error', comment: 'A Lambda gets its config resolved (GatewayEnvironment, lib/config/environments.ts); it never loads or checks one.',
      from: { path: '^lambdas/' }, to: { path: '^lib/checks/' } },
    { name: 'construct-imports-stack', severity: 'error', comment: 'Constructs take the resources they use, never whole stacks (they must build and test alone).',
      from: { path: '^lib/constructs/' }, to: { path: '^lib/(stacks|stage)' } },
    { name: 'twin-imports-cdk', severity: 'error', comment: 'The local twin runs the contract and the Lambda modules, never CDK code.',
      from: { path: '^local/' }, to: { path: CDK } },
    { name: 'product-imports-tests', severity: 'error', comment: 'Shipped code never imports tests or benchmarks.',
      from: { path: '^(lib|lambdas|local|bin)/' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|node_modules)' },
    // TypeScript 7 has no JS API: swc (already here for jest) parses the sources.
    parser: 'swc',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
