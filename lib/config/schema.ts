/**
 * The gateway config model: one zod schema is the single truth for the YAML file's shape,
 * its TypeScript types, its defaults and the exported JSON Schema (schema/gateway.config.schema.json).
 *
 * Keys are snake_case so that Kong users feel at home (`strip_path`, `fault_tolerant`, ...).
 * Cross-references (route -> service, tier and issuer names) are checked in `references.ts`.
 */
import { z } from 'zod';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const name = (what: string) =>
  z.string().regex(NAME, `${what} must be lowercase letters, digits and dashes, start with a letter, at most 40 characters`);

/** A secret is referenced by name, never written into the config. */
export const SecretRef = z
  .union([
    z.strictObject({ ssm: z.string().regex(/^\/[\w.\-/]+$/, 'an SSM parameter name starts with / (e.g. /gatehouse/pagerduty-url)') }),
    z.strictObject({ secrets_manager: z.string().regex(/^[\w/+=.@:-]{1,512}$/, 'a Secrets Manager name or ARN') }),
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
/** Templates usable in header values: `$(uuid)`, `$(client_ip)`, authorizer context fields. */
export const HEADER_TEMPLATES = [
  'uuid', 'client_ip', 'request_time', 'principal', 'consumer', 'tenant', 'tier', 'scopes', 'canary',
] as const;

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid HTTP header name');
const headerValue = z.string().max(1024).regex(/^[^\r\n]*$/, 'a header value cannot contain line breaks');

export const Organization = z.strictObject({
  name: z.string().min(1).max(100).describe('Display name used in tags and dashboards.'),
  type: z.enum(ORGANIZATION_TYPES).describe('Company profile; documents intent and picks WAF and retention defaults.'),
});

export const Traffic = z.strictObject({
  steady_rps: z.number().positive().describe('Typical requests per second.'),
  peak_rps: z.number().positive().describe('Peak requests per second the gateway must absorb.'),
  burstiness: z.enum(['steady', 'moderate', 'bursty']).default('moderate')
    .describe('How spiky traffic is; bursty raises burst limits and authorizer concurrency headroom.'),
  distinct_consumers: z.number().int().positive().default(1000)
    .describe('Expected distinct API consumers (identities) per authorizer cache TTL; used for capacity planning.'),
});

export const Targets = z.strictObject({
  p99_latency_ms: z.number().positive().max(29000).describe('p99 end-to-end latency target in milliseconds.'),
  availability: z.number().min(90).max(99.999).describe('Availability target in percent, e.g. 99.99.'),
});

const HealthCheck = z.strictObject({
  path: z.string().startsWith('/').default('/health'),
  interval_seconds: z.number().int().min(5).max(300).default(15),
  timeout_seconds: z.number().int().min(2).max(120).default(5),
  healthy_threshold: z.number().int().min(2).max(10).default(3),
  unhealthy_threshold: z.number().int().min(2).max(10).default(2),
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'HTTP codes like 200 or 200-299').default('200-299'),
});

export const Service = z
  .strictObject({
    name: name('a service name'),
    url: z.url({ protocol: /^https$/, error: 'a public upstream must be an https:// URL' }).optional()
      .describe('Public HTTPS upstream. Exactly one of url and private.'),
    private: z
      .strictObject({
        port: z.number().int().min(1).max(65535).default(8080),
        protocol: z.enum(['HTTP', 'HTTPS']).default('HTTPS'),
        health_check: HealthCheck.default(HealthCheck.parse({})),
        load_balancing: z.enum(['round_robin', 'least_outstanding_requests', 'weighted_random']).default('round_robin'),
        deregistration_delay_seconds: z.number().int().min(0).max(3600).default(30),
      })
      .optional()
      .describe('Private upstream: a target group on the internal ALB, reached through the VPC link.'),
    path: z.string().startsWith('/').default('/').describe('Base path prepended to upstream requests.'),
    read_timeout_ms: z.number().int().min(50).max(29000).default(10000)
      .describe('Integration timeout (API Gateway allows 50-29000 ms).'),
    retries: z.number().int().min(0).max(5).default(0).describe('Retries of idempotent requests by the local gateway.'),
    local_url: z.url().optional().describe('Upstream used by the local gateway (npm start); defaults to a built-in echo service.'),
  })
  .refine((s) => (s.url === undefined) !== (s.private === undefined), {
    message: 'set exactly one of url (public HTTPS upstream) and private (internal ALB target group)',
  });

export const RouteAuth = z.strictObject({
  strategies: z.array(z.enum(AUTH_STRATEGIES)).min(1).default(['api_key']),
  issuers: z.array(z.string()).default([]).describe('For jwt: names of identity.issuers entries, or "cognito".'),
  scopes: z.array(z.string().min(1)).default([]).describe('Every one of these scopes must be granted.'),
  groups: z.array(z.string().min(1)).default([]).describe('At least one of these groups (cognito:groups / groups claim).'),
  cache_ttl: z.number().int().min(0).max(3600).default(300)
    .describe('Authorizer result cache TTL in seconds. 0 calls the authorizer on every request (exact rate limits).'),
});

export const RouteCache = z.strictObject({
  ttl: z.number().int().min(0).max(3600).describe('Stage (gateway) cache TTL in seconds.'),
  cdn_ttl: z.number().int().min(0).max(31536000).default(0).describe('CloudFront TTL in seconds; 0 = not cached at the edge.'),
  key_headers: z.array(headerName).default([]),
  key_query: z.array(z.string().min(1)).default([]),
  allow_authenticated_cdn: z.boolean().default(false)
    .describe('Cache an authenticated route at the edge (the credential becomes part of the cache key).'),
});

const KongPlugin = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.enum(['request-transformer', 'request-transformer-advanced']),
    config: z.strictObject({
      add: z.strictObject({ headers: z.array(z.string()).default([]) }).default({ headers: [] }),
      remove: z.strictObject({ headers: z.array(headerName).default([]) }).default({ headers: [] }),
    }),
  }),
  z.strictObject({
    name: z.literal('response-transformer'),
    config: z.strictObject({
      add: z.strictObject({ headers: z.array(z.string()).default([]) }).default({ headers: [] }),
      remove: z.strictObject({ headers: z.array(headerName).default([]) }).default({ headers: [] }),
    }),
  }),
  z.strictObject({
    name: z.literal('request-size-limiting'),
    config: z.strictObject({ allowed_payload_size: z.number().int().positive().describe('kilobytes') }),
  }),
  z.strictObject({
    name: z.literal('cors'),
    config: z.strictObject({
      origins: z.array(z.string()).min(1),
      methods: z.array(z.enum(HTTP_METHODS)).default(['GET', 'POST']),
      headers: z.array(headerName).default(['Authorization', 'Content-Type', 'X-Api-Key']),
      max_age: z.number().int().min(0).max(86400).default(600),
    }),
  }),
]);

