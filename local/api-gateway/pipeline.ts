import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { GatewayEnvironment } from '../../lib/config/load';
import type { RouteConfig, ServiceConfig } from '../../lib/config/schema';
import { REASON } from '../../lib/gateway/authorizer-context';
import { compileRouteTable, upstreamPath, type ApiMethod } from '../../lib/gateway/route-table';
import { compileRequestTransformation, resolveUpstreamHeaders, type RequestTransformation } from '../../lib/gateway/transformations';
import { RateLimiterUnavailableError, type Clock } from '../../lib/rate-limit/rate-limiter';
import { refusalReason, type AuthorizerFn } from '../authorizer-adapter';
import type { RequestLogLine } from '../request-log';
import { AuthorizerResultCache } from './authorizer-cache';
import { authorizerEvent } from './authorizer-event';
import { GatewayResponses, type LocalResponseType } from './gateway-responses';
import { compileIdentitySources, type IdentityResolver } from './identity-sources';
import { HOP_BY_HOP, Integration, upstreamTarget } from './integration';
import { evaluatePolicy, methodArnOf, methodArnPrefix } from './policy';
import { ResourceTree } from './resources';
import { CACHE_CONTROL_IGNORED_WARNING, requestsInvalidation, StageCache, stageCacheKey } from './stage-cache';
import { UsagePlans } from './usage-plans';
import { compileWafChecks, RequestValidator } from './validation';

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

type LogFields = { -readonly [K in keyof RequestLogLine]?: RequestLogLine[K] };

export interface ApiGatewayProps {
  readonly gateway: GatewayEnvironment;
  readonly authorize: AuthorizerFn;
  /** Service name -> base URL the "ALB" forwards to (local_url or a sample upstream). */
  readonly upstreams: Readonly<Record<string, string>>;
  /** Usage identifier key -> tier: the tiers' shared keys and consumers' own keys. */
  readonly usageKeys: { readonly shared: Readonly<Record<string, string>>; readonly consumers?: Readonly<Record<string, string>> };
  readonly clock: Clock;
  /** Stage throttle instead of the profile's (an account whose throttle quota was raised). */
  readonly stageThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
}

const API = { id: 'local', stage: 'live', resourceId: 'local0' };
/** The request log's reason when API Gateway answers 401 without invoking the authorizer. */
const IDENTITY_SOURCE_MISSING = 'identity_source_missing';
const NO_ROUTE_MATCHED = JSON.stringify({ message: 'no route matched' });
const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});

/** What a method needs per request, worked out once from the route table and the config. */
interface CompiledMethod {
  /** Identity sources -> values (cache key) or the missing one; undefined when the TTL is 0. */
  readonly identity?: IdentityResolver;
  /** Authorizer id part of the result cache key (TTL and identity sources). */
  readonly authorizerId: string;
  readonly primaryService: ServiceConfig;
  /** Upstream path with the path parameters filled in (strip_path and the service base path applied). */
  readonly target: (pathParameters: Readonly<Record<string, string>>) => string;
  readonly transformation: RequestTransformation;
}

/** Where the "ALB" sends a service's requests: the origin and the base path of its URL. */
interface UpstreamBase { readonly origin: string; readonly basePath: string }

/**
 * The regional side of the deployed path, in API Gateway's order: WAF rules (size, content type),
 * stage throttle, resource/method, authorizer (identity sources, result cache, Lambda, policy),
 * usage plan, request validation, stage cache, integration through the "ALB" (routing on the
 * authorizer's `route`), gateway responses for every failure.
 */
export class ApiGateway {
  readonly methods: readonly ApiMethod[];
  private readonly tree: ResourceTree;
  private readonly wafChecks: ReturnType<typeof compileWafChecks>;
  private readonly responses: GatewayResponses;
  private readonly validator: RequestValidator;
  private readonly authorizerCache: AuthorizerResultCache;
  private readonly stageCache: StageCache;
  private readonly usagePlans: UsagePlans;
  private readonly integration = new Integration();
  private readonly services: Map<string, ServiceConfig>;
  private readonly routes: Map<string, RouteConfig>;
  private readonly compiled = new Map<ApiMethod, CompiledMethod>();
  private readonly bases = new Map<string, UpstreamBase>();
  private readonly arnPrefix: string;
  private readonly props: ApiGatewayProps;

