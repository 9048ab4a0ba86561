/**
 * The gateway config model: one zod schema is the single truth for the YAML file's shape,
 * its TypeScript types, its defaults and the exported JSON Schema (schema/gateway.config.schema.json).
 *
 * Keys are snake_case so that Kong users feel at home (`strip_path`, `fault_tolerant`, ...).
 * Cross-references (route -> service, tier and issuer names) are checked at load by lib/checks/.
 */
import { z } from 'zod';
import { CLOUDFRONT_LIMITS } from './aws-limits';
import { ipv4CidrProblem } from './ipv4-cidr';
import { DEFAULT_REDIS_TIMEOUT_MS } from '../rate-limit/rate-limiter';
import { DEFAULT_APPROXIMATE_CACHE_TTL, RATE_LIMIT_MODES } from './rate-limit-modes';
import { GRPC_LOCAL_URL, GrpcSettings, SERVICE_PROTOCOLS } from './grpc-schema';
import { ServiceOpenApi } from './openapi-schema';
import { regionName, Routing } from './region-schema';
import { CircuitBreaker, LocalInstance, Maintenance, MAX_INTEGRATION_TIMEOUT_MS, MIN_INTEGRATION_TIMEOUT_MS, OutlierDetection, Retries } from './resilience-schema';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const name = (what: string) =>
  z.string().regex(NAME, `${what} must be lowercase letters, digits and dashes, start with a letter, at most 40 characters`);

/** A secret is referenced by name, never written into the config. */
export const SecretRef = z
  .union([
    z.strictObject({
      ssm: z.string().regex(/^\/[\w.\-/]+$/, 'an SSM parameter name starts with / (e.g. /gatehouse/pagerduty-url)')
        .describe('SSM String parameter name (CloudFormation cannot resolve SecureString parameters in SNS subscriptions or Cognito providers: prefer secrets_manager for secrets).'),
    }),
    z.strictObject({
      secrets_manager: z.string().regex(/^[\w/+=.@:-]{1,512}$/, 'a Secrets Manager name or ARN').describe('Secrets Manager secret name or ARN.'),
    }),
  ], {
    error: (issue) => typeof issue.input === 'string'
      ? 'a literal secret is not allowed in the config; reference it as { ssm: /parameter/name } or { secrets_manager: secret-name }'
      : 'expected a secret reference: { ssm: /parameter/name } or { secrets_manager: secret-name }',
  })
  .describe('Reference to a secret value: { ssm: /parameter/name } or { secrets_manager: name-or-arn }.');

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const COMPLIANCE = ['pci-dss', 'hipaa', 'soc2', 'gdpr'] as const;
export const ORGANIZATION_TYPES = [
  'fintech-startup', 'enterprise-saas', 'ecommerce', 'healthcare', 'public-sector', 'media', 'other',
] as const;
export const AUTH_STRATEGIES = ['jwt', 'api_key', 'mtls', 'none'] as const;
export { HEADER_TEMPLATES } from './header-templates';

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid HTTP header name (letters, digits and !#$%&\'*+.^_`|~- only; no spaces)');
const headerValue = z.string().max(1024).regex(/^[^\r\n]*$/, 'a header value cannot contain line breaks');
/** A DNS name: labels of 1-63 letters, digits and inner hyphens, at most 253 characters. */
const hostName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** A host name, optionally with one leading `*.` label (tenant wildcards). */
const hostPattern = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A browser origin (scheme, host, optional port; no path) or `*`. */
const corsOrigin = /^(\*|https?:\/\/(?=[^/:]{1,253}(:\d{1,5})?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?)$/;

/** Header names must be unique without regard to case (HTTP header names are case-insensitive). */
const uniqueHeaderNames = (headers: Record<string, unknown>, ctx: z.core.$RefinementCtx) => {
  const seen = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: `the same header as "${first}" (header names are case-insensitive); keep one condition`, input: name });
    else seen.set(name.toLowerCase(), name);
  }
};

/**
 * Upper bound of the traffic figures: 100x API Gateway's default account throttle, far beyond
 * what one regional API serves, and small enough that monthly figures stay exact numbers.
 */
export const MAX_RPS = 1_000_000;
/** AWS WAF rate-based rules: limit 10 to 2,000,000,000 requests per evaluation window. */
export const MAX_WAF_RATE_LIMIT = 2_000_000_000;

export const Organization = z.strictObject({
  name: z.string().min(1).max(100).describe('Display name used in tags and dashboards.'),
  type: z.enum(ORGANIZATION_TYPES).describe('Company profile: tags and dashboards, plus a small preset of WAF defaults layered under the file (docs/profiles.md).'),
}).describe('Who runs the gateway (ORGANIZATION_TYPE of the design).');

