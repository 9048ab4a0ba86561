import type { GatewayEnvironment } from '../lib/config/environments';
import { inRegion } from '../lib/config/regions';
import { HEALTH_PATH } from '../lib/contract/health-route';
import type { Clock } from '../lib/rate-limit/rate-limiter';
import { redactUrl } from './env';
import { startEdgeRouter, type EdgeRouter } from './edge-router';
import type { TwinRouting } from './edge-dns';
import { startLocalIssuers, type IssuerContinuity, type LocalIssuers } from './issuers';
import { listen } from './listen';
import type { RequestLogger } from './request-log';
import { seedConsumerStore, type Seed } from './seed';
import { startLocalGateway, type LocalGateway } from './server';

/**
 * A multi-region environment on one machine (decision 0026 D11): one gateway per region behind
 * the edge router (./edge-router.ts, CloudFront + Route 53). Per region, as deployed: its own
 * limiter (in-memory, or its own Redis: counters and breaker records are per region, ElastiCache
 * Serverless does not replicate), its own circuit breakers, authorizer cache, usage plans, stage
 * throttle and sample upstreams. Shared, as deployed: the consumer store (the global table; the
 * twin has no replication lag) and the issuers (one Cognito pool, replicated; the same external IdPs).
 */
export interface MultiRegionOptions {
  readonly gateway: GatewayEnvironment;
  /** The regions to serve, primary first (2 or more). */
  readonly regions: readonly string[];
  readonly routing: TwinRouting;
  readonly seed: Seed;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The edge router's port: what clients call. @default 0 */
  readonly port?: number;
  /** The Cognito stand-in's port; `false` runs without issuers. @default 0 */
  readonly issuerPort?: number | false;
  readonly issuerContinuity?: IssuerContinuity;
  /** Each region's gateway port (`--watch` keeps them). @default free ports */
  readonly regionPorts?: Readonly<Record<string, number>>;
  /** One Redis URL per region, in `regions` order; without, an in-memory limiter per region. */
  readonly redisUrls?: readonly string[];
  readonly dynamodb?: { readonly endpoint: string; readonly tableName: string };
  /** Every region's request lines, each with its `region`, and the router's own answers. */
  readonly log?: RequestLogger;
  readonly notice?: (line: string) => void;
  readonly stageThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** The edge router's time scale (its probes, period and TTL; not rate-limit windows). @default 1 */
  readonly timeScale?: number;
  readonly clock?: Clock;
  readonly requestTimeoutSeconds?: number;
}

export interface RegionalTwin {
  readonly region: string;
  readonly primary: boolean;
  readonly gateway: LocalGateway;
  /** Whether its gateway listens (see {@link MultiRegionTwin.stop}). */
  readonly running: boolean;
}

export interface MultiRegionTwin {
  /** The edge router's URL: what clients call. */
  readonly url: string;
  readonly router: EdgeRouter;
  readonly regions: readonly RegionalTwin[];
  readonly issuers?: LocalIssuers;
  /** Startup warnings, each region's prefixed with `[region]`. */
  readonly warnings: readonly string[];
  readonly runs: { readonly limiter: string; readonly consumers: string };
  /**
   * Takes the region's gateway off the network: it stops listening and the requests in flight
   * are cut (a region lost), its state (counters, breakers, caches) kept for {@link start}.
   */
  stop(region: string): Promise<void>;
  /** Listens again on the same port, state as it was. */
  start(region: string): Promise<void>;
  close(): Promise<void>;
}

export async function startMultiRegion(options: MultiRegionOptions): Promise<MultiRegionTwin> {
  const { gateway, regions, seed } = options;
  const host = options.host ?? '127.0.0.1';
  if (options.redisUrls && options.redisUrls.length !== regions.length) {
    throw new Error(`multi-region twin: ${options.redisUrls.length} Redis URLs for ${regions.length} regions`);
  }
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => { for (const close of closers.splice(0).reverse()) await close().catch(() => undefined); };
  try {
    const issuers = options.issuerPort === false ? undefined : await startLocalIssuers(gateway, seed, host, options.issuerPort ?? 0, options.issuerContinuity);
    if (issuers) closers.push(() => issuers.close());
    const consumers = seedConsumerStore(seed);
    const twins: { region: string; primary: boolean; gateway: LocalGateway; running: boolean; port: number }[] = [];
    for (const [i, region] of regions.entries()) {
      const local = await startLocalGateway({
        gateway: inRegion(gateway, region), seed, host, port: options.regionPorts?.[region] ?? 0,
        regional: { issuers, consumers },
        redisUrl: options.redisUrls?.[i], dynamodb: options.dynamodb, clock: options.clock, stageThrottle: options.stageThrottle,
        requestTimeoutSeconds: options.requestTimeoutSeconds,
        log: options.log && regionLog(options.log, region),
        notice: options.notice && ((line) => options.notice!(`[${region}] ${line}`)),
      });
      closers.push(() => local.close());
      await warmUp(local.url);
      twins.push({ region, primary: i === 0, gateway: local, running: true, port: Number(new URL(local.url).port) });
    }
    const twinOf = (region: string) => {
      const twin = twins.find((t) => t.region === region);
      if (!twin) throw new Error(`no region ${region}`);
      return twin;
    };
    const stop = async (region: string) => {
      const twin = twinOf(region);
      if (!twin.running) return;
      twin.running = false;
      const server = twin.gateway.app.server;
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      options.notice?.(`[${region}] gateway stopped: ${twin.gateway.url} refuses connections (a region lost; its state is kept) until it is started again`);
    };
    const start = async (region: string) => {
      const twin = twinOf(region);
      if (twin.running) return;
      await listen(twin.gateway.app.server, 'gateway', twin.port, host);
      twin.running = true;
      options.notice?.(`[${region}] gateway started again on ${twin.gateway.url}`);
    };
    const router = await startEdgeRouter({
      regions: twins.map((t) => ({ region: t.region, url: t.gateway.url })),
      routing: options.routing, timeScale: options.timeScale, host, port: options.port ?? 0,
      log: options.log, notice: options.notice, clock: options.clock,
      control: { stop, start, isRunning: (region) => twinOf(region).running },
    });
    closers.push(() => router.close());
    const limiter = options.redisUrls
      ? `Redis per region: ${regions.map((r, i) => `${redactUrl(options.redisUrls![i])} (${r})`).join(', ')}`
      : 'in-memory, one per region (REDIS_URL not set)';
    return {
      url: router.url,
      router,
      regions: twins,
      issuers,
      warnings: twins.flatMap((t) => t.gateway.warnings.map((w) => `[${t.region}] ${w}`)),
      runs: { limiter, consumers: `${twins[0].gateway.runs.consumers}, shared by the regions` },
      stop,
      start,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * One health request before the router starts probing: a gateway's first request compiles its
 * code paths (tens of ms), which a scaled-down probe timeout would count as a failure.
 */
async function warmUp(url: string): Promise<void> {
  await fetch(`${url}${HEALTH_PATH}`).then((r) => r.arrayBuffer()).catch(() => undefined);
}

function regionLog(log: RequestLogger, region: string): RequestLogger {
  return (line) => log({ region, ...line });
}
