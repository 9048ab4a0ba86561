import { renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadConfigFile } from '../lib/checks/load';
import { selectEnvironments, type SelectedWith } from '../lib/config/environments';
import { localConsumersTableName } from '../lib/contract/resource-names';
import { inRegion } from '../lib/config/regions';
import { demoCredentials, curlExamples, type DemoCredentials } from './demo';
import { describeListenError, formatEnvProblems, parsePort, readLocalEnv, redisUrlList, type LocalEnv } from './env';
import { TWIN_CONTROL_PATH } from './edge-router';
import { ListenError } from './listen';
import { jsonLineLogger, type RequestLogger } from './request-log';
import { demoSeedFor } from './demo-seed';
import { issuerContinuity, type IssuerContinuity, type LocalIssuers } from './issuers';
import { startMultiRegion } from './multi-region';
import { startLocalGateway } from './server';
import { regionRedisUrls, twinRegions, type TwinRegions } from './twin-regions';
import type { GatewayEnvironment } from '../lib/config/environments';

/**
 * The local twin as `gatehouse start` (and `npm start`) runs it: read the variables, load the
 * config and the seed, start, print the demo calls, serve until SIGINT or SIGTERM.
 * Command line: cli/start.ts; `tsx local/main.ts ARGS` is `gatehouse start ARGS`.
 */
export interface LocalStartOptions {
  /** The config file (the CLI resolves --config, GATEHOUSE_CONFIG and the default). */
  readonly config: string;
  /** How the file was chosen, for the banner: `--config`, `GATEHOUSE_CONFIG` or `default`. */
  readonly configFrom?: string;
  /** @default 'dev' */
  readonly env?: string;
  /** Demo consumers. @default derived from the config (local/demo-seed.ts) */
  readonly seed?: string;
  /**
   * Restart the twin, on the same ports and with the same issuer signing keys, when the config
   * (or the seed) file changes; an edit that does not load is reported and the running one kept.
   */
  readonly watch?: boolean;
  /** Start on free ports, print the demo credentials without addresses as JSON on stdout, stop. */
  readonly printCredentials?: boolean;
  /** Write the demo credentials, addresses included, as JSON to this file once the gateway listens; removed when it stops. */
  readonly credentialsFile?: string;
  /**
   * The regions to serve, primary first (`--regions`), instead of the environment's: 2 or more
   * start one gateway per region behind the edge router (docs/local-gateway.md#two-regions).
   */
  readonly regions?: readonly string[];
  /** The edge router's time scale (`--time-scale`, 0.001 to 1): its probes, period and TTL only. @default 1 */
  readonly timeScale?: number;
}

/** The ports a running twin listens on, to restart on the same ones (`--watch`). */
interface TwinPorts {
  readonly port: number;
  readonly issuerPort: number;
  /** The native gRPC listener's (GRPC_PORT). */
  readonly grpc: GrpcPort;
  /** Each region's gateway, in a multi-region twin. */
  readonly regionPorts?: Readonly<Record<string, number>>;
}

/** The native gRPC listener's port: GRPC_PORT exactly, else {@link DEFAULT_GRPC_PORT} or a free one when it is taken. */
interface GrpcPort {
  readonly port: number;
  readonly fallback: boolean;
}

/** gRPC's conventional port: the native listener's when GRPC_PORT is not set (a free port if it is taken). */
const DEFAULT_GRPC_PORT = 50051;

/** GRPC_PORT (read here: local/env.ts reads the variables every start has). */
function grpcPortFrom(value: string | undefined, printOnly: boolean): GrpcPort {
  if (printOnly) return { port: 0, fallback: false };
  if (value === undefined) return { port: DEFAULT_GRPC_PORT, fallback: true };
  const port = parsePort('GRPC_PORT', value);
  if (typeof port !== 'number') throw new Error(formatEnvProblems([port]));
  return { port, fallback: false };
}

/** A running twin, one gateway or a multi-region one, as this module drives it. */
interface RunningTwin {
  readonly issuers?: LocalIssuers;
  readonly warnings: readonly string[];
  readonly ports: TwinPorts;
  close(): Promise<void>;
}