export const Traffic = z.strictObject({
  steady_rps: z.number().positive().max(MAX_RPS).describe('Typical requests per second (at most 1,000,000).'),
  peak_rps: z.number().positive().max(MAX_RPS).describe('Peak requests per second the gateway must absorb (at most 1,000,000).'),
  burstiness: z.enum(['steady', 'moderate', 'bursty']).default('moderate')
    .describe('How spiky traffic is; bursty raises burst limits and authorizer concurrency headroom.'),
  distinct_consumers: z.number().int().positive().default(1000)
    .describe('Expected distinct API consumers (identities) per authorizer cache TTL; used for capacity planning.'),
}).describe('Expected load (TRAFFIC_VOLUME); sizes stage throttles and authorizer concurrency (docs/profiles.md).');

export const Targets = z.strictObject({
  p99_latency_ms: z.number().positive().max(29000).describe('p99 end-to-end latency target in milliseconds.'),
  availability: z.number().min(90).max(99.999).describe('Availability target in percent, e.g. 99.99.'),
}).describe('Service level objectives (PERFORMANCE_TARGETS); set the latency alarm and the error-budget burn-rate alarms.');

const HealthCheck = z.strictObject({
  path: z.string().startsWith('/').default('/health').describe('Path the ALB probes on each target.'),
  interval_seconds: z.number().int().min(5).max(300).default(15).describe('Seconds between probes.'),
  timeout_seconds: z.number().int().min(2).max(120).default(5).describe('Seconds before a probe counts as failed; less than interval_seconds.'),
  healthy_threshold: z.number().int().min(2).max(10).default(3).describe('Consecutive successes before a target receives traffic.'),
  unhealthy_threshold: z.number().int().min(2).max(10).default(2).describe('Consecutive failures before a target is taken out (active health check).'),
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'HTTP codes like 200 or 200-299').default('200-299')
    .describe('HTTP codes that count as healthy, e.g. 200 or 200-299 (200-499).'),
}).describe('Active health check of the target group.');

export const Service = z
  .strictObject({
    name: name('a service name').describe('Unique service name; routes refer to it.'),
    url: z.url({ protocol: /^https$/, error: 'a public upstream must be an https:// URL' }).optional()
      .describe('Public HTTPS upstream. Exactly one of url and private.'),
    private: z
      .strictObject({
        port: z.number().int().min(1).max(65535).default(8080).describe('Port the targets listen on.'),
        protocol: z.enum(['HTTP', 'HTTPS']).default('HTTPS').describe('Protocol from the ALB to the targets.'),
        health_check: HealthCheck.default(HealthCheck.parse({})),
        load_balancing: z.enum(['round_robin', 'least_outstanding_requests', 'weighted_random']).default('round_robin')
          .describe('Target group load-balancing algorithm (the local twin balances local_instances with it too).'),
        anomaly_mitigation: z.boolean().default(false)
          .describe('ALB automatic target weights: lowers the share of a target that fails more than its peers. Only with load_balancing: weighted_random (an ALB rule).'),
        deregistration_delay_seconds: z.number().int().min(0).max(3600).default(30)
          .describe('Seconds a draining target keeps serving in-flight requests.'),
      })
      .optional()
      .describe('Private upstream: a target group on the internal ALB, reached through the VPC link.'),
    path: z.string().startsWith('/').default('/').describe('Base path prepended to upstream requests.'),
    read_timeout_ms: z.number().int().min(MIN_INTEGRATION_TIMEOUT_MS).max(MAX_INTEGRATION_TIMEOUT_MS).default(10000)
      .describe('Integration timeout of the service\'s routes (API Gateway allows 50-29000 ms; routes[].timeout_ms overrides it per route).'),
    local_url: z.url({ protocol: /^https?$/, error: 'the local gateway forwards to an http:// or https:// URL, e.g. http://localhost:3000' }).optional()
      .describe(`Upstream used by the local gateway (npm start), an http:// or https:// URL; defaults to a built-in echo service (${GRPC_LOCAL_URL}). Not with local_instances.`),
    local_instances: z.array(LocalInstance).min(1).max(64).optional()
      .describe('Several upstream instances for the local gateway, balanced with private.load_balancing (round_robin for a public service) and ejected by outlier_detection. Not with local_url.'),
    circuit_breaker: CircuitBreaker.default(CircuitBreaker.parse({})),
    outlier_detection: OutlierDetection.default(OutlierDetection.parse({})),
    maintenance: Maintenance.optional(),
    protocol: z.enum(SERVICE_PROTOCOLS).default('http')
      .describe('http: routes proxy HTTP to it; grpc: a gRPC service, which REST consumers call through transcoding (services[].grpc, docs/grpc.md).'),
    grpc: GrpcSettings.optional(),
    openapi: ServiceOpenApi.optional(),
  })
  .refine((s) => (s.protocol === 'grpc') === (s.grpc !== undefined), {
    message: 'protocol: grpc and the grpc block go together: set both (a gRPC service needs its definitions) or neither', path: ['grpc'],
  })
  .refine((s) => (s.url === undefined) !== (s.private === undefined), {
    message: 'set exactly one of url (public HTTPS upstream) and private (internal ALB target group)',
  })
  .refine((s) => !(s.local_url && s.local_instances), { message: 'set local_url (one instance) or local_instances (several), not both', path: ['local_instances'] })
  .refine((s) => !(s.private?.anomaly_mitigation && s.private.load_balancing !== 'weighted_random'), {
    message: 'the ALB mitigates anomalies only with load_balancing: weighted_random', path: ['private', 'anomaly_mitigation'],
  });

