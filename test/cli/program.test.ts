import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, gatehouse, ROOT, STACK_TRACE } from './support';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['start', 'plan', 'validate', 'synth', 'consumers', 'consumers create', 'consumers list', 'consumers rotate', 'consumers revoke'];

describe('gatehouse: the program', () => {
  it('runs after npm ci as npx gatehouse (package.json bin -> bin/gatehouse-cli.cjs)', () => {
    const run = spawnSync('npx', ['gatehouse', '--help'], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: gatehouse \[options\] \[command\]\n/);
    for (const command of ['start', 'plan', 'validate', 'synth', 'consumers']) expect(run.stdout).toMatch(new RegExp(`\\n  ${command} `));
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 invalid input, 2 usage. Docs: docs/cli.md');
  });

  it('prints the package version with --version and -V', () => {
    expect(gatehouse(['--version'])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(gatehouse(['-V']).stdout).toBe(`${VERSION}\n`);
  });

  it.each(COMMANDS)('%s has --help and --version', (command) => {
    const words = command.split(' ');
    const help = gatehouse([...words, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: gatehouse ${command} `));
    expect(help.stdout).toContain('-V, --version');
    expect(gatehouse([...words, '--version'])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('suggests the command meant for an unknown one, exit 2', () => {
    expect(gatehouse(['strat'])).toEqual({ status: 2, stdout: '', stderr: "error: unknown command 'strat'\n(Did you mean start?)\n(add --help for usage)\n" });
    expect(gatehouse(['consumers', 'rotat'])).toEqual({ status: 2, stdout: '', stderr: "error: unknown command 'rotat'\n(Did you mean rotate?)\n(add --help for usage)\n" });
  });

  it('suggests the option meant for an unknown one, exit 2', () => {
    expect(gatehouse(['validate', '--jsn'])).toEqual({ status: 2, stdout: '', stderr: "error: unknown option '--jsn'\n(Did you mean --json?)\n(add --help for usage)\n" });
    expect(gatehouse(['start', '--print-credential']).stderr).toContain('(Did you mean --print-credentials?)');
  });

  it('shows the help on stderr and exits 2 without a command', () => {
    const run = gatehouse([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Usage: gatehouse \[options\] \[command\]/);
  });

  it('exits 2 when an argument is missing', () => {
    expect(gatehouse(['consumers', 'revoke'])).toMatchObject({ status: 2, stderr: "error: missing required argument 'consumer'\n(add --help for usage)\n" });
    expect(gatehouse(['consumers', 'create', 'acme'])).toMatchObject({ status: 2, stderr: "error: required option '--tier <tier>' not specified\n(add --help for usage)\n" });
  });

  it('refuses a misspelt GATEHOUSE_ variable with the one meant instead of using the sample config, exit 1', () => {
    for (const command of ['validate', 'plan', 'synth']) {
      expect(gatehouse([command], { GATEHOUSE_CONFG: 'examples/ecommerce.yaml' })).toEqual({ status: 1, stdout: '', stderr: 'GATEHOUSE_CONFG: unknown variable; did you mean GATEHOUSE_CONFIG?\n' });
    }
  });

  it('adds the stack of an error only with GATEHOUSE_DEBUG', () => {
    const plain = gatehouse(['validate', '-c', 'no/such.yaml']);
    expect(plain.stderr).not.toMatch(STACK_TRACE);
    const debug = gatehouse(['validate', '-c', 'no/such.yaml'], { GATEHOUSE_DEBUG: '1' });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
