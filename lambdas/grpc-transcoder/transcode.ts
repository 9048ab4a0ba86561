/**
 * The transcoder's steps for one API Gateway proxy event, as plain functions of plain data (the
 * handler wires them with middy): find the route the authorizer chose, build the REST call and the
 * gRPC metadata the gateway sends every upstream, set the deadline from the route's timeout, and
 * let the service's transcoder (lib/grpc) make the call and map its answer.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CLIENT_IP_HEADER } from '../../lib/contract/headers';
import { REFUSAL, refusalBody, type RefusalText } from '../../lib/contract/refusals';
import { resolveUpstreamHeaders, SCRUBBED_VALUE } from '../../lib/contract/transformations';
import type { TranscoderConfig, TranscoderRoute } from './config';
import { restCallOf } from './rest-call';
import type { RestAnswer, ServiceTranscoder } from './transcoding-port';

/**
 * Milliseconds the deadline leaves before the route's timeout: API Gateway's integration timeout
 * (the longest timeout of the method's routes) starts a few milliseconds before the function does,
 * so a call that runs the whole route timeout ends as the transcoder's own 504 (DEADLINE_EXCEEDED,
 * with the gateway's body), not as API Gateway's.
 */
export const DEADLINE_MARGIN_MS = 100;

/** What one event turned into, for the log line and the metrics. */
export type TranscodeOutcome =
  | { readonly kind: 'answered'; readonly route: string; readonly service: string; readonly status: number; readonly ms: number }
  | { readonly kind: 'misrouted'; readonly route: string | undefined; readonly problem: string }
  | { readonly kind: 'failed'; readonly route: string; readonly service: string; readonly error: Error };

export interface TranscoderDeps {
  readonly config: TranscoderConfig;
  /** Service name -> its transcoder (built at init). */
  readonly services: ReadonlyMap<string, ServiceTranscoder>;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  readonly onOutcome?: (outcome: TranscodeOutcome) => void;
}

export type Transcode = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** The transcoder of one execution environment. */
export function createTranscoder(deps: TranscoderDeps): Transcode {
  const now = deps.now ?? Date.now;
  const report = deps.onOutcome ?? (() => undefined);
  return async (event) => {
    const started = now();
    const routeName = contextString(event, 'route');
    const route = routeName === undefined ? undefined : deps.config.routes[routeName];
    const transcoder = route && deps.services.get(route.service);
    if (!route || !transcoder) {
      // The API sends only gRPC routes here, and the authorizer always names the route: a config
      // out of step with the deployed function, never the caller's fault.
      report({ kind: 'misrouted', route: routeName, problem: route ? `no transcoder for service ${route.service}` : `route ${routeName ?? '(none)'} is not a gRPC route of this function` });
      return refusal(500, REFUSAL.internalError);
    }
    try {
      const call = withoutScrubbed(restCallOf(event, route), route);
      const answer = await transcoder.call(call, { deadline: started + deadlineMs(route), metadata: metadataOf(event, route, started) });
      report({ kind: 'answered', route: routeName!, service: route.service, status: answer.status, ms: now() - started });
      return proxyResult(answer);
    } catch (err) {
      report({ kind: 'failed', route: routeName!, service: route.service, error: err as Error });
      return refusal(502, REFUSAL.upstreamUnavailable);
    }
  };
}

/** The route's timeout less {@link DEADLINE_MARGIN_MS}, never under half the timeout. */
export function deadlineMs(route: Pick<TranscoderRoute, 'timeoutMs'>): number {
  return Math.max(Math.ceil(route.timeoutMs / 2), route.timeoutMs - DEADLINE_MARGIN_MS);
}

/**
 * The gateway's upstream headers as gRPC metadata (lower-case), as API Gateway would have mapped
 * them onto an HTTP_PROXY request: the authorizer context (X-Gatehouse-Route included, which the
 * internal ALB routes on), `add_headers` and the route's plugin headers. Scrubbed headers are
 * left out: their client values are dropped from the call instead ({@link withoutScrubbed}).
 */
export function metadataOf(event: APIGatewayProxyEvent, route: TranscoderRoute, startedMs: number): Record<string, string> {
  const headers = resolveUpstreamHeaders(route.headers, {
    requestId: event.requestContext?.requestId ?? '',
    clientIp: headerValue(event, CLIENT_IP_HEADER) ?? event.requestContext?.identity?.sourceIp ?? '',
    requestTimeEpoch: event.requestContext?.requestTimeEpoch ?? startedMs,
    authorizer: (event.requestContext?.authorizer ?? {}) as Record<string, string | number | boolean | undefined>,
  });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== SCRUBBED_VALUE) out[name.toLowerCase()] = value;
  return out;
}

/** The call without the client headers the gateway keeps from upstreams (consumed credentials, the origin-verify secret, removed headers). */
function withoutScrubbed<C extends { readonly headers: Readonly<Record<string, string>> }>(call: C, route: TranscoderRoute): C {
  const scrubbed = new Set(route.headers.set.filter((h) => h.source.kind === 'static' && h.source.value === SCRUBBED_VALUE).map((h) => h.name.toLowerCase()));
  const gatewaySet = new Set(route.headers.set.map((h) => h.name.toLowerCase()));
  const headers = Object.fromEntries(Object.entries(call.headers).filter(([name]) => !scrubbed.has(name) && !gatewaySet.has(name)));
  return { ...call, headers };
}

function proxyResult(answer: RestAnswer): APIGatewayProxyResult {
  return { statusCode: answer.status, headers: { ...answer.headers }, body: answer.body };
}

function refusal(status: number, text: RefusalText): APIGatewayProxyResult {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: refusalBody(text) };
}

function contextString(event: APIGatewayProxyEvent, key: string): string | undefined {
  const value = (event.requestContext?.authorizer as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === lower && value) return value;
  return undefined;
}