export const RouteAuth = z.strictObject({
  strategies: z.array(z.enum(AUTH_STRATEGIES)).min(1).default(['api_key'])
    .describe('Accepted credentials; any one suffices. "none" makes the route anonymous (rate-limited per client IP).'),
  issuers: z.array(z.string()).default([]).describe('For jwt: names of identity.issuers entries, or "cognito".'),
  scopes: z.array(z.string().min(1)).default([]).describe('Every one of these scopes must be granted.'),
  groups: z.array(z.string().min(1)).default([]).describe('At least one of these groups (cognito:groups / groups claim).'),
  hide_credentials: z.boolean().default(true)
    .describe('Keep the credential the gateway consumed (the API key header, Authorization) from the upstream: its value is replaced by "-" (API Gateway REST proxy integrations cannot drop a client header, only overwrite it). The upstream identifies the caller by the X-Gatehouse-* headers instead (Kong\'s hide_credentials).'),
  limits: z.enum(RATE_LIMIT_MODES).default('exact')
    .describe('exact: the authorizer (and its rate limiter) runs on every request, so every request is counted against the tier. approximate: API Gateway caches the authorizer\'s decision for cache_ttl seconds, and cached requests are not counted (cheaper; the tier limits then hold only per cache entry, see docs/rate-limiting.md).'),
  cache_ttl: z.number().int().min(0).max(3600).optional()
    .describe(`Authorizer result cache TTL in seconds, with limits: approximate only (default ${DEFAULT_APPROXIMATE_CACHE_TTL}). With limits: exact the authorizer is not cached.`),
});

export const RouteCache = z.strictObject({
  ttl: z.number().int().min(0).max(3600).describe('Stage (gateway) cache TTL in seconds. The entry is shared by every caller the route admits (add the credential header to key_headers when responses differ per consumer); a route with hosts is keyed per host; not allowed on a path and method another route shares.'),
  cdn_ttl: z.number().int().min(0).max(31536000).default(0).describe('CloudFront TTL in seconds; 0 = not cached at the edge.'),
  key_headers: z.array(headerName).max(CLOUDFRONT_LIMITS.cacheKeyHeaders).default([]).describe(`Request headers that are part of the cache key (CloudFront allows ${CLOUDFRONT_LIMITS.cacheKeyHeaders}).`),
  key_query: z.array(z.string().min(1)).max(CLOUDFRONT_LIMITS.cacheKeyQueryStrings).default([]).describe(`Query string parameters that are part of the cache key (CloudFront allows ${CLOUDFRONT_LIMITS.cacheKeyQueryStrings}).`),
  allow_authenticated_cdn: z.boolean().default(false)
    .describe('Cache an authenticated route at the edge (the credential becomes part of the cache key).'),
}).describe('Response caching for GET/HEAD: stage cache (ttl) and CloudFront (cdn_ttl).');

const transformerConfig = (what: string) => z.strictObject({
  add: z.strictObject({
    headers: z.array(z.string()).default([]).describe('"Header-Name:value" entries; values may use $(template)s (HEADER_TEMPLATES).'),
  }).default({ headers: [] }).describe(`${what} headers to add.`),
  remove: z.strictObject({ headers: z.array(headerName).default([]).describe('Header names to remove: their value is replaced by "-" on AWS and locally (API Gateway REST proxy integrations cannot drop a client header).') })
    .default({ headers: [] }).describe(`${what} headers to remove.`),
}).describe('Kong-style add/remove lists.');

const KongPlugin = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.enum(['request-transformer', 'request-transformer-advanced']).describe('Adds or removes request headers for this route.'),
    config: transformerConfig('Request'),
  }),
]).describe('A Kong-style plugin (selected by name). Only request-transformer is implemented: the response-transformer, request-size-limiting and cors plugins are refused rather than silently ignored (use transformations.response and security.max_body_bytes).');

