import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { initAtLoad } from '../init-at-load';
import { awsSources } from './aws-sources';
import { HEALTH_PROBER_ENV, parseHealthProberConfig } from './config';
import { logger, recordRound } from './observability';
import { probe } from './probe';
import { createProbeRound, type ProbeRoundOutcome } from './round';

type Round = (scheduledAtMs?: number) => Promise<ProbeRoundOutcome>;

/** The schedule's input (lib/constructs/health-prober.ts): the run's scheduled time. */
export interface ProbeEvent {
  readonly scheduledTime?: string;
}

/**
 * The middy + Powertools pipeline around one probe run (as lambdas/breaker-state/handler.ts):
 * `build` starts at module load (config parsed, every region's domain name and the secret
 * being fetched) and a failed build is retried by the next invocation. A run always resolves:
 * failures are data, not errors, and a retried run would only probe a later minute twice.
 */
export function createHandler(build: () => Promise<Round>) {
  const round = initAtLoad(build);
  const lambdaHandler = async (event: ProbeEvent | undefined): Promise<ProbeRoundOutcome> => {
    const scheduled = typeof event?.scheduledTime === 'string' ? Date.parse(event.scheduledTime) : Number.NaN;
    const outcome = await (await round())(Number.isFinite(scheduled) ? scheduled : undefined);
    recordRound(outcome);
    return outcome;
  };
  return middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The deployed wiring: the config from the environment, API Gateway per target region, Secrets Manager here. */
export const handler = createHandler(async () => {
  const config = parseHealthProberConfig(process.env[HEALTH_PROBER_ENV.config]);
  const sources = awsSources(config.targets, config.probe.host, config.originVerify.secretName,
    (what, error) => logger.warn(`${what} could not be re-read; the last value is used`, { error: error as Error }));
  // Start the lookups during init; a failed one is retried by the run that needs it.
  for (const value of [...sources.domainNames.values(), sources.originVerify]) void value.get().catch(() => undefined);
  return createProbeRound({ config, domainNames: sources.domainNames, originVerify: sources.originVerify, probe });
});