export const Route = z.strictObject({
  name: name('a route name'),
  paths: z.array(z.string().regex(/^\/[A-Za-z0-9._~\-/{}+]*$/, 'a path starts with / and uses URL-safe characters ({param} allowed)')).min(1),
  methods: z.array(z.enum(HTTP_METHODS)).min(1).default(['GET']),
  hosts: z.array(z.string().regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/, 'a host name, optionally starting with *.')).default([]),
  headers: z.record(headerName, headerValue).default({}).describe('Header conditions (e.g. x-canary: "true").'),
  strip_path: z.boolean().default(false),
  service: z.string(),
  auth: RouteAuth.default(RouteAuth.parse({})),
  cache: RouteCache.optional(),
  request_schema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema (draft 4) for the request body.'),
  plugins: z.array(KongPlugin).default([]),
  rate_limit_group: name('a rate-limit group').optional()
    .describe('Count this route in its own rate-limit bucket instead of the consumer-wide one.'),
});

export const Tier = z.strictObject({
  name: name('a tier name'),
  minute: z.number().int().positive().describe('Requests per minute (sliding window).'),
  hour: z.number().int().positive().describe('Requests per hour (sliding window).'),
  burst: z.number().int().positive().optional().describe('Usage plan burst; default derived from the minute limit.'),
  quota: z.strictObject({ limit: z.number().int().positive(), period: z.enum(['DAY', 'WEEK', 'MONTH']) }).optional()
    .describe('Usage plan quota; default hour x 24 per DAY.'),
  canary: z.boolean().default(false).describe('Consumers of this tier may opt into canaries with the canary header.'),
});