/** What one start needs besides the config: the variables, the logger and how the config was named. */
interface StartContext {
  readonly options: LocalStartOptions;
  readonly env: LocalEnv;
  readonly log?: RequestLogger;
  readonly stageThrottle?: { rateLimit: number; burstLimit: number };
  readonly configShown: string;
}

const SELECTED_WITH: SelectedWith = { config: '--config FILE', env: '--env NAME' };
/** How often a twin started by npm checks that npm is still there (see {@link whenOrphaned}). */
const PARENT_CHECK_MS = 250;

/**
 * Runs the twin until it is stopped; resolves with the exit code (0 after a signal). Bad input
 * (variables, config, seed, a port in use) rejects with an Error whose message is the one line
 * (or block) to show, never a stack trace.
 */
export async function runLocalGateway(options: LocalStartOptions): Promise<number> {
  const printOnly = options.printCredentials === true;
  // The variables first: a typo there is reported before the config and seed are read.
  const env = readLocalEnv(process.env, printOnly);
  if (Array.isArray(env)) throw new Error(formatEnvProblems(env));
  const stageThrottle = stageThrottleFrom(process.env.STAGE_THROTTLE);
  const grpc = grpcPortFrom(process.env.GRPC_PORT, printOnly);
  const quiet = printOnly || process.env.LOG === 'off';
  const log = quiet ? undefined : jsonLineLogger(process.stdout);
  const configShown = options.configFrom && options.configFrom !== '--config' ? `${options.config} (${options.configFrom})` : options.config;

  const context: StartContext = { options, env, log, stageThrottle, configShown };
  /** Loads the config and seed as they are now and starts the twin on them. */
  const startServing = async (ports: TwinPorts, continuity?: IssuerContinuity) => {
    const [gateway] = selectEnvironments(loadConfigFile(options.config, SELECTED_WITH), [options.env ?? 'dev'], SELECTED_WITH);
    const topology = twinRegions(gateway, options.regions);
    if (options.timeScale !== undefined && topology.regions.length < 2) {
      throw new Error(`--time-scale: scales the edge router of a multi-region twin, but environment ${gateway.name} has one region (${topology.regions[0]}); list two or more with --regions`);
    }
    try {
      return await startTwin(context, gateway, topology, ports, continuity);
    } catch (err) {
      throw err instanceof ListenError ? new Error(describeListenError(err, env)) : err;
    }
  };

  let { running: local, credentials } = await startServing({ port: env.port, issuerPort: env.issuerPort, grpc });
  if (printOnly) {
    process.stdout.write(`${JSON.stringify(withoutAddresses(credentials), null, 2)}\n`);
    for (const warning of local.warnings) process.stderr.write(`${warning}\n`);
    await local.close();
    return 0;
  }
  if (options.credentialsFile) writeCredentialsFile(options.credentialsFile, credentials, local);
  process.stderr.write(`${curlExamples(credentials)}\n`);
  // Last, so they are not scrolled away by the examples.
  for (const warning of local.warnings) process.stderr.write(`\n${warning}\n`);

  const stopWatching = options.watch ? watchFiles([options.config, ...(options.seed ? [options.seed] : [])], async () => {
    const ports = local.ports;
    const continuity = local.issuers ? issuerContinuity(local.issuers) : undefined;
    try {
      // Load before stopping anything: a config that does not load never takes the running twin down.
      const [next] = selectEnvironments(loadConfigFile(options.config, SELECTED_WITH), [options.env ?? 'dev'], SELECTED_WITH);
      demoSeedFor(next.config, options.seed);
      regionRedisUrls(env.redisUrl ? redisUrlList(env.redisUrl) : undefined, twinRegions(next, options.regions).regions);
    } catch (err) {
      process.stderr.write(`\n--watch: ${options.config} changed but does not load; still serving the previous version:\n${(err as Error).message}\n`);
      return;
    }
    await local.close();
    ({ running: local, credentials } = await startServing(ports, continuity));
    if (options.credentialsFile) writeCredentialsFile(options.credentialsFile, credentials, local);
    process.stderr.write(`\n--watch: reloaded ${options.config} (same ports, same issuer keys: tokens issued before stay valid)\n${curlExamples(credentials)}\n`);
  }) : undefined;

  const why = await new Promise<string>((stop) => {
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    whenOrphaned(() => stop('the npm process that started the gateway exited'));
  });
  process.stderr.write(`\n${why}: finishing requests in flight, then stopping\n`);
  stopWatching?.();
  try {
    await local.close();
    return 0;
  } catch {
    return 1;
  } finally {
    if (options.credentialsFile) rmSync(options.credentialsFile, { force: true });
    log?.flush();
  }
}

