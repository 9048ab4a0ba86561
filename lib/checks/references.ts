/**
 * The rules a schema cannot express within one config: names are unique, references resolve
 * (services, tiers, issuers, scopes, identity providers), and combinations are possible on AWS
 * (route auth, redirect URLs, health checks, shared API Gateway methods). It sits above the
 * contract because some rules compile the route table exactly as the stacks and the twin do.
 */
import { formatPath, type AddProblem } from '../config/errors';
import type { GatewayConfig, RouteConfig } from '../config/schema';
import { UNREMOVABLE_RESPONSE_HEADERS } from '../contract/headers';
import { GATEWAY_PATH_PREFIX, HEALTH_PATH } from '../contract/health-route';
import { COGNITO_ISSUER_NAME as COGNITO, jwksUriOf, LOCAL_ISSUER_NAME } from '../contract/issuers';
import { BODY_METHODS, CACHEABLE_METHODS, compileRouteTable, requestedAuthorizerTtl, upstreamPath } from '../contract/route-table';

/**
 * Issuer names Gatehouse uses itself: the Cognito user pool, and the local gateway's OIDC issuer
 * (lib/contract/issuers.ts). An external issuer with one of them would share its
 * consumer records (`client#<issuer>#<id>`, decision 0013) and its routes.
 */
export const RESERVED_ISSUER_NAMES: readonly string[] = [COGNITO, LOCAL_ISSUER_NAME];
/** Cognito refuses hosted-domain prefixes that contain these words. */
const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'];
/** Schemes that are never an app's redirect target (script, data, files, other protocols). */
const NOT_REDIRECT_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'ftp', 'mailto', 'blob', 'about', 'ws', 'wss']);
const LOOPBACK_URL = /^http:\/\/(localhost|127\.0\.0\.1)([:/]|$)/;
const STANDARD_OIDC_SCOPES = new Set(['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin']);

/** Names, references and combinations of the config (as written or one environment's), in file order. */
export function checkReferences(config: GatewayConfig, add: AddProblem): void {
  let found = 0;
  const counted: AddProblem = (key, message) => { found += 1; add(key, message); };
  duplicates(config.services.map((s) => s.name), ['services'], 'service', counted);
  duplicates(config.routes.map((r) => r.name), ['routes'], 'route', counted);
  duplicates(config.tiers.map((t) => t.name), ['tiers'], 'tier', counted);
  duplicates(config.identity.issuers.map((i) => i.name), ['identity', 'issuers'], 'issuer', counted);
  config.identity.issuers.forEach((issuer, i) => {
    if (RESERVED_ISSUER_NAMES.includes(issuer.name)) {
      counted(['identity', 'issuers', i, 'name'], `"${issuer.name}" is reserved (${RESERVED_ISSUER_NAMES.map((n) => `"${n}"`).join(' and ')} name Gatehouse's own issuers, and consumer records are keyed by issuer name); choose another name`);
    }
  });

  if (config.traffic.peak_rps < config.traffic.steady_rps) {
    counted(['traffic', 'peak_rps'], `must be at least steady_rps (${config.traffic.steady_rps})`);
  }
  config.tiers.forEach((t, i) => {
    if (t.hour < t.minute) counted(['tiers', i, 'hour'], `${t.hour} per hour is less than ${t.minute} per minute`);
  });
  if (config.security.geo.allow.length > 0 && config.security.geo.deny.length > 0) {
    counted(['security', 'geo'], 'set either allow or deny, not both');
  }

  const services = new Map(config.services.map((s) => [s.name, s]));
  const issuerNames = [...(config.identity.cognito ? [COGNITO] : []), ...config.identity.issuers.map((i) => i.name)];
  const cognitoScopes = new Set(
    (config.identity.cognito?.resource_servers ?? []).flatMap((rs) => rs.scopes.map((s) => `${rs.identifier}/${s.name}`)),
  );

  config.routes.forEach((route, i) => {
    const at = ['routes', i];
    const service = services.get(route.service);
    if (!service) counted([...at, 'service'], `unknown service "${route.service}"; known services: ${list([...services.keys()])}`);
    checkRouteAuth(route, at, issuerNames, cognitoScopes, config, counted);
    if ((Object.keys(route.headers).length > 0 || route.hosts.length > 0) && service && !service.private) {
      counted([...at, 'service'], `service "${route.service}" has a public url, but routes with headers or hosts are matched by the internal ALB's listener rules: make the service private`);
    }
    if (Object.keys(route.headers).length > 3) counted([...at, 'headers'], 'at most 3 header conditions (ALB listener rule limit)');
    if (route.strip_path && route.paths.some((p) => p.includes('{'))) {
      counted([...at, 'strip_path'], 'strip_path cannot be combined with path parameters');
    }
    route.paths.forEach((path, j) => {
      if (isGatewayPath(path)) {
        counted([...at, 'paths', j], `${path} is under ${GATEWAY_PATH_PREFIX}, the gateway's own paths (its health route GET ${HEALTH_PATH}; the edge web ACL blocks the prefix in any letter case): choose another path`);
      }
    });
    if (config.cors && route.methods.includes('OPTIONS')) {
      counted([...at, 'methods'], 'OPTIONS is answered by the CORS preflight (cors is set): remove it from the route');
    }
  });
  config.services.forEach((service, i) => checkHealthCheck(service, ['services', i], counted));
  conflictingRoutes(config.routes, counted);
  // The route table is only compiled from a config whose names and references hold.
  if (found === 0) sharedMethods(config, add);

  checkCognito(config, cognitoScopes, add);
  config.identity.issuers.forEach((issuer, i) => {
    const jwks = jwksUriOf(issuer);
    if (jwks.startsWith('https://') || LOOPBACK_URL.test(jwks)) return;
    add(['identity', 'issuers', i, issuer.jwks_uri ? 'jwks_uri' : 'issuer'], issuer.jwks_uri
      ? `"${jwks}" is not an https:// URL; the authorizer fetches signing keys over https only (http only for localhost in local development)`
      : `"${issuer.issuer}" is http, so its keys would be fetched from ${jwks}; the authorizer fetches signing keys over https only: use the https issuer URL, or set jwks_uri to an https:// URL (http only for localhost in local development)`);
  });
  checkRemovedResponseHeaders(config, add);
}

