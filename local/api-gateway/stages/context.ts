import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { GatewayConfig, RouteConfig, ServiceConfig } from '../../../lib/config/schema';
import type { ApiMethod } from '../../../lib/contract/route-table';
import type { RequestTransformation } from '../../../lib/contract/transformations';
import type { Clock } from '../../../lib/rate-limit/rate-limiter';
import type { RouteResilience } from '../../../lib/resilience/resilience-plan';
import type { AuthorizerFn } from '../../authorizer-adapter';
import type { RequestLogLine } from '../../request-log';
import type { AuthorizerResultCache } from '../authorizer-cache';
import type { GatewayResponses, LocalResponseType } from '../gateway-responses';
import type { IdentityResolver } from '../identity-sources';
import type { ResourceTree } from '../resources';
import type { ServiceUpstream } from '../service-upstream';
import type { StageCache } from '../stage-cache';
import type { UsagePlans } from '../usage-plans';
import type { compileWafChecks, RequestValidator } from '../validation';

/**
 * The request context the pipeline's stages share (local/api-gateway/pipeline.ts runs them):
 * the request, what the gateway compiled once, and what earlier stages found. One object per
 * request, every field set in the constructor so all contexts share one shape.
 */

/** A request as it reaches API Gateway (after CloudFront). */
export interface ApiRequest {
  readonly method: string;
  /** Path without query, as sent (percent-encoded). */
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Header pairs in arrival order (names as sent), CloudFront's additions included. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | string;
  /** Log fields gathered on the way. */
  readonly log: LogFields;
}

export type LogFields = { -readonly [K in keyof RequestLogLine]?: RequestLogLine[K] };

/** The authorizer's context as API Gateway passes it on. */
export type AuthorizerContext = Record<string, string | number | boolean>;

/** What a method needs per request, worked out once from the route table and the config. */
export interface CompiledMethod {
  /** Identity sources -> values (cache key) or the missing one; undefined when the TTL is 0. */
  readonly identity?: IdentityResolver;
  /** Authorizer id part of the result cache key (TTL and identity sources). */
  readonly authorizerId: string;
  readonly primaryService: ServiceConfig;
  /** Upstream path with the path parameters filled in (strip_path and the service base path applied). */
  readonly target: (pathParameters: Readonly<Record<string, string>>) => string;
  readonly transformation: RequestTransformation;
}

/** API id, stage and resource id the local API reports (authorizer event, method ARN). */
export const API = { id: 'local', stage: 'live', resourceId: 'local0' } as const;

/** What the gateway compiles once and every stage reads (tests hand in the parts a stage uses). */
export interface CompiledGateway {
  readonly config: GatewayConfig;
  /** The region this gateway serves (one of a multi-region environment's; the health route names it). */
  readonly region: string;
  readonly account: string;
  readonly clock: Clock;
  readonly authorize: AuthorizerFn;
  readonly tree: ResourceTree;
  readonly wafChecks: ReturnType<typeof compileWafChecks>;
  readonly responses: Pick<GatewayResponses, 'render'>;
  readonly validator: Pick<RequestValidator, 'validate'>;
  readonly authorizerCache: Pick<AuthorizerResultCache, 'get' | 'set'>;
  readonly stageCache: Pick<StageCache, 'get' | 'set'>;
  readonly usagePlans: Pick<UsagePlans, 'admitStage' | 'admit'>;
  readonly services: ReadonlyMap<string, ServiceConfig>;
  readonly routes: ReadonlyMap<string, RouteConfig>;
  /** Route name -> its timeout and retries (lib/resilience/resilience-plan.ts). */
  readonly routeResilience: ReadonlyMap<string, RouteResilience>;
  readonly compiled: ReadonlyMap<ApiMethod, CompiledMethod>;
  /** Service name -> where the "ALB" sends its requests: its instances, their pool and its breaker. */
  readonly upstreams: ReadonlyMap<string, Pick<ServiceUpstream, 'call'>>;
  readonly arnPrefix: string;
}