export const Route = z.strictObject({
  name: name('a route name').describe('Unique route name; the authorizer returns it and the internal ALB routes on it.'),
  paths: z.array(z.string().regex(/^\/[A-Za-z0-9._~\-/{}+]*$/, 'a path starts with / and uses URL-safe characters ({param} allowed)')).min(1)
    .describe('Path prefixes (Kong semantics: /v1/users also serves /v1/users/42); {param} parts allowed. The most specific path of all routes picks the API method; hosts and headers then choose among the routes that have that path.'),
  methods: z.array(z.enum(HTTP_METHODS)).min(1).default(['GET']).describe('HTTP methods the route answers.'),
  hosts: z.array(z.string().regex(hostPattern, 'a host name (labels of at most 63 characters), optionally starting with *.')).default([])
    .describe('Host conditions (e.g. "*.api.example.com" for tenants), among the routes of the same path; needs a private service. A path another route declares more specifically is served by that route on every host.'),
  headers: z.record(headerName, headerValue).superRefine(uniqueHeaderNames).default({}).describe('Header conditions (e.g. x-canary: "true").'),
  strip_path: z.boolean().default(false).describe('Remove the matched path prefix before forwarding upstream.'),
  service: z.string().describe('Name of the services entry that answers this route.'),
  auth: RouteAuth.default(RouteAuth.parse({})).describe('Who may call the route.'),
  cache: RouteCache.optional(),
  request_schema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema (draft 4) for the request body.'),
  plugins: z.array(KongPlugin).default([]).describe('Kong-style plugins for this route.'),
  rate_limit_group: name('a rate-limit group').optional()
    .describe('Count this route in its own rate-limit bucket instead of the consumer-wide one.'),
  timeout_ms: z.number().int().min(MIN_INTEGRATION_TIMEOUT_MS).max(MAX_INTEGRATION_TIMEOUT_MS).optional()
    .describe('Integration timeout of this route (50-29000 ms); default the service\'s read_timeout_ms. Beyond 29 s needs a Service Quotas increase (Regional APIs, up to 300 s, may lower the account throttle), which Gatehouse does not assume.'),
  retries: Retries.optional(),
  maintenance: Maintenance.optional(),
});

export const Tier = z.strictObject({
  name: name('a tier name').describe('Unique tier name; consumers and clients refer to it.'),
  minute: z.number().int().positive().describe('Requests per minute (sliding window).'),
  hour: z.number().int().positive().describe('Requests per hour (sliding window).'),
  quota: z.strictObject({
    limit: z.number().int().positive().describe('Requests per period.'),
    period: z.enum(['DAY', 'WEEK', 'MONTH']).describe('Quota period (API Gateway has no minute or hour quota).'),
  }).optional()
    .describe('Requests per UTC day, week (from Monday) or month, counted exactly by the authorizer with the minute and hour windows, and mirrored by the usage plans of consumers with their own usage key.'),
  canary: z.boolean().default(false).describe('Consumers of this tier may opt into canaries with the canary header.'),
});

export const RateLimiting = z.strictObject({
  strategy: z.enum(['redis', 'local']).default('redis')
    .describe('redis: one shared sliding window per consumer; local: per authorizer instance (approximate).'),
  fault_tolerant: z.boolean().default(true).describe('When Redis is unavailable, let requests through (true) or reject them (false).'),
  hide_client_headers: z.boolean().default(false).describe('Hide the RateLimit-* headers from clients.'),
  error_code: z.number().int().min(400).max(599).default(429).describe('Status code of a rate-limited response.'),
  error_message: z.string().min(1).max(500).default('API rate limit exceeded').describe('Message in the body of a rate-limited response.'),
  across_regions: z.enum(['independent', 'divided']).default('independent')
    .describe('With 2 or more regions (counters are per region: ElastiCache Serverless does not replicate): independent = every region enforces the full limit, so a consumer spread over N regions may get up to N x the limit; divided = every region enforces floor(limit / N), never more than the limit in total but a consumer served by one region gets 1/N of it.'),
  redis_timeout_ms: z.number().int().min(1).max(2000).default(DEFAULT_REDIS_TIMEOUT_MS)
    .describe('Redis must start the limiter\'s script within this many ms of its sending (judged by Redis\'s own clock; the authorizer waits at most twice as long for the answer). Later, Redis counts as unavailable: the request is not counted and fault_tolerant decides.'),
}).describe('Per-tier rate limiting in the authorizer (the design\'s rate-limiting-advanced plugin).');

export const Canary = z.strictObject({
  header: headerName.default('x-canary').describe('Request header that opts a consumer of a canary tier into canary routes.'),
  percentage: z.number().min(0).max(100).default(0)
    .describe('Sticky share of eligible consumers routed to canaries without the header.'),
}).describe('Canary routing (routes whose headers match the canary header).');

/**
 * Whose budget a user's token draws on. A token is a user's when its `sub` is not the client id
 * (authorization code flow); a client credentials token is always its client's.
 */
const RateLimitBy = z.enum(['user', 'client']).default('user')
  .describe('Rate-limit bucket of user tokens (sub other than the client id): user = each user has the tier\'s limits (default); client = all users of the client share one budget.');