  constructor(props: ApiGatewayProps) {
    this.props = props;
    const { config, env, profile } = props.gateway;
    this.methods = compileRouteTable(config);
    this.tree = new ResourceTree(this.methods);
    this.wafChecks = compileWafChecks(config, this.methods);
    this.responses = new GatewayResponses(config);
    this.validator = new RequestValidator(config);
    this.authorizerCache = new AuthorizerResultCache({ clock: props.clock });
    this.stageCache = new StageCache({ clock: props.clock });
    this.usagePlans = new UsagePlans({ tiers: config.tiers, sharedKeys: props.usageKeys.shared, consumerKeys: props.usageKeys.consumers, stageThrottle: props.stageThrottle ?? profile.stageThrottle, clock: props.clock });
    this.services = new Map(config.services.map((s) => [s.name, s]));
    this.routes = new Map(config.routes.map((r) => [r.name, r]));
    this.arnPrefix = methodArnPrefix({ region: env.region, account: env.account, apiId: API.id, stage: API.stage });
    const transformations = new Map(config.routes.map((r) => [r.name, compileRequestTransformation(config, r)]));
    for (const method of this.methods) {
      const settings = method.authorizer;
      const primaryService = this.services.get(method.primary.service)!;
      const transformation = transformations.get(method.primary.name)!;
      this.compiled.set(method, {
        identity: settings.ttl > 0 ? compileIdentitySources(settings.identitySources) : undefined,
        authorizerId: `${settings.ttl}|${settings.identitySources.join(',')}`,
        primaryService,
        target: compileTarget(upstreamPath(method.resourcePath, method.primary, primaryService)),
        transformation: { set: transformation.set.map((h) => ({ ...h, name: h.name.toLowerCase() })) },
      });
    }
    for (const [name, base] of Object.entries(props.upstreams)) {
      const url = new URL(base);
      this.bases.set(name, { origin: url.origin, basePath: url.pathname === '/' && !base.endsWith('/') ? '' : url.pathname });
    }
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const { config } = this.props.gateway;
    const requestId = randomUUID();
    const now = this.props.clock();
    const headers = lowerHeaders(req.rawHeaders);
    const log: LogFields = { requestId };

    const blocked = this.wafChecks({ method: req.method, contentType: headers['content-type'], bodyBytes: req.body.length, rawQuery: req.rawQuery });
    if (blocked) return waf(log, blocked, blocked.rule);
    if (!this.usagePlans.admitStage()) return this.gatewayResponse(log, requestId, 'THROTTLED');

    const path = decodePath(req.rawPath);
    if (path === undefined) return this.gatewayResponse(log, requestId, 'DEFAULT_4XX');
    // CORS preflight: the MOCK OPTIONS method every resource gets when cors is set (no
    // authorizer, no backend); the CloudFront step adds the CORS headers (local/cloudfront.ts).
    if (req.method === 'OPTIONS' && config.cors && this.tree.hasPath(path)) {
      return { statusCode: 204, headers: { 'x-amzn-requestid': requestId }, body: '', log: { ...log, route: 'cors-preflight' } };
    }
    const match = this.tree.match(req.method, path);
    if (!match) return this.gatewayResponse(log, requestId, 'MISSING_AUTHENTICATION_TOKEN');
    const { method, resourcePath, pathParameters } = match;
    const compiled = this.compiled.get(method)!;
    log.route = method.primary.name;

    // Authorizer: identity sources, result cache, Lambda, policy.
    const settings = method.authorizer;
    const query = req.rawQuery ? Object.fromEntries(new URLSearchParams(req.rawQuery)) : NO_QUERY;
    let cacheKey: string | undefined;
    if (compiled.identity) {
      const identity = compiled.identity({ headers, query, httpMethod: req.method, resourcePath });
      if (!identity.ok) return this.gatewayResponse({ ...log, reason: IDENTITY_SOURCE_MISSING }, requestId, 'UNAUTHORIZED');
      cacheKey = AuthorizerResultCache.key(compiled.authorizerId, identity.values);
    }
    const arn = methodArnOf(this.arnPrefix, req.method, path);
    let result: APIGatewayAuthorizerResult | undefined = cacheKey ? this.authorizerCache.get(cacheKey) : undefined;
    log.authorizerCacheHit = result !== undefined;
    if (!result) {
      const event = authorizerEvent({
        requestId, methodArn: arn, resourcePath, path, httpMethod: req.method, rawHeaders: req.rawHeaders, rawQuery: req.rawQuery,
        pathParameters, sourceIp: req.sourceIp, userAgent: headers['user-agent'], requestTimeEpoch: now,
        api: { id: API.id, stage: API.stage, account: this.props.gateway.env.account, domainName: headers.host ?? 'localhost', resourceId: API.resourceId },
      });
      try {
        const decision = await this.props.authorize(event);
        result = decision.result;
        if (decision.limiterDegraded) log.limiter = 'degraded';
      } catch (err) {
        log.reason = refusalReason(err);
        if ((err as Error)?.message === 'Unauthorized') return this.gatewayResponse(log, requestId, 'UNAUTHORIZED');
        if (err instanceof RateLimiterUnavailableError) log.limiter = 'unavailable';
        return this.gatewayResponse(log, requestId, 'AUTHORIZER_FAILURE');
      }
      if (!isAuthorizerResult(result)) return this.gatewayResponse(log, requestId, 'AUTHORIZER_CONFIGURATION_ERROR');
      if (cacheKey) this.authorizerCache.set(cacheKey, result, settings.ttl);
    }
    const context = (result.context ?? {}) as Record<string, string | number | boolean>;
    log.consumer = str(context.consumer);
    log.tier = str(context.tier);
    log.reason = str(context.reason);
    if (context.reason === REASON.rateLimited || context.reason === REASON.quotaExceeded) log.limiter = 'limited';
    if (evaluatePolicy(result.policyDocument, arn) !== 'Allow') return this.gatewayResponse(log, requestId, 'ACCESS_DENIED', context);
    log.limiter ??= 'allowed';

    if (settings.apiKeyRequired) {
      const verdict = this.usagePlans.admit(result.usageIdentifierKey);
      if (!verdict.ok) {
        log.limiter = context.reason === REASON.rateLimited || context.reason === REASON.quotaExceeded ? 'limited' : `usage-plan:${verdict.type}`;
        return this.gatewayResponse(log, requestId, verdict.type, verdict.type === 'INVALID_API_KEY' ? context : undefined);
      }
    }

    const routeName = str(context.route);
    const route = routeName ? this.routes.get(routeName) : undefined;
    if (route) log.route = route.name;
    const validationErrors = this.validator.validate(method.primary, req.method, req.body);
    if (validationErrors) return this.gatewayResponse(log, requestId, 'BAD_REQUEST_BODY', context, validationErrors);

    // Stage cache (the method's, from the route table: GET/HEAD answered by one route with cache.ttl).
    const cache = method.cache;
    let stageKey: string | undefined;
    let warning: string | undefined;
    if (cache) {
      const conditional = headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;
      stageKey = conditional ? undefined : stageCacheKey(cache, { httpMethod: req.method, resourcePath, pathParameters, query, headers });
      const hit = stageKey ? this.stageCache.get(stageKey) : undefined;
      if (requestsInvalidation(headers['cache-control'])) warning = CACHE_CONTROL_IGNORED_WARNING;
      if (hit) {
        return { statusCode: hit.statusCode, headers: { ...hit.headers, 'x-amzn-requestid': requestId, ...(warning ? { warning } : {}) }, body: hit.body, log: { ...log, stageCache: 'hit' } };
      }
      log.stageCache = stageKey ? 'miss' : 'bypass';
    }

    // Integration: the primary route's URI and transformation (as deployed); the "ALB" picks the
    // service from X-Gatehouse-Route, or answers its default 404 when no rule matches.
    const targetService = method.directService ?? (route ? this.services.get(route.service) : undefined);
    if (!targetService) {
      return { statusCode: 404, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body: NO_ROUTE_MATCHED, log: { ...log, error: 'alb:no_route' } };
    }
    const base = this.bases.get(targetService.name)!;
    const upstreamHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of req.rawHeaders) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      const prev = upstreamHeaders[lower];
      upstreamHeaders[lower] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    // Names are lower case in the compiled transformation, so the values land over the client's.
    Object.assign(upstreamHeaders, resolveUpstreamHeaders(compiled.transformation, { requestId, clientIp: req.sourceIp, requestTimeEpoch: now, authorizer: context }));
    const upstream = await this.integration.call({
      origin: base.origin,
      path: upstreamTarget(base.basePath, compiled.target(pathParameters), req.rawQuery),
      method: req.method,
      headers: upstreamHeaders,
      body: req.body,
      timeoutMs: compiled.primaryService.read_timeout_ms,
    }, this.props.clock);
    log.upstreamLatencyMs = upstream.latencyMs;
    if (!upstream.ok) return this.gatewayResponse(log, requestId, upstream.type, context);
    if (stageKey && cache && upstream.statusCode === 200) {
      this.stageCache.set(stageKey, { statusCode: upstream.statusCode, headers: { ...upstream.headers }, body: upstream.body }, cache.ttl);
    }
    // The integration's header object is this request's own: add to it instead of copying it.
    const responseHeaders = upstream.headers;
    responseHeaders['x-amzn-requestid'] = requestId;
    if (warning) responseHeaders.warning = warning;
    return { statusCode: upstream.statusCode, headers: responseHeaders, body: upstream.body, log };
  }

  private gatewayResponse(log: LogFields, requestId: string, type: LocalResponseType, authorizer?: Record<string, string | number | boolean | undefined>, validationErrors?: string): ApiResponse {
    const r = this.responses.render(type, { requestId, authorizer, validationErrors });
    return { statusCode: r.statusCode, headers: { ...r.headers, 'x-amzn-requestid': requestId }, body: r.body, log: { ...log, error: type } };
  }

  /** Drops cached authorizer results (tests). */
  clearAuthorizerCache(): void {
    this.authorizerCache.clear();
  }

  close(): Promise<void> {
    return this.integration.close();
  }
}

