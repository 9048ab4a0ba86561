/**
 * Redocly's OpenAPI lint (ESM only, so run in a worker thread: test/local/support/harness.ts
 * runInThread): every problem of a document under the `recommended` ruleset, as lines.
 */
export async function lintOpenApi(args: { source: string }): Promise<string[]> {
  const { createConfig, lintFromString } = await import('@redocly/openapi-core');
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: args.source, absoluteRef: '/openapi.json', config });
  return problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`);
}