/** How long a burst of file events (an editor's save) is let settle before one reload. */
const WATCH_SETTLE_MS = 200;

/**
 * Calls `reload` once per settled change of any of `files` (watched through their directories:
 * editors replace a file on save, which a watch on the file itself loses). Reloads never overlap.
 * Returns the function that stops watching.
 */
function watchFiles(files: readonly string[], reload: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(reload).catch((err: Error) => { process.stderr.write(`\n--watch: reload failed: ${err.message}\n`); });
    }, WATCH_SETTLE_MS);
  };
  const watchers = [...new Set(files.map((f) => dirname(f)))].map((dir) => {
    const names = new Set(files.filter((f) => dirname(f) === dir).map((f) => basename(f)));
    return watch(dir, (_event, name) => { if (name && names.has(String(name))) schedule(); });
  });
  return () => { clearTimeout(timer); for (const w of watchers) w.close(); };
}

/**
 * Calls `stop` once when the process that started this one exits, when npm started it.
 * `npm start` runs `sh -c "gatehouse start"`; a SIGTERM to npm is forwarded to sh, which dies
 * without passing it on, and the gateway would keep serving, orphaned, holding its ports. An
 * orphan is re-parented, so its ppid changes. Outside npm (a shell, systemd, a test) nothing is
 * watched: a gateway started in the background there may outlive its parent on purpose.
 */
function whenOrphaned(stop: () => void): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, PARENT_CHECK_MS);
  timer.unref();
}

/**
 * The JSON a script reads to call a running gateway: written to a temporary name and renamed,
 * so a reader polling for the file never sees half of it.
 */