const CognitoScope = z.strictObject({
  name: z.string().regex(/^[\w-]+$/).describe('Scope name; clients and routes use <identifier>/<name>.'),
  description: z.string().min(1).describe('Shown in the Cognito console.'),
});
export const Cognito = z.strictObject({
  domain_prefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes').optional()
    .describe('Hosted domain <prefix>.auth.<region>.amazoncognito.com; required by public_clients and machine_clients. Cannot contain aws, amazon or cognito.'),
  resource_servers: z.array(z.strictObject({
    identifier: z.string().min(1).describe('Resource server identifier; the prefix of its scopes (<identifier>/<scope>).'),
    name: z.string().min(1).describe('Display name.'),
    scopes: z.array(CognitoScope).min(1).describe('Custom scopes this resource server defines.'),
  })).default([]).describe('OAuth resource servers and their custom scopes.'),
  machine_clients: z.array(z.strictObject({
    name: name('a client name').describe('Unique app client name.'),
    scopes: z.array(z.string()).min(1).describe('Custom scopes (<identifier>/<scope>) granted to the client.'),
    access_token_minutes: z.number().int().min(5).max(1440).default(60).describe('Access token lifetime in minutes.'),
    tier: z.string().optional().describe('Tier the client is metered against (tiers[].name).'),
  })).default([]).describe('Server-to-server app clients (OAuth 2.0 client credentials), e.g. for partners.'),
  public_clients: z.array(z.strictObject({
    name: name('a client name').describe('Unique app client name.'),
    callback_urls: z.array(z.url()).min(1).describe('Redirect URLs after sign-in (https; http only for localhost; or a mobile app scheme like com.example.app://callback).'),
    logout_urls: z.array(z.url()).default([]).describe('Redirect URLs after sign-out.'),
    scopes: z.array(z.string()).default(['openid']).describe('OIDC scopes (openid, email, profile, phone) and custom scopes.'),
    identity_providers: z.array(z.string()).default(['cognito']).describe('"cognito" (the user pool) and federation provider names.'),
    access_token_minutes: z.number().int().min(5).max(1440).default(60).describe('Access token lifetime in minutes.'),
    refresh_token_days: z.number().int().min(1).max(3650).default(30).describe('Refresh token lifetime in days.'),
    tier: z.string().optional().describe('Tier the users of this client are metered against (tiers[].name).'),
    rate_limit_by: RateLimitBy,
  })).default([]).describe('Browser and mobile app clients (authorization code + PKCE, no client secret).'),
  federation: z.strictObject({
    saml: z.array(z.strictObject({
      name: name('an identity provider name').describe('Provider name; public_clients list it in identity_providers.'),
      metadata_url: z.url().describe('SAML metadata document URL of the customer\'s IdP.'),
    })).default([]).describe('SAML 2.0 identity providers (enterprise customers).'),
    oidc: z.array(z.strictObject({
      name: name('an identity provider name').describe('Provider name; public_clients list it in identity_providers.'),
      issuer: z.url().describe('OIDC issuer URL (discovery at <issuer>/.well-known/openid-configuration).'),
      client_id: z.string().min(1).describe('Client id registered at the provider.'),
      client_secret: SecretRef,
      scopes: z.array(z.string()).default(['openid', 'email']).describe('Scopes requested from the provider.'),
    })).default([]).describe('OpenID Connect identity providers.'),
  }).default({ saml: [], oidc: [] }).describe('External identity providers federated into the user pool.'),
  threat_protection: z.enum(['enforced', 'audit', 'off']).default('enforced')
    .describe('Cognito threat protection (account takeover, compromised credentials).'),
  mfa: z.enum(['required', 'optional', 'off']).default('optional').describe('Multi-factor authentication for user pool users.'),
  multi_region: z.enum(['replicate', 'primary_only']).default('replicate')
    .describe('With 2 or more regions: replicate = Cognito multi-Region replication to regions[1] (Essentials or Plus plan, a multi-Region KMS key, the multi-Region issuer); primary_only = one pool, every region verifies its tokens with cached keys, tokens are issued only while the primary is up (docs/multi-region.md).'),
}).describe('A Cognito user pool as OAuth 2.0 / OIDC server; issuer name "cognito" in routes.');

export const Issuer = z.strictObject({
  name: name('an issuer name').describe('Unique issuer name; routes list it in auth.issuers.'),
  issuer: z.url({ protocol: /^https?$/, error: 'an https:// issuer URL (the iss claim)' }).describe('Expected iss claim; https (http only for localhost in local development, unless jwks_uri is https).'),
  audiences: z.array(z.string().min(1)).min(1).describe('Accepted aud (or client_id) values.'),
  jwks_uri: z.url({ protocol: /^https?$/, error: 'an https:// URL of the issuer\'s JSON Web Key Set' }).optional()
    .describe('Default: <issuer>/.well-known/jwks.json. Must be https (http only for localhost in local development): the authorizer fetches keys over https only.'),
  scope_claim: z.string().default('scope').describe('Claim holding the granted scopes (space-separated string or list).'),
  tier_claim: z.string().optional().describe('Claim that carries the tier; otherwise the consumer record decides.'),
  tenant_claim: z.string().optional().describe('Claim that carries the tenant id (multi-tenant APIs).'),
  rate_limit_by: RateLimitBy,
}).describe('An external JWT issuer (e.g. an internal IdP).');