function checkCognito(config: GatewayConfig, cognitoScopes: Set<string>, add: AddProblem): void {
  const cognito = config.identity.cognito;
  if (!cognito) return;
  const at = ['identity', 'cognito'];
  const tierNames = config.tiers.map((t) => t.name);
  const idps = new Set([COGNITO, ...cognito.federation.saml.map((p) => p.name), ...cognito.federation.oidc.map((p) => p.name)]);
  cognito.machine_clients.forEach((c, i) => {
    c.scopes.forEach((s, j) => {
      if (!cognitoScopes.has(s)) add([...at, 'machine_clients', i, 'scopes', j], `unknown scope "${s}"; resource server scopes: ${list([...cognitoScopes])}`);
    });
    if (c.tier && !tierNames.includes(c.tier)) add([...at, 'machine_clients', i, 'tier'], `unknown tier "${c.tier}"; known tiers: ${list(tierNames)}`);
  });
  cognito.public_clients.forEach((c, i) => {
    c.scopes.forEach((s, j) => {
      if (!cognitoScopes.has(s) && !STANDARD_OIDC_SCOPES.has(s)) add([...at, 'public_clients', i, 'scopes', j], `unknown scope "${s}"`);
    });
    c.identity_providers.forEach((p, j) => {
      if (!idps.has(p)) add([...at, 'public_clients', i, 'identity_providers', j], `unknown identity provider "${p}"; known: ${list([...idps])}`);
    });
    if (c.tier && !tierNames.includes(c.tier)) add([...at, 'public_clients', i, 'tier'], `unknown tier "${c.tier}"; known tiers: ${list(tierNames)}`);
    for (const kind of ['callback_urls', 'logout_urls'] as const) {
      c[kind].forEach((url, j) => {
        const problem = redirectUrlProblem(url);
        if (problem) add([...at, 'public_clients', i, kind, j], problem);
      });
    }
  });
  const needsDomain = [
    ...(cognito.public_clients.length > 0 ? ['public_clients (authorization code flow)'] : []),
    ...(cognito.machine_clients.length > 0 ? ['machine_clients (client credentials token endpoint)'] : []),
  ];
  const reserved = RESERVED_DOMAIN_WORDS.find((w) => cognito.domain_prefix?.includes(w));
  if (reserved) add([...at, 'domain_prefix'], `"${cognito.domain_prefix}" contains "${reserved}"; Cognito refuses domain prefixes that contain ${RESERVED_DOMAIN_WORDS.join(', ')}: choose another prefix, e.g. your company and environment`);
  if (needsDomain.length > 0 && !cognito.domain_prefix) {
    add([...at, 'domain_prefix'], `required: ${needsDomain.join(' and ')} use the Cognito domain <domain_prefix>.auth.<region>.amazoncognito.com`);
  }
}

