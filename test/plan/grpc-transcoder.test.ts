import { join } from 'node:path';
import { loadConfigFile } from '../../lib/checks/load';
import { DEFAULT_ASSUMPTIONS } from '../../lib/plan/assumptions';
import { GRPC_TRANSCODER_MEMORY_MB, transcoderReservedConcurrency, transcoderSecondsPerInvocation } from '../../lib/plan/grpc-transcoder';
import { planEnvironment } from '../../lib/plan/plan';
import { planSections } from '../../lib/plan/plan-sections';
import { PRICED_REGIONS, pricesFor } from '../../lib/plan/prices';
import { ROOT } from '../support/synth';
import { grpcConfigText, writeGrpcConfig } from '../stacks/grpc-fixture';

/** The fixture: routes echo (HTTP) and ledger (gRPC, GET + POST), 10 req/s steady, 20 peak, eu-west-1. */
const gateway = (text = grpcConfigText()) => loadConfigFile(join(ROOT, writeGrpcConfig(text))).environments.dev;
const a = DEFAULT_ASSUMPTIONS;

describe('the planner with a gRPC service', () => {
  const plan = planEnvironment(gateway());
  const grpc = plan.grpc!;

  it('gives the transcoder the gRPC routes\' share of the mix (an even split over routes)', () => {
    expect(grpc.routes).toEqual(['ledger']);
    expect(grpc.share).toBeCloseTo(0.5, 10);
    expect(grpc.steadyRps).toBeCloseTo(5, 10);
    expect(grpc.peakRps).toBeCloseTo(10, 10);
    expect(grpc.nativeServices).toEqual(['ledger']);
  });

  it('holds an execution environment for its own work, the upstream call it waits for and its cold-start share', () => {
    // 1.5 ms + 30 ms + 0.002 x 500 ms = 32.5 ms.
    expect(transcoderSecondsPerInvocation(a)).toBeCloseTo(0.0325, 10);
    expect(grpc.secondsPerInvocation).toBeCloseTo(0.0325, 10);
    expect(grpc.concurrency.peak).toBeCloseTo(10 * 0.0325, 10);
  });

  it('reserves concurrency for every request the stage throttle admits, as the CDK construct deploys it', () => {
    // The stage throttle is ceil(20 x 1.2) = 24 req/s; 24 x 32.5 ms = 0.78: the minimum of 5.
    expect(transcoderReservedConcurrency(gateway().profile, a)).toBe(5);
    expect(grpc.concurrency.reserved).toBe(5);
    // 5 / 10 req/s - 1.5 ms = 498.5 ms of mean upstream time fills them.
    expect(grpc.upstreamSecondsAtReserve).toBeCloseTo(0.4985, 10);
    expect(plan.findings.map((f) => f.code)).toContain('grpc-transcoder-concurrency');
  });

  it('prices the transcoder\'s requests and duration (arm64, its memory) for the gRPC share of the month', () => {
    const prices = pricesFor('eu-west-1').prices;
    const invocations = 5 * 730 * 3600;
    const requests = plan.cost.lines.find((l) => l.item.startsWith('gRPC transcoder requests'))!;
    expect(requests.quantity).toBe('13.1 M');
    expect(requests.monthlyUsd).toBeCloseTo((invocations / 1e6) * prices.lambdaRequests.usd, 6);
    const duration = plan.cost.lines.find((l) => l.item.startsWith('gRPC transcoder duration'))!;
    const gbSeconds = invocations * 0.0325 * (GRPC_TRANSCODER_MEMORY_MB / 1024);
    expect(duration.monthlyUsd).toBeCloseTo(gbSeconds * prices.lambdaArmGbSecond.usd, 6);
    expect(duration.item).toBe(`gRPC transcoder duration (arm64, ${GRPC_TRANSCODER_MEMORY_MB} MB, 32.5 ms incl. the upstream)`);
    expect(plan.cost.lines.find((l) => l.item.startsWith('gRPC transcoder logs'))!.monthlyUsd).toBeGreaterThan(0);
    expect(plan.cost.lines.find((l) => l.item.startsWith('internal ALB gRPC target groups'))).toMatchObject({ monthlyUsd: 0 });
    expect(PRICED_REGIONS).toContain('eu-west-1');
  });

  it('puts the transcoder\'s hop in the p99 budget: the invoke and the measured transcoding p99', () => {
    const hop = plan.latency.hops.find((h) => h.hop === 'gRPC transcoder (Lambda)')!;
    expect(hop.p99Ms).toBe(8 + a.grpc.transcodeP99Ms);
    const names = plan.latency.hops.map((h) => h.hop);
    expect(names.indexOf('gRPC transcoder (Lambda)')).toBe(names.indexOf('integration network') - 1);
  });

  it('prices native gRPC calls per million, since no traffic key counts them', () => {
    const native = plan.findings.find((f) => f.code === 'grpc-native-cost')!;
    expect(native.message).toMatch(/^native gRPC calls are not in traffic\.\*: each million costs about \$\d+\.\d\d \(CloudFront request and data, edge WAF, ALB LCUs/);
  });

  it('prints a gRPC transcoding section', () => {
    const section = planSections(plan).find((s) => s.title === 'gRPC transcoding')!;
    expect(section.table!.rows[0]).toEqual(['routes to gRPC services', 'ledger (50.0 % of requests)']);
  });

  it('plans nothing of the kind without gRPC services', () => {
    const http = planEnvironment(loadConfigFile(join(ROOT, 'gateway.config.yaml')).environments.dev);
    expect(http.grpc).toBeUndefined();
    expect(http.cost.lines.some((l) => l.item.includes('gRPC'))).toBe(false);
    expect(http.latency.hops.some((h) => h.hop.includes('gRPC'))).toBe(false);
  });
});