const ApiKeys = z.strictObject({
  header: headerName.default('x-api-key').describe('Request header that carries the API key.'),
  cache_seconds: z.number().int().min(0).max(300).default(60).describe('In-memory key cache (negative results too).'),
});

export const Identity = z.strictObject({
  cognito: Cognito.optional(),
  issuers: z.array(Issuer).default([]).describe('External JWT issuers.'),
  api_keys: ApiKeys.default(ApiKeys.parse({})).describe('API key authentication (consumer records in DynamoDB).'),
  mtls: z.strictObject({
    truststore_uri: z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.pem$/, 'an s3://bucket/key.pem URI')
      .describe('S3 URI of the PEM bundle of trusted client CAs.'),
    truststore_version: z.string().optional().describe('S3 object version of the truststore (pins it; change to rotate).'),
    identity_from: z.enum(['subject', 'serial']).default('subject').describe('Which certificate field identifies the consumer.'),
  }).optional().describe('Mutual TLS for internal consumers on environments.<env>.domains.mtls.'),
}).describe('How consumers authenticate: Cognito, external JWT issuers, API keys, mTLS.');

export const Transformations = z.strictObject({
  request: z.strictObject({
    add_headers: z.record(headerName, headerValue).default({})
      .describe('Headers added to every upstream request; values may use $(uuid), $(client_ip), ... (HEADER_TEMPLATES).'),
  }).default({ add_headers: {} }).describe('Upstream request changes.'),
  response: z.strictObject({
    remove_headers: z.array(headerName).default([]).describe('Headers removed from every response (e.g. X-Powered-By; Server makes CloudFront answer "Server: CloudFront"). CloudFront cannot remove Content-Encoding, Content-Length, Transfer-Encoding, Warning or Via.'),
    add_headers: z.record(headerName, headerValue).default({}).describe('Headers added to every response.'),
  }).default({ remove_headers: [], add_headers: {} }).describe('Response changes.'),
}).describe('Gateway-wide request and response header transformations.');