export class RequestContext {
  readonly gateway: CompiledGateway;
  readonly req: ApiRequest;
  readonly requestId: string;
  /** The gateway clock when the request arrived (requestTimeEpoch). */
  readonly now: number;
  /** Lower-cased header names -> value (a repeated header joined with `,`). */
  readonly headers: Record<string, string>;
  readonly log: LogFields;
  /** Decoded path (decode-path). */
  path = '';
  /** Matched method, its resource and path parameters (match-method). */
  method: ApiMethod | undefined = undefined;
  compiled: CompiledMethod | undefined = undefined;
  resourcePath = '';
  pathParameters: Readonly<Record<string, string>> = NO_PARAMETERS;
  /** Query parameters, last value wins (identity-sources). */
  query: Readonly<Record<string, string>> = NO_QUERY;
  /** Authorizer result cache key; undefined when the method's TTL is 0 (identity-sources). */
  cacheKey: string | undefined = undefined;
  methodArn = '';
  /** The authorizer's result, from the cache or the Lambda (authorizer stages). */
  result: APIGatewayAuthorizerResult | undefined = undefined;
  authorizer: AuthorizerContext = NO_CONTEXT;
  /** The route the authorizer chose (`context.route`), when the config has it. */
  route: RouteConfig | undefined = undefined;
  /** Stage cache key; undefined when not cached or bypassed (stage-cache). */
  stageKey: string | undefined = undefined;
  /** The warning header a response gets (Cache-Control ignored). */
  warning: string | undefined = undefined;
  /** Value or rejection of the last await point (a stage that returned a promise). */
  settled: unknown = undefined;
  failure: unknown = undefined;
  failed = false;

  constructor(gateway: CompiledGateway, req: ApiRequest, requestId: string) {
    this.gateway = gateway;
    this.req = req;
    this.requestId = requestId;
    this.now = gateway.clock();
    this.headers = lowerHeaders(req.rawHeaders);
    this.log = { requestId };
  }
}

/**
 * What a stage answers: a response ends the request (early return), {@link CONTINUE} runs the
 * next stage, and a promise is an await point: the runner waits for it and puts its value (or
 * rejection) in `ctx.settled` (`ctx.failure`, `ctx.failed`) for the next stage. Await points
 * keep the old single await per external call: no promise or closure per stage.
 */
export type StageResult = ApiResponse | undefined | Promise<unknown>;

/** One named step of the pipeline. */
export type Stage = (ctx: RequestContext) => StageResult;

export const CONTINUE = undefined;

/**
 * Runs the stages in order until one answers. A stage that throws (or an await point a later
 * stage rethrows) rejects the request: the server answers the edge's 500.
 */
export async function runStages(stages: readonly Stage[], ctx: RequestContext): Promise<ApiResponse> {
  for (let i = 0; i < stages.length; i++) {
    const out = stages[i](ctx);
    if (out === CONTINUE) continue;
    if (out instanceof Promise) {
      try {
        ctx.settled = await out;
        ctx.failure = undefined;
        ctx.failed = false;
      } catch (err) {
        ctx.settled = undefined;
        ctx.failure = err;
        ctx.failed = true;
      }
      continue;
    }
    return out;
  }
  throw new Error('no stage answered the request');
}

/** A gateway response (lib/contract/responses.ts) with the request id, logged as `error: type`. */
export function gatewayResponse(ctx: RequestContext, log: LogFields, type: LocalResponseType, authorizer?: Record<string, string | number | boolean | undefined>, validationErrors?: string): ApiResponse {
  const { requestId } = ctx;
  const r = ctx.gateway.responses.render(type, { requestId, authorizer, validationErrors });
  return { statusCode: r.statusCode, headers: { ...r.headers, 'x-amzn-requestid': requestId }, body: r.body, log: { ...log, error: type } };
}

/** A non-empty string, else undefined (authorizer context values for the log). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const NO_PARAMETERS: Readonly<Record<string, string>> = Object.freeze({});
export const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});
const NO_CONTEXT: AuthorizerContext = Object.freeze({}) as AuthorizerContext;

function lowerHeaders(raw: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of raw) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}