export const RateLimiting = z.strictObject({
  strategy: z.enum(['redis', 'local']).default('redis'),
  fault_tolerant: z.boolean().default(true),
  hide_client_headers: z.boolean().default(false),
  error_code: z.number().int().min(400).max(599).default(429),
  error_message: z.string().min(1).max(500).default('API rate limit exceeded'),
  redis_timeout_ms: z.number().int().min(1).max(2000).default(20)
    .describe('Redis slower than this counts as unavailable (then fault_tolerant decides).'),
});

export const Canary = z.strictObject({
  header: headerName.default('x-canary'),
  percentage: z.number().min(0).max(100).default(0)
    .describe('Sticky share of eligible consumers routed to canaries without the header.'),
});

const CognitoScope = z.strictObject({ name: z.string().regex(/^[\w-]+$/), description: z.string().min(1) });
export const Cognito = z.strictObject({
  domain_prefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes').optional(),
  resource_servers: z.array(z.strictObject({ identifier: z.string().min(1), name: z.string().min(1), scopes: z.array(CognitoScope).min(1) })).default([]),
  machine_clients: z.array(z.strictObject({
    name: name('a client name'),
    scopes: z.array(z.string()).min(1),
    access_token_minutes: z.number().int().min(5).max(1440).default(60),
    tier: z.string().optional(),
  })).default([]),
  public_clients: z.array(z.strictObject({
    name: name('a client name'),
    callback_urls: z.array(z.url()).min(1),
    logout_urls: z.array(z.url()).default([]),
    scopes: z.array(z.string()).default(['openid']),
    identity_providers: z.array(z.string()).default(['cognito']),
    access_token_minutes: z.number().int().min(5).max(1440).default(60),
    refresh_token_days: z.number().int().min(1).max(3650).default(30),
    tier: z.string().optional(),
  })).default([]),
  federation: z.strictObject({
    saml: z.array(z.strictObject({ name: name('an identity provider name'), metadata_url: z.url() })).default([]),
    oidc: z.array(z.strictObject({
      name: name('an identity provider name'),
      issuer: z.url(),
      client_id: z.string().min(1),
      client_secret: SecretRef,
      scopes: z.array(z.string()).default(['openid', 'email']),
    })).default([]),
  }).default({ saml: [], oidc: [] }),
  threat_protection: z.enum(['enforced', 'audit', 'off']).default('enforced'),
  mfa: z.enum(['required', 'optional', 'off']).default('optional'),
});

export const Issuer = z.strictObject({
  name: name('an issuer name'),
  issuer: z.url({ protocol: /^https?$/ }),
  audiences: z.array(z.string().min(1)).min(1),
  jwks_uri: z.url().optional().describe('Default: <issuer>/.well-known/jwks.json'),
  scope_claim: z.string().default('scope'),
  tier_claim: z.string().optional().describe('Claim that carries the tier; otherwise the consumer record decides.'),
  tenant_claim: z.string().optional(),
});

export const Identity = z.strictObject({
  cognito: Cognito.optional(),
  issuers: z.array(Issuer).default([]),
  api_keys: z.strictObject({
    header: headerName.default('x-api-key'),
    cache_seconds: z.number().int().min(0).max(300).default(60).describe('In-memory key cache (negative results too).'),
  }).default({ header: 'x-api-key', cache_seconds: 60 }),
  mtls: z.strictObject({
    truststore_uri: z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.pem$/, 'an s3://bucket/key.pem URI'),
    truststore_version: z.string().optional(),
    identity_from: z.enum(['subject', 'serial']).default('subject'),
  }).optional(),
});

export const Transformations = z.strictObject({
  request: z.strictObject({ add_headers: z.record(headerName, headerValue).default({}) }).default({ add_headers: {} }),
  response: z.strictObject({
    remove_headers: z.array(headerName).default([]),
    add_headers: z.record(headerName, headerValue).default({}),
  }).default({ remove_headers: [], add_headers: {} }),
});

export const Caching = z.strictObject({
  stage_cache_gb: z.enum(['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237']).optional()
    .describe('API Gateway cache cluster size; default none, or 0.5 when any route sets cache.'),
  default_ttl: z.number().int().min(0).max(3600).default(300),
});