export const Cors = z.strictObject({
  origins: z.array(z.string().regex(corsOrigin, 'an origin like https://app.example.com (scheme, host and optional port, no path) or *')).min(1)
    .describe('Origins whose browser code may call the API, e.g. https://app.example.com; "*" alone allows any origin (not with credentials).'),
  methods: z.array(z.enum(HTTP_METHODS)).min(1).default(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
    .describe('Methods browser code may use (Access-Control-Allow-Methods).'),
  headers: z.array(headerName).default(['Authorization', 'Content-Type', 'X-Api-Key'])
    .describe('Request headers browser code may send (Access-Control-Allow-Headers); include the API key header if browsers send one.'),
  expose_headers: z.array(headerName).default(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Amzn-RequestId'])
    .describe('Response headers browser code may read (Access-Control-Expose-Headers).'),
  max_age: z.number().int().min(0).max(86400).default(600).describe('Seconds browsers may cache a preflight answer.'),
  credentials: z.boolean().default(false).describe('Allow cookies and HTTP authentication (Access-Control-Allow-Credentials); not with "*".'),
}).superRefine((cors, ctx) => {
  if (cors.origins.includes('*') && cors.origins.length > 1) ctx.addIssue({ code: 'custom', path: ['origins'], message: '"*" allows every origin: list origins or use "*" alone', input: cors.origins });
  if (cors.origins.includes('*') && cors.credentials) ctx.addIssue({ code: 'custom', path: ['credentials'], message: 'browsers refuse credentials with the "*" origin: list the origins', input: cors.credentials });
}).describe('CORS for browser code on other origins: API Gateway answers preflight (OPTIONS) on every resource without authentication, CloudFront adds the CORS headers to every response.');

export const Caching = z.strictObject({
  stage_cache_gb: z.enum(['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237']).optional()
    .describe('API Gateway cache cluster size; default none, or 0.5 when any route sets cache.'),
}).describe('Gateway (stage) cache settings.');


const Waf = z.strictObject({
  ip_rate_limit: z.number().int().min(10).max(MAX_WAF_RATE_LIMIT).default(2000).describe('Requests per IP per 5 minutes (AWS WAF allows 10 to 2,000,000,000).'),
  api_key_rate_limit: z.number().int().min(10).max(MAX_WAF_RATE_LIMIT).default(20000).describe('Requests per API key header value per 5 minutes (AWS WAF allows 10 to 2,000,000,000).'),
  bot_control: z.enum(['common', 'targeted', 'off']).default('common').describe('AWS WAF Bot Control inspection level.'),
  anonymous_ip: z.enum(['block', 'count']).default('block').describe('Anonymous IP list (VPNs, Tor, hosting providers): block or only count.'),
});

export const Security = z.strictObject({
  max_body_bytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024)
    .describe('Largest request body accepted (WAF size rule; API Gateway allows 10 MB).'),
  allowed_content_types: z.array(z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a media type like application/json')).min(1).default(['application/json'])
    .describe('Content-Type values accepted on requests with a body.'),
  geo: z.strictObject({
    allow: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 country code')).default([])
      .describe('Only these countries may call (ISO 3166 alpha-2); excludes deny.'),
    deny: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 country code')).default([])
      .describe('These countries are blocked (ISO 3166 alpha-2); excludes allow.'),
  }).default({ allow: [], deny: [] }).describe('Geographic restriction, enforced by the edge web ACL (403 with the gateway\'s JSON body, in the WAF logs): set allow or deny, not both.'),
  waf: Waf.default(Waf.parse({}))
    .describe('Web ACL rules in front of CloudFront and the API.'),
}).describe('Request validation and threat protection.');

export const Audit = z.strictObject({
  pii_masking: z.boolean().default(true).describe('Mask personal data (emails, card numbers, ...) in logs.'),
  retention_days: z.number().int().min(1).max(3653).optional().describe('Default follows the compliance profile.'),
  truncate_client_ip: z.boolean().optional().describe('Default: true when gdpr applies.'),
}).describe('Audit trail and log privacy.');

export const Alerting = z.strictObject({
  pagerduty: z.strictObject({ integration_url: SecretRef })
    .optional().describe('PagerDuty CloudWatch integration; the URL is a secret, referenced by name.'),
  webhooks: z.array(z.strictObject({
    name: name('a webhook name').describe('Unique webhook name.'),
    url: SecretRef,
  })).default([]).describe('Generic HTTPS webhooks that receive alarms (URLs are secrets).'),
  emails: z.array(z.email()).default([]).describe('Email addresses subscribed to alarms.'),
}).describe('Where alarms go.');

const certificateArn = (where: string) => z.string().regex(/^arn:aws:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/, `an ACM certificate ARN ${where}`);


const NewVpc = z.strictObject({
  cidr: z.string()
    .superRefine((cidr, ctx) => {
      const problem = ipv4CidrProblem(cidr);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      else if (!/\/(1[6-9]|2[0-4])$/.test(cidr)) ctx.addIssue({ code: 'custom', message: `"${cidr}": a VPC CIDR block is /16 to /24` });
    })
    .default('10.40.0.0/16').describe('CIDR of a new VPC: a network address (host bits zero), /16 to /24.'),
  max_azs: z.number().int().min(2).max(6).default(3).describe('Availability zones of a new VPC: the region\'s first zones (a, b, c, ...) unless availability_zones names them (then leave it out, or give their number).'),
  availability_zones: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'an availability zone name like eu-west-1a')).min(2).max(6).optional()
    .describe('Zones of a new VPC, for regions whose zone letters are not a, b, c (e.g. ap-northeast-1: a, c, d). Named explicitly so synth never looks zones up in AWS.'),
  nat_gateways: z.number().int().min(1).max(6).default(1).describe('NAT gateways of a new VPC (one per AZ for zone independence; at most one per AZ).'),
});