/** ALB target group health checks: AWS refuses a timeout that is not below the interval, and codes outside 200-499. */
function checkHealthCheck(service: GatewayConfig['services'][number], at: readonly PropertyKey[], add: AddProblem): void {
  const check = service.private?.health_check;
  if (!check) return;
  const where = [...at, 'private', 'health_check'];
  if (check.timeout_seconds >= check.interval_seconds) {
    add([...where, 'timeout_seconds'], `${check.timeout_seconds} s must be less than interval_seconds (${check.interval_seconds} s): the load balancer refuses a probe timeout that is not shorter than the time between probes`);
  }
  for (const part of check.matcher.split(',')) {
    const [low, high = low] = part.split('-').map(Number);
    if (low < 200 || high > 499) add([...where, 'matcher'], `"${part}" is outside 200-499, the HTTP codes an Application Load Balancer accepts as a health check matcher`);
    else if (low > high) add([...where, 'matcher'], `"${part}" is an empty range; write the lower code first, e.g. 200-299`);
  }
}

/**
 * `/_gatehouse` or a path below it, in any letter case: API Gateway paths are case-sensitive, but
 * the edge web ACL matches the prefix lower-cased (lib/contract/edge-waf-rules.ts), so a route at
 * `/_Gatehouse/x` would be blocked at the edge.
 */
function isGatewayPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === GATEWAY_PATH_PREFIX || lower.startsWith(`${GATEWAY_PATH_PREFIX}/`);
}

/** What is wrong with a Cognito redirect (callback or sign-out) URL, if anything. */
function redirectUrlProblem(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
  if (scheme === 'https') return undefined;
  if (scheme === 'http') return LOOPBACK_URL.test(url) ? undefined : `"${url}": redirect URLs must use https (http only for localhost)`;
  if (scheme && !NOT_REDIRECT_SCHEMES.has(scheme) && url.startsWith(`${scheme}://`)) return undefined;
  return `"${url}" cannot be a redirect target: use an https:// URL (http:// only for localhost) or a mobile app's own scheme like com.example.app://callback`;
}

/**
 * CloudFront's response headers policy: refuse the headers it cannot remove instead of dropping
 * them. Server is accepted: CloudFront then answers `Server: CloudFront`, so the upstream's value
 * is still hidden (docs AWS-NOTES).
 */
function checkRemovedResponseHeaders(config: GatewayConfig, add: AddProblem): void {
  const { remove_headers: remove, add_headers: added } = config.transformations.response;
  const unremovable = UNREMOVABLE_RESPONSE_HEADERS.filter((h) => h !== 'server');
  const addedNames = new Set(Object.keys(added).map((h) => h.toLowerCase()));
  remove.forEach((header, i) => {
    const at = ['transformations', 'response', 'remove_headers', i];
    if (unremovable.includes(header.toLowerCase())) {
      add(at, `CloudFront cannot remove ${header} (it cannot remove ${unremovable.join(', ')}); drop the entry, or stop the upstream from sending it`);
    } else if (addedNames.has(header.toLowerCase())) {
      add(at, `${header} is also in transformations.response.add_headers; a header is either removed or added, not both`);
    }
  });
}

function checkRouteAuth(
  route: RouteConfig, routeAt: readonly PropertyKey[], issuerNames: string[], cognitoScopes: Set<string>, config: GatewayConfig, add: AddProblem,
): void {
  const at = [...routeAt, 'auth'];
  const { strategies, issuers, scopes, cache_ttl, limits } = route.auth;
  if (strategies.includes('none') && strategies.length > 1) add([...at, 'strategies'], '"none" cannot be combined with other strategies');
  if (new Set(strategies).size !== strategies.length) add([...at, 'strategies'], 'lists a strategy twice');
  if (strategies.includes('jwt') && issuers.length === 0) add([...at, 'issuers'], `the jwt strategy needs at least one issuer; known issuers: ${list(issuerNames)}`);
  if (!strategies.includes('jwt') && issuers.length > 0) add([...at, 'issuers'], 'issuers are only used by the jwt strategy');
  issuers.forEach((name, j) => {
    if (!issuerNames.includes(name)) add([...at, 'issuers', j], `unknown issuer "${name}"; known issuers: ${list(issuerNames)}`);
  });
  if (issuers.includes(COGNITO)) {
    scopes.forEach((s, j) => {
      if (issuers.length === 1 && !cognitoScopes.has(s)) add([...at, 'scopes', j], `scope "${s}" is not defined by any identity.cognito.resource_servers entry`);
    });
  }
  if (strategies.includes('mtls') && !config.identity.mtls) add([...at, 'strategies'], 'the mtls strategy needs identity.mtls (truststore)');
  const credentialKinds = strategies.filter((s) => s === 'jwt' || s === 'api_key');
  if (limits === 'exact' && cache_ttl !== undefined && cache_ttl > 0) {
    add([...at, 'cache_ttl'], `cache_ttl ${cache_ttl} with limits: exact (the default): a cached authorizer decision lets requests pass the rate limiter uncounted; set limits: approximate to cache for ${cache_ttl} s, or remove cache_ttl`);
  }
  if (credentialKinds.length > 1 && requestedAuthorizerTtl(route.auth) > 0) {
    add([...at, 'cache_ttl'], 'a route that accepts both jwt and api_key cannot cache the authorizer (API Gateway keys the cache on identity sources and answers 401 when any one of them is missing): set cache_ttl: 0 or use limits: exact');
  }
  if (strategies.includes('none') && (scopes.length > 0 || route.auth.groups.length > 0)) add(at, 'scopes and groups need an authenticating strategy');
}