function writeCredentialsFile(file: string, credentials: DemoCredentials, local: RunningTwin): void {
  const partial = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    void local.close();
    throw new Error(`--credentials-file ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * `--print-credentials` stops the gateway it started before the caller can use it: its URLs and
 * ports would name nothing, so only what is valid for any start is printed (keys, clients,
 * secrets, the demo plan). The addresses of a running gateway: `start --credentials-file FILE`.
 */
function withoutAddresses(c: DemoCredentials): Omit<DemoCredentials, 'gateway' | 'issuer' | 'issuers' | 'upstreams' | 'regions' | 'edge' | 'grpc'> & { issuers: { name: string; audience: string }[]; regions?: { region: string; primary: boolean }[]; grpc?: Pick<NonNullable<DemoCredentials['grpc']>, 'services'> } {
  const { gateway: _gateway, issuer: _issuer, upstreams: _upstreams, issuers, regions, edge: _edge, grpc, ...rest } = c;
  return {
    ...rest, issuers: issuers.map((i) => ({ name: i.name, audience: i.audience })), ...(regions ? { regions: regions.map((r) => ({ region: r.region, primary: r.primary })) } : {}),
    ...(grpc ? { grpc: { services: grpc.services } } : {}),
  };
}

/**
 * Starts what `topology` asks for: one gateway (a one-region environment, or `--regions` of one),
 * or one per region behind the edge router. Resolves with it and its credentials.
 */
async function startTwin(context: StartContext, gateway: GatewayEnvironment, topology: TwinRegions, ports: TwinPorts, continuity?: IssuerContinuity): Promise<{ running: RunningTwin; credentials: DemoCredentials }> {
  const { options, env, log, stageThrottle, configShown } = context;
  const { seed, source: consumers } = demoSeedFor(gateway.config, options.seed);
  const redisUrls = regionRedisUrls(env.redisUrl ? redisUrlList(env.redisUrl) : undefined, topology.regions);
  const dynamodb = env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint, tableName: env.consumersTableName ?? localConsumersTableName(gateway) } : undefined;
  const notice = (line: string) => process.stderr.write(`${line}\n`);
  const about = { config: configShown, consumers };
  if (topology.regions.length === 1) {
    const served = topology.from === '--regions' ? inRegion(gateway, topology.regions[0]) : gateway;
    const local = await startLocalGateway({
      gateway: served, seed, port: ports.port, issuerPort: ports.issuerPort, host: env.host, issuerContinuity: continuity,
      redisUrl: redisUrls?.[0], dynamodb, log, stageThrottle, notice, grpcPort: ports.grpc.port, grpcPortFallback: ports.grpc.fallback,
    });
    const issuerPort = local.issuer ? Number(new URL(local.issuer.url).port) : ports.issuerPort;
    // --watch restarts on the port it got (a fallback's free port included).
    const grpc = local.grpc ? { port: Number(new URL(local.grpc.url).port), fallback: false } : ports.grpc;
    return {
      running: { issuers: local.issuers, warnings: local.warnings, ports: { port: Number(new URL(local.url).port), issuerPort, grpc }, close: () => local.close() },
      credentials: demoCredentials(local, seed, served, about),
    };
  }
  const twin = await startMultiRegion({
    gateway, regions: topology.regions, routing: topology.routing, seed, host: env.host, port: ports.port, issuerPort: ports.issuerPort,
    issuerContinuity: continuity, regionPorts: ports.regionPorts, redisUrls, dynamodb, log, stageThrottle, notice, timeScale: options.timeScale,
  });
  const { timing } = twin.router;
  const primary = twin.regions[0].gateway;
  const serving = {
    url: twin.url, issuers: twin.issuers, runs: twin.runs, upstreams: primary.upstreams,
    regions: twin.regions.map((r) => ({ region: r.region, primary: r.primary, gateway: r.gateway.url, upstreams: r.gateway.upstreams })),
    edge: {
      policy: topology.routing.policy, ttlSeconds: topology.routing.ttl_seconds, probesPerPeriod: topology.routing.health_check.probes_per_period,
      failedProbes: topology.routing.health_check.failed_probes, timeScale: options.timeScale ?? 1,
      ttlMs: timing.ttlMs, probeIntervalMs: timing.intervalMs, probeTimeoutMs: timing.timeoutMs, periodMs: timing.periodMs,
      status: `${twin.url}${TWIN_CONTROL_PATH}`,
    },
  };
  const issuerPort = twin.issuers?.cognito ? Number(new URL(twin.issuers.cognito.url).port) : ports.issuerPort;
  const regionPorts = Object.fromEntries(twin.regions.map((r) => [r.region, Number(new URL(r.gateway.url).port)]));
  return {
    running: { issuers: twin.issuers, warnings: twin.warnings, ports: { port: Number(new URL(twin.url).port), issuerPort, grpc: ports.grpc, regionPorts }, close: () => twin.close() },
    credentials: demoCredentials(serving, seed, gateway, about),
  };
}

/** `10000/5000` -> { rateLimit: 10000, burstLimit: 5000 }. */
function stageThrottleFrom(value: string | undefined): { rateLimit: number; burstLimit: number } | undefined {
  if (!value) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`STAGE_THROTTLE: expected RATE/BURST in requests, e.g. 20000/5000; got "${value}"`);
  return { rateLimit: Number(match[1]), burstLimit: Number(match[2]) };
}

if (require.main === module) {
  // Kept for the tests and benchmarks that run this file as `npm start` used to: one command line, the CLI's.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  void (require('../cli/main') as typeof import('../cli/main')).runAndExit(['start', ...process.argv.slice(2)]);
}