const Vpc = z.union([
  z.strictObject({ id: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id like vpc-0abc12345678def01').describe('Existing VPC to use.') }),
  NewVpc,
]);

/** What a secondary region needs of its own: certificates live in one region, and so do VPCs. */
const RegionSettings = z.strictObject({
  certificates: z.strictObject({
    regional: certificateArn('in this region').optional().describe('ACM certificate for domains.api, domains.tenants and domains.mtls in this region.'),
    alb: certificateArn('in this region').optional().describe('ACM certificate of this region\'s internal ALB; required when any service is private.'),
  }).default({}).describe('This region\'s ACM certificates (same names as the primary\'s; certificates.cloudfront is global).'),
  vpc: Vpc.optional().describe('This region\'s network; default: the primary\'s new-VPC settings (an existing VPC id or availability_zones are per region and must be given here).'),
}).describe('Settings of one secondary region.');

/** Regions per environment: each costs a set of regional stacks (docs/multi-region.md). */
export const MAX_REGIONS = 4;

export const Environment = z.strictObject({
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').describe('AWS account id (12 digits, quoted).'),
  region: regionName.describe('Primary region of the API, data and network stacks (edge stacks live in us-east-1).'),
  shield_advanced: z.boolean().default(false).describe('Subscribe to Shield Advanced protections ($3,000/month, 1-year commitment).'),
  domains: z.strictObject({
    edge: z.string().regex(hostName, 'a host name like api.example.com').optional()
      .describe('Public name served by CloudFront (needs certificates.cloudfront).'),
    api: z.string().regex(hostName, 'a host name like origin.api.example.com').optional()
      .describe('Regional custom domain of the REST API, CloudFront\'s origin (needs certificates.regional).'),
    tenants: z.string().regex(/^\*\.([a-z0-9-]+\.)+[a-z]{2,}$/, 'a wildcard host name like *.api.example.com').optional()
      .describe('Wildcard domain for host-based tenants, e.g. *.api.example.com (needs certificates.regional).'),
    mtls: z.string().regex(hostName, 'a host name like internal.api.example.com').optional()
      .describe('mTLS custom domain for internal consumers (needs identity.mtls and certificates.regional).'),
    internal: z.string().regex(hostName, 'a host name like internal.example.com').optional()
      .describe('Host name on certificates.alb: API Gateway calls the internal ALB with it (TLS SNI, certificate check, Host). Required when any service is private.'),
  }).default({}).describe('Custom domain names of this environment.'),
  certificates: z.strictObject({
    cloudfront: z.string().regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)').optional()
      .describe('ACM certificate for domains.edge; must be in us-east-1.'),
    regional: certificateArn('in the environment\'s region').optional()
      .describe('ACM certificate for domains.api, domains.tenants and domains.mtls; in the environment\'s region.'),
    alb: certificateArn('in the environment\'s region').optional()
      .describe('ACM certificate of the internal ALB (HTTPS listener); required when any service is private.'),
  }).default({}).describe('ACM certificate ARNs, in the same account as the environment.'),
  vpc: Vpc.default(NewVpc.parse({})).describe('Network for the internal ALB and the authorizer: an existing VPC id, or a new VPC. A new VPC without availability_zones is also each secondary region\'s unless per_region gives one.'),
  regions: z.array(regionName).min(1).max(MAX_REGIONS).optional()
    .describe(`Regions that serve this environment, primary (= region) first; default [region]. 2 or more need routing and domains.api (docs/multi-region.md); at most ${MAX_REGIONS}.`),
  routing: Routing.optional(),
  per_region: z.record(regionName, RegionSettings).default({})
    .describe('Settings of each secondary region (regions[1..]) that differ from the primary\'s: certificates, VPC.'),
  overrides: z.record(z.string(), z.unknown()).default({}).describe('Any other top-level key, deep-merged for this environment (named lists merge by name; each name must exist in the top-level list).'),
}).describe('One deployable environment (account + region).');

export const Portal = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve the developer portal: an API reference of the exported OpenAPI document, with the tiers and how to get credentials (the twin and CloudFront).'),
  path: z.string().regex(/^\/[a-z0-9][a-z0-9_-]*$/, 'one path segment like /docs').default('/docs')
    .describe('Where the portal is served; no route may use it (CloudFront sends it to the portal\'s bucket).'),
}).describe('Developer portal (docs/openapi.md).');

/** The whole file, before environment overrides are applied. */
export const GatewayConfigSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema of this file, for editors.'),
  name: name('the gateway name').describe('Prefix of every stack and resource name.'),
  organization: Organization,
  traffic: Traffic,
  compliance: z.array(z.enum(COMPLIANCE)).default([])
    .describe('Regulations that apply (COMPLIANCE_REQUIREMENTS); set retention, encryption, TLS and nag packs (docs/profiles.md).'),
  targets: Targets,
  environments: z.record(name('an environment name'), Environment)
    .refine((e) => Object.keys(e).length > 0, 'at least one environment is required')
    .describe('Deployable environments by name (e.g. dev, staging, prod).'),
  services: z.array(Service).min(1).describe('Upstream services routes forward to.'),
  routes: z.array(Route).min(1).describe('Routes: which requests go to which service, with auth, cache and validation.'),
  tiers: z.array(Tier).min(1).describe('Rate-limit tiers (usage plans); consumers and clients belong to one.'),
  rate_limiting: RateLimiting.default(RateLimiting.parse({})),
  canary: Canary.default(Canary.parse({})),
  identity: Identity.default(Identity.parse({})),
  transformations: Transformations.default(Transformations.parse({})),
  cors: Cors.optional(),
  caching: Caching.default(Caching.parse({})),
  security: Security.default(Security.parse({})),
  audit: Audit.default(Audit.parse({})),
  alerting: Alerting.default(Alerting.parse({})),
  portal: Portal.default(Portal.parse({})),
}).describe('Gatehouse gateway config (gateway.config.yaml).');

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
/** An environment as written: the primary's settings, `regions`, `routing`, `per_region`. */
export type EnvironmentSettings = z.infer<typeof Environment>;
/**
 * An environment as one region's stacks see it (lib/config/regions.ts): `region`, `certificates`
 * and `vpc` are that region's. For a one-region environment it is the settings as written.
 */
export type EnvironmentConfig = EnvironmentSettings;
export type VpcConfig = z.infer<typeof Vpc>;
export type ServiceConfig = z.infer<typeof Service>;
export type RouteConfig = z.infer<typeof Route>;
export type TierConfig = z.infer<typeof Tier>;
export type IssuerConfig = z.infer<typeof Issuer>;
export type SecretRefConfig = z.infer<typeof SecretRef>;
export type Compliance = (typeof COMPLIANCE)[number];
export type HttpMethod = (typeof HTTP_METHODS)[number];
