import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addGatewayStages } from '../../lib/app';
import { readValidationFindings, type ValidationFinding } from '../../lib/compliance/report';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import type { LoadedConfig } from '../../lib/config/environments';
import type { GatewayStage } from '../../lib/stage';

export const ROOT = resolve(__dirname, '../..');
export const EXAMPLES = ['gateway.config.yaml', 'examples/fintech-startup.yaml', 'examples/enterprise-saas.yaml', 'examples/ecommerce.yaml'];

/** A finding cdk-nag reported and nobody acknowledged. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

export interface Synthesized {
  readonly config: LoadedConfig;
  readonly stages: Record<string, GatewayStage>;
  /** Unacknowledged nag findings (empty when the compliance gate passes). */
  readonly findings: NagFinding[];
  /**
   * The template of `<env>/<Stack>` (e.g. `dev/Api`; a secondary region's `prod/Api-eu-west-1`),
   * as CloudFormation JSON assertions.
   */
  template(env: string, stack: string): Template;
}

/** The feature flags `cdk synth` uses, so tests see what the CLI would produce. */
export const CDK_CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

/**
 * Synthesizes `app` (its compliance packs registered) and returns every unacknowledged finding:
 * cdk-nag fails synth with "Validation failed" and writes the findings into the outdir.
 */
export function synthFindings(app: App): ValidationFinding[] {
  try {
    app.synth();
  } catch (err) {
    if (!/Validation ?failed/i.test(`${(err as Error).name} ${(err as Error).message}`)) throw err;
    return readValidationFindings(app.outdir);
  }
  return [];
}

/**
 * Synthesizes a config file (path relative to the repo root) or inline YAML (`at`: the shipped
 * file it is an edit of) exactly as
 * `cdk synth` would, with the nag packs active, but without bundling Lambda code.
 */
export function synthesize(
  source: { file: string } | { yaml: string; at?: string },
  environments?: string[],
  context: Record<string, unknown> = {},
): Synthesized {
  // An edited shipped config names the file it stands for (`at`): its relative files (protos, OpenAPI documents) resolve from there.
  const config = 'file' in source ? loadConfigFile(join(ROOT, source.file)) : parseConfig(source.yaml, source.at ? join(ROOT, source.at) : 'inline.yaml');
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-synth-'));
  try {
    const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
    const stages = Object.fromEntries(addGatewayStages(app, config, { environments }).map((s) => [s.stageName, s]));
    const findings: NagFinding[] = synthFindings(app).map((f) => ({ rule: f.rule, path: f.path, message: f.message }));
    const templates = new Map<string, Template>();
    return {
      config,
      stages,
      findings,
      template(env, stack) {
        const key = `${env}/${stack}`;
        if (!templates.has(key)) {
          const s = stages[env]?.node.tryFindChild(stack) as Stack | undefined;
          if (!s) throw new Error(`no stack ${key}`);
          const file = join(outdir, `assembly-${env}`, s.templateFile);
          templates.set(key, Template.fromJSON(JSON.parse(readFileSync(file, 'utf8'))));
        }
        return templates.get(key)!;
      },
    };
  } finally {
    // Templates are read lazily above, so keep outdir until the process ends.
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  }
}

/** The findings under the named stacks of any environment (e.g. `findingsIn(f, 'Edge')`). */
export function findingsIn(findings: readonly NagFinding[], ...stacks: string[]): NagFinding[] {
  const pattern = new RegExp(`^[^/]+/(${stacks.join('|')})(/|$)`);
  return findings.filter((f) => pattern.test(f.path));
}

/** Human-readable list for assertion messages. */
export function formatFindings(findings: NagFinding[]): string {
  return findings.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('\n');
}