export const Security = z.strictObject({
  max_body_bytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
  allowed_content_types: z.array(z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a media type like application/json')).min(1).default(['application/json']),
  geo: z.strictObject({
    allow: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 country code')).default([]),
    deny: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 country code')).default([]),
  }).default({ allow: [], deny: [] }),
  waf: z.strictObject({
    ip_rate_limit: z.number().int().min(10).default(2000).describe('Requests per IP per 5 minutes.'),
    api_key_rate_limit: z.number().int().min(10).default(20000).describe('Requests per API key header value per 5 minutes.'),
    bot_control: z.enum(['common', 'targeted', 'off']).default('common'),
    anonymous_ip: z.enum(['block', 'count']).default('block'),
  }).default({ ip_rate_limit: 2000, api_key_rate_limit: 20000, bot_control: 'common', anonymous_ip: 'block' }),
});

export const Audit = z.strictObject({
  pii_masking: z.boolean().default(true),
  retention_days: z.number().int().min(1).max(3653).optional().describe('Default follows the compliance profile.'),
  truncate_client_ip: z.boolean().optional().describe('Default: true when gdpr applies.'),
});

export const Alerting = z.strictObject({
  pagerduty: z.strictObject({ integration_url: SecretRef }).optional(),
  webhooks: z.array(z.strictObject({ name: name('a webhook name'), url: SecretRef })).default([]),
  emails: z.array(z.email()).default([]),
});

export const Environment = z.strictObject({
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region like eu-west-1'),
  shield_advanced: z.boolean().default(false),
  domains: z.strictObject({
    edge: z.string().optional().describe('Public name served by CloudFront (needs certificates.cloudfront).'),
    api: z.string().optional().describe('Regional custom domain of the REST API, CloudFront\'s origin (needs certificates.regional).'),
    tenants: z.string().optional().describe('Wildcard domain for host-based tenants, e.g. *.api.example.com.'),
    mtls: z.string().optional().describe('mTLS custom domain for internal consumers (needs identity.mtls).'),
  }).default({}),
  certificates: z.strictObject({
    cloudfront: z.string().regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN in us-east-1').optional(),
    regional: z.string().regex(/^arn:aws:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN').optional(),
    alb: z.string().regex(/^arn:aws:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN').optional(),
  }).default({}),
  vpc: z.union([
    z.strictObject({ id: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id like vpc-0abc12345678def01') }),
    z.strictObject({ cidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/(1[6-9]|2[0-4])$/, 'an IPv4 CIDR /16 to /24').default('10.40.0.0/16'), max_azs: z.number().int().min(2).max(6).default(3), nat_gateways: z.number().int().min(1).max(6).default(1) }),
  ]).default({ cidr: '10.40.0.0/16', max_azs: 3, nat_gateways: 1 }),
  overrides: z.record(z.string(), z.unknown()).default({}).describe('Any other top-level key, deep-merged for this environment (named lists merge by name).'),
});

/** The whole file, before environment overrides are applied. */
export const GatewayConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: name('the gateway name').describe('Prefix of every stack and resource name.'),
  organization: Organization,
  traffic: Traffic,
  compliance: z.array(z.enum(COMPLIANCE)).default([]),
  targets: Targets,
  environments: z.record(name('an environment name'), Environment)
    .refine((e) => Object.keys(e).length > 0, 'at least one environment is required'),
  services: z.array(Service).min(1),
  routes: z.array(Route).min(1),
  tiers: z.array(Tier).min(1),
  rate_limiting: RateLimiting.default(RateLimiting.parse({})),
  canary: Canary.default(Canary.parse({})),
  identity: Identity.default(Identity.parse({})),
  transformations: Transformations.default(Transformations.parse({})),
  caching: Caching.default(Caching.parse({})),
  security: Security.default(Security.parse({})),
  audit: Audit.default(Audit.parse({})),
  alerting: Alerting.default(Alerting.parse({})),
});

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
export type EnvironmentConfig = z.infer<typeof Environment>;
export type ServiceConfig = z.infer<typeof Service>;
export type RouteConfig = z.infer<typeof Route>;
export type TierConfig = z.infer<typeof Tier>;
export type IssuerConfig = z.infer<typeof Issuer>;
export type SecretRefConfig = z.infer<typeof SecretRef>;
export type Compliance = (typeof COMPLIANCE)[number];
export type HttpMethod = (typeof HTTP_METHODS)[number];
