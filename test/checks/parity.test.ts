import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../../lib/checks/load';
import { ConfigError } from '../../lib/config/errors';
import { planConfig } from '../../lib/plan/plan';
import { shippedConfigs } from '../../lib/plan/shipped-configs';
import { synthesizeGateway } from '../../lib/synth';
import { refusal, writeCase, type BadConfig } from '../config/bad-config';
import * as badConfigs from '../config/bad-config-cases';
import * as deployRefusals from '../config/deploy-refusal-cases';
import * as resilienceRefusals from '../config/resilience-refusal-cases';
import * as regionRefusals from '../config/region-refusal-cases';
import * as portalRefusals from '../config/portal-refusal-cases';
import * as grpcRefusals from '../config/grpc-refusal-cases';
import { edit, FILE } from '../config/fixtures';
import { runInThread } from '../local/support/harness';
import { SYNTH_RULES_AT_LOAD } from './synth-rule-cases';

/**
 * Synth, the planner and the local twin accept and refuse exactly the same configs (issue 11):
 * every bad config of the corpora is refused by each with the message the corpus pins, and every
 * shipped config is accepted by each. Each entry point runs in-process as its command runs it:
 * `cdk synth` / `gatehouse synth` (lib/synth.ts), `gatehouse plan` (lib/plan/plan.ts) and
 * `npm start` (local/main.ts, in a worker thread: twin-startup.ts).
 */
const ROOT = join(__dirname, '../..');
const CDK_CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const work = mkdtempSync(join(tmpdir(), 'gatehouse-parity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What synth and the planner say of `file`: `accepted`, or the message they refuse it with. */
function verdict(file: string, run: (file: string) => void): string {
  try {
    run(file);
    return 'accepted';
  } catch (err) {
    return err instanceof ConfigError ? err.message.replaceAll(file, FILE) : `not a ConfigError: ${(err as Error).message}`;
  }
}
const synth = (file: string) => {
  const app = new App({ outdir: mkdtempSync(join(work, 'cdk-')), context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const { findings } = synthesizeGateway(app, loadConfigFile(file));
  if (findings.length > 0) throw new Error(`the compliance gate stops synth: ${findings.map((f) => f.rule).join(', ')}`);
};
const plan = (file: string) => { planConfig(loadConfigFile(file)); };
/** The twin starts in a worker thread, so its verdicts are taken for all files at once. */
const twin = (files: readonly string[]) => runInThread<Record<string, string>>(join(__dirname, 'twin-startup.ts'), 'twinVerdicts', { files, shownAs: FILE });

/** Every group a corpus module exports (a group added there is run here too). */
const corpus = (cases: Record<string, unknown>): BadConfig[] => Object.values(cases).filter(Array.isArray).flat()
  .filter((c): c is BadConfig => typeof c === 'object' && c !== null && 'problems' in c);
const BAD_CONFIGS = [...corpus(badConfigs), ...corpus(deployRefusals), ...corpus(resilienceRefusals), ...corpus(regionRefusals), ...corpus(portalRefusals), ...corpus(grpcRefusals), ...SYNTH_RULES_AT_LOAD];
/** The rate-limit table pins a pattern, not the whole message: here the three must agree. */
const RATE_LIMITS = badConfigs.RATE_LIMIT_SETTINGS.map(([title, find, replace]) => ({ it: `rejects ${title}`, text: edit([find, replace]) }));

/** Each case written to its own `gateway.yaml`, so messages read as the corpus pins them. */
const written = <C extends { readonly text: string; readonly files?: Readonly<Record<string, string>> }>(cases: readonly C[]) => cases.map((c) => {
  const file = writeCase(mkdtempSync(join(work, 'bad-')), c);
  return { ...c, file };
});
const BAD = written(BAD_CONFIGS);
const BAD_RATE_LIMITS = written(RATE_LIMITS);
const SHIPPED = shippedConfigs(ROOT).map((f) => join(ROOT, f));
let twinSays: Record<string, string> = {};
beforeAll(async () => {
  twinSays = await twin([...BAD, ...BAD_RATE_LIMITS].map((c) => c.file).concat(SHIPPED));
}, 300_000);

describe('every bad config is refused alike by synth, the planner and the local twin', () => {
  it.each(BAD.map((c) => [c.it, c] as const))('%s', (_title, c) => {
    const expected = refusal(c);
    expect({ synth: verdict(c.file, synth), plan: verdict(c.file, plan), twin: twinSays[c.file] }).toEqual({ synth: expected, plan: expected, twin: expected });
  });

  it.each(BAD_RATE_LIMITS.map((c) => [c.it, c] as const))('%s', (_title, c) => {
    const refused = verdict(c.file, synth);
    expect(refused).toMatch(/^Invalid gateway config\n/);
    expect({ plan: verdict(c.file, plan), twin: twinSays[c.file] }).toEqual({ plan: refused, twin: refused });
  });
});

describe('every shipped config is accepted by synth, the planner and the local twin', () => {
  it.each(SHIPPED)('%s', (file) => {
    expect({ synth: verdict(file, synth), plan: verdict(file, plan), twin: twinSays[file] }).toEqual({ synth: 'accepted', plan: 'accepted', twin: 'accepted' });
  }, 300_000);
});