/**
 * Routes that share an API Gateway method share its one integration, so their upstream paths must
 * agree; and its one stage cache, which would serve one route's responses for another, so no
 * route on a shared GET/HEAD method may set `cache`.
 */
function sharedMethods(config: GatewayConfig, add: AddProblem): void {
  const services = new Map(config.services.map((s) => [s.name, s]));
  const reported = new Set<RouteConfig>();
  for (const method of compileRouteTable(config)) {
    const cached = method.routes.find((r) => r.cache && r.cache.ttl > 0);
    if (cached && method.routes.length > 1 && CACHEABLE_METHODS.has(method.httpMethod) && !reported.has(cached)) {
      reported.add(cached);
      add(['routes', config.routes.indexOf(cached), 'cache'], `shares ${method.httpMethod} ${method.resourcePath} with ${method.routes.filter((r) => r !== cached).map((r) => r.name).join(', ')}; the method's one stage cache would serve one route's responses for the other's: give the cached route a path of its own or remove cache.ttl`);
    }
    // One request model per method: a route whose schema differs from the primary's (including
    // none vs one) would be validated with the other route's schema, or not at all.
    const schema = (r: RouteConfig) => JSON.stringify(r.request_schema ?? null);
    const differing = BODY_METHODS.includes(method.httpMethod) ? method.routes.find((r) => schema(r) !== schema(method.primary)) : undefined;
    if (differing && !reported.has(differing)) {
      reported.add(differing);
      add(['routes', config.routes.indexOf(differing), 'request_schema'], `shares ${method.httpMethod} ${method.resourcePath} with ${method.primary.name}, whose request_schema differs; API Gateway validates a method with one model: give both routes the same request_schema (a YAML anchor, &schema / *schema, keeps them in step)`);
    }
    const paths = new Set(method.routes.map((r) => upstreamPath(method.resourcePath, r, services.get(r.service) ?? { path: '/' })));
    if (paths.size > 1) {
      add(['routes', config.routes.indexOf(method.routes[1])], `shares ${method.httpMethod} ${method.resourcePath} with ${method.routes.filter((r) => r !== method.routes[1]).map((r) => r.name).join(', ')}, but their strip_path or service path differ (${[...paths].join(' vs ')}); API Gateway has one integration path per method`);
    }
  }
}

/** Two routes that match exactly the same requests can never both be reached. */
function conflictingRoutes(routes: RouteConfig[], add: AddProblem): void {
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    const hosts = [...route.hosts].sort().join(',');
    const headers = Object.entries(route.headers).map(([k, v]) => `${k.toLowerCase()}=${v}`).sort().join(',');
    for (const path of route.paths) {
      for (const method of route.methods) {
        const key = `${method} ${path} hosts=${hosts} headers=${headers}`;
        const first = seen.get(key);
        if (first !== undefined && first !== i) {
          add(['routes', i, 'paths'], `${method} ${path} is already matched by routes[${first}] (${routes[first].name}) with the same hosts and headers`);
        } else seen.set(key, i);
      }
    }
  });
}

function duplicates(names: string[], at: readonly PropertyKey[], what: string, add: AddProblem): void {
  names.forEach((n, i) => {
    const first = names.indexOf(n);
    if (first !== i) add([...at, i, 'name'], `duplicate ${what} name "${n}" (first defined at ${formatPath([...at, first])})`);
  });
}

const list = (names: string[]) => (names.length ? names.join(', ') : '(none)');