function waf(log: LogFields, r: { statusCode: number; body: string }, rule: string): ApiResponse {
  return { statusCode: r.statusCode, headers: { 'content-type': 'application/json' }, body: r.body, log: { ...log, error: `waf:${rule}` } };
}

function lowerHeaders(raw: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of raw) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

const NEEDS_DECODING = /[%.\\\u0000]/;

/**
 * The decoded path, or undefined for what no AWS front door passes on: invalid percent-encoding,
 * encoded NUL, dot segments (path traversal) in raw or encoded form.
 */
export function decodePath(rawPath: string): string | undefined {
  // Without '%', '.', '\\' or NUL there is nothing to decode and no dot segment.
  if (!NEEDS_DECODING.test(rawPath)) return rawPath;
  let decoded: string;
  try { decoded = decodeURIComponent(rawPath); } catch { return undefined; }
  if (decoded.includes('\u0000') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((s) => s === '.' || s === '..')) return undefined;
  return rawPath;
}

/** `/users/{id}` -> a function filling in `{id}` (encoded); a path without parameters is a constant. */
function compileTarget(template: string): (pathParameters: Readonly<Record<string, string>>) => string {
  const parts = template.split(/\{([^}]+)\}/);
  if (parts.length === 1) return () => template;
  return (pathParameters) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) out += encodePathParameter(pathParameters[parts[i]] ?? '') + parts[i + 1];
    return out;
  };
}

function encodePathParameter(value: string): string {
  return value.split('/').map((s) => encodeURIComponent(s)).join('/');
}

function isAuthorizerResult(r: unknown): r is APIGatewayAuthorizerResult {
  const v = r as APIGatewayAuthorizerResult | undefined;
  return typeof v === 'object' && v !== null && typeof v.principalId === 'string' && typeof v.policyDocument === 'object' && Array.isArray(v.policyDocument?.Statement);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
