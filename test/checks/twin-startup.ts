/**
 * The local twin's startup as `npm start` runs it (local/main.ts, on free ports, printing its
 * credentials and stopping), for the parity test. Runs in a worker thread (runInThread of
 * test/local/support/harness.ts): the twin's OIDC issuer is ESM-only, which Jest cannot load.
 */
import { loadConfigFile } from '../../lib/checks/load';
import { ConfigError } from '../../lib/config/errors';
import { runLocalGateway } from '../../local/main';

/** For each config file: `accepted` when every environment starts, else the ConfigError's message (file name as `shownAs`). */
export async function twinVerdicts(args: { files: readonly string[]; shownAs: string }): Promise<Record<string, string>> {
  const write = { out: process.stdout.write, err: process.stderr.write };
  // The credentials and banners are not the verdict.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const verdicts: Record<string, string> = {};
  try {
    for (const file of args.files) verdicts[file] = await verdict(file, args.shownAs);
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
  return verdicts;
}

async function verdict(file: string, shownAs: string): Promise<string> {
  try {
    // The twin serves one environment at a time; a config is accepted when each of them starts.
    // A bad config is refused at load, before the first environment is chosen.
    for (const env of environmentsOf(file)) await runLocalGateway({ config: file, env, printCredentials: true });
    return 'accepted';
  } catch (err) {
    return err instanceof ConfigError ? err.message.replaceAll(file, shownAs) : `not a ConfigError: ${(err as Error).message}`;
  }
}

/** The environments to start: those of the config, or `dev` (the twin's default) when it does not load. */
function environmentsOf(file: string): string[] {
  try {
    return Object.keys(loadConfigFile(file).environments);
  } catch {
    return ['dev'];
  }
}
