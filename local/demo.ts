import type { GatewayEnvironment } from '../lib/config/environments';
import { COGNITO_ISSUER_NAME, LOCAL_ISSUER_NAME } from '../lib/contract/issuers';
import { planDemoCalls, type DemoCall, type DemoPlan, type DemoStep } from './demo-calls';
import type { Seed } from './seed';
import type { LocalGateway } from './server';

/** One local issuer as the printed credentials name it. */
export interface DemoIssuer {
  /** `local` (the stand-in for Cognito) or the external issuer's name. */
  readonly name: string;
  readonly url: string;
  readonly tokenEndpoint: string;
  readonly discovery: string;
  readonly audience: string;
}

/** The demo credentials as JSON (`--print-credentials`), for scripts. */
export interface DemoCredentials {
  readonly gateway: string;
  readonly environment: string;
  /** The developer portal (API reference with "try it"), when portal.enabled. */
  readonly portal?: string;
  /** The config file served, where the demo consumers come from, the limiter and consumer store. */
  readonly serving: { readonly config?: string; readonly consumers?: string; readonly limiter: string; readonly consumerStore: string };
  /** The stand-in for Cognito. */
  readonly issuer?: DemoIssuer;
  /** Every local issuer: the Cognito stand-in and the stand-ins of external issuers. */
  readonly issuers: readonly DemoIssuer[];
  readonly apiKeys: readonly { readonly key: string; readonly consumer: string; readonly tier: string; readonly tenant?: string; readonly status: string; readonly allowedCidrs: readonly string[] }[];
  readonly oauthClients: readonly { readonly clientId: string; readonly clientSecret?: string; readonly issuer: string; readonly grantTypes: readonly string[]; readonly scope: string; readonly tier: string; readonly canary: boolean; readonly redirectUris: readonly string[] }[];
  readonly upstreams: Readonly<Record<string, string>>;
  /** The native gRPC listener (docs/grpc.md, "the native path in the twin"), when a service has grpc.native.enabled. */
  readonly grpc?: DemoGrpc;
  /** The calls the printed block makes, and the routes it cannot reach with why. */
  readonly demo: DemoPlan;
  /** A multi-region twin's regions, primary first; `gateway` is then the edge router, which clients call. */
  readonly regions?: readonly DemoRegion[];
  /** A multi-region twin's edge router: routing and its timers as it runs them (time scale applied). */
  readonly edge?: DemoEdge;
}

/** The twin's native gRPC path: CloudFront's gRPC behaviour and the ALB's JWT rule on one HTTP/2 port. */
export interface DemoGrpc {
  /** `http://host:port`: plaintext HTTP/2 (h2c); gRPC clients connect with insecure credentials. */
  readonly url: string;
  /** `host:port`, what a gRPC client dials. */
  readonly target: string;
  /** The services called natively, each with the issuer whose access token it takes (`local` for Cognito). */
  readonly services: readonly { readonly service: string; readonly grpcService: string; readonly issuer: string }[];
}

export interface DemoRegion {
  readonly region: string;
  readonly primary: boolean;
  /** The region's own gateway (around the router: what the health probes call). */
  readonly gateway: string;
  readonly upstreams: Readonly<Record<string, string>>;
}

export interface DemoEdge {
  readonly policy: string;
  /** As configured. */
  readonly ttlSeconds: number;
  readonly probesPerPeriod: number;
  readonly failedProbes: number;
  readonly timeScale: number;
  /** As the router runs them. */
  readonly ttlMs: number;
  readonly probeIntervalMs: number;
  readonly probeTimeoutMs: number;
  readonly periodMs: number;
  /** GET: the regions' rotation and the cached answers; POST <status>/<region>/stop|start. */
  readonly status: string;
}

/** What the credentials are made of: a running gateway, or a multi-region twin seen through its router. */
export type DemoServing = Pick<LocalGateway, 'url' | 'issuers' | 'runs' | 'upstreams' | 'grpc'> & {
  readonly regions?: readonly DemoRegion[];
  readonly edge?: DemoEdge;
};

/** `about`: the config file and the seed's source (`seed file F`, `derived from the config`), for the banner. */
export function demoCredentials(local: DemoServing, seed: Seed, gateway: GatewayEnvironment, about: { config?: string; consumers?: string } = {}): DemoCredentials {
  const running = [
    ...(local.issuers?.cognito ? [[LOCAL_ISSUER_NAME, local.issuers.cognito] as const] : []),
    ...Object.entries(local.issuers?.standIns ?? {}),
  ];
  const issuers: DemoIssuer[] = running.map(([name, i]) => ({ name, url: i.url, tokenEndpoint: i.tokenEndpoint, discovery: i.discovery, audience: i.audience }));
  return {
    gateway: local.url,
    environment: gateway.name,
    ...(gateway.config.portal.enabled ? { portal: `${local.url}${gateway.config.portal.path}/` } : {}),
    serving: { ...about, limiter: local.runs.limiter, consumerStore: local.runs.consumers },
    issuer: issuers.find((i) => i.name === LOCAL_ISSUER_NAME),
    issuers,
    apiKeys: seed.api_keys.map((k) => ({ key: k.key, consumer: k.consumer, tier: k.tier, tenant: k.tenant, status: k.status, allowedCidrs: k.allowed_cidrs })),
    oauthClients: seed.oauth_clients.map((c) => ({ clientId: c.client_id, clientSecret: c.client_secret, issuer: c.issuer, grantTypes: c.grant_types, scope: c.scope, tier: c.tier, canary: c.canary, redirectUris: c.redirect_uris })),
    upstreams: local.upstreams,
    ...(local.grpc ? { grpc: demoGrpc(local.grpc, gateway) } : {}),
    demo: planDemoCalls(gateway, seed),
    ...(local.regions ? { regions: local.regions, edge: local.edge } : {}),
  };
}

function demoGrpc(grpc: NonNullable<DemoServing['grpc']>, gateway: GatewayEnvironment): DemoGrpc {
  const issuerOf = (service: string) => {
    const name = gateway.config.services.find((s) => s.name === service)?.grpc?.native.issuer ?? '';
    return name === COGNITO_ISSUER_NAME ? LOCAL_ISSUER_NAME : name;
  };
  return { url: grpc.url, target: grpc.target, services: grpc.routes.map((r) => ({ service: r.service, grpcService: r.grpcService, issuer: issuerOf(r.service) })) };
}

/**
 * Ready-to-paste bash for the printed credentials: one block, every line a command or a comment,
 * variables carry from line to line (`jq` not needed). Every call fails loudly on a non-2xx answer (`--fail-with-body`), so the
 * block run as a script stops at the first call that does not work.
 */
export function curlExamples(c: DemoCredentials): string {
  const lines = [`# Gatehouse local gateway (${c.environment}) on ${c.gateway}${c.regions ? `: the edge router (stands in for CloudFront + Route 53) in front of ${c.regions.length} regions` : ''}`];
  if (c.regions) lines.push(...regionLines(c.regions, c.edge));
  if (c.serving.config) lines.push(`#   config ${c.serving.config}`);
  if (c.portal) lines.push(`#   developer portal (API reference, try it) on ${c.portal}`);
  lines.push(`#   demo consumers ${c.serving.consumers ?? 'from the seed'}; consumer store ${c.serving.consumerStore}; limiter ${c.serving.limiter}`);
  for (const i of c.issuers) lines.push(`#   OAuth issuer ${i.name === LOCAL_ISSUER_NAME ? 'local (stands in for Cognito)' : `${i.name} (local stand-in)`} on ${i.url}`);
  if (c.grpc) {
    lines.push(`#   native gRPC (stands in for CloudFront's gRPC behaviour + the ALB's JWT rule; plaintext HTTP/2, no gateway limits) on ${c.grpc.target}:`);
    for (const s of c.grpc.services) lines.push(`#     /${s.grpcService}/<Method> (service ${s.service}): an access token of issuer ${s.issuer} in authorization: Bearer, e.g. grpcurl -plaintext -H "authorization: Bearer $TOKEN" -import-path <protos> -proto <file> ${c.grpc.target} ${s.grpcService}/<Method>`);
  }
  lines.push('');
  const issuer = new Map(c.issuers.map((i) => [i.name, i]));
  for (const step of c.demo.steps) {
    lines.push(`# ${step.comment}`);
    if (step.token) {
      const t = step.token;
      const endpoint = issuer.get(t.issuer)?.tokenEndpoint;
      if (!endpoint) continue;
      lines.push(`${t.variable}=$(curl -sS --fail-with-body ${endpoint} -u '${t.clientId}:${t.clientSecret}' -d grant_type=client_credentials${t.scope ? ` -d 'scope=${t.scope}'` : ''} | ${ACCESS_TOKEN_OF_ANSWER})`);
    }
    if (step.signIn) {
      const signInIssuer = issuer.get(step.signIn.issuer);
      if (!signInIssuer) continue;
      lines.push(...signInLines(signInIssuer, step.signIn));
    }
    for (const call of step.calls) lines.push(curlLine(c.gateway, call));
    lines.push('');
  }
  for (const n of c.demo.notCovered) lines.push(`# not called above: route ${n.route}: ${n.why}`);
  if (c.demo.notCovered.length > 0) lines.push('');
  if (c.regions && c.edge) {
    lines.push(`# Regions in rotation and the cached DNS answers: curl -sS ${c.edge.status}`);
    lines.push(`# Take a region down (its gateway stops listening) and back: curl -sS -X POST ${c.edge.status}/${c.regions[0].region}/stop (then .../start)`, '');
  }
  lines.push('# All demo credentials with these addresses as JSON: start with --credentials-file FILE', '# Request log: one JSON line per request on stdout. Stop with Ctrl-C.');
  return lines.join('\n');
}

/** The banner lines of a multi-region twin: each region's gateway, the routing and its timers. */
function regionLines(regions: readonly DemoRegion[], edge: DemoEdge | undefined): string[] {
  const lines = regions.map((r) => `#   region ${r.region}${r.primary ? ' (primary)' : ''} on ${r.gateway}`);
  if (!edge) return lines;
  const policy = edge.policy === 'latency' ? 'latency (all regions as near here: primary first)' : edge.policy === 'geolocation' ? `geolocation (by the X-Gatehouse-Viewer-Country / -Continent request headers, else default)` : 'failover (primary, else the secondary)';
  const scale = edge.timeScale;
  lines.push(`#   routing ${policy}: DNS TTL ${edge.ttlSeconds} s; GET /_gatehouse/health on each region every ${seconds(edge.probeIntervalMs / scale)} (timeout ${seconds(edge.probeTimeoutMs / scale)}), out of rotation at ${edge.failedProbes} failed of the last ${edge.probesPerPeriod} probes, back when fewer fail`);
  if (scale !== 1) lines.push(`#   time scale ${scale} (the edge router's timers only): TTL ${seconds(edge.ttlMs)}, a probe every ${seconds(edge.probeIntervalMs)} (timeout ${seconds(edge.probeTimeoutMs)}), period ${seconds(edge.periodMs)}`);
  return lines;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(3))} s` : `${Number(ms.toFixed(1))} ms`;
}

/**
 * The authorization code flow with PKCE (S256) in curl, as a browser runs it: the authorize
 * request, the login page, the form post, the redirects (at most 8) up to the client's redirect
 * URI, then the code exchange with the verifier. Needs openssl for the challenge.
 */
function signInLines(issuer: DemoIssuer, s: NonNullable<DemoStep['signIn']>): string[] {
  const v = s.variable;
  const follow = `curl -sS --fail-with-body -b "$${v}_JAR" -c "$${v}_JAR" -o /dev/null -w '%{redirect_url}'`;
  const authorize = `${issuer.url}/auth?response_type=code&client_id=${encodeURIComponent(s.clientId)}&redirect_uri=${encodeURIComponent(s.redirectUri)}&scope=${encodeURIComponent(s.scope)}&state=demo&code_challenge_method=S256&code_challenge=$${v}_CHALLENGE`;
  return [
    `${v}_JAR=$(mktemp); ${v}_VERIFIER=$(openssl rand -hex 32)`,
    `${v}_CHALLENGE=$(printf %s "$${v}_VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')`,
    `${v}_PAGE=$(${follow} "${authorize}")`,
    `${v}_URL=$(${follow} "$${v}_PAGE/login" -d 'username=${s.username}' -d 'password=${s.password}')`,
    `for _ in 1 2 3 4 5 6 7 8; do case "$${v}_URL" in '${s.redirectUri}'*) break;; esac; ${v}_URL=$(${follow} "$${v}_URL"); done`,
    `${v}=$(curl -sS --fail-with-body ${issuer.tokenEndpoint} -d grant_type=authorization_code -d 'client_id=${s.clientId}' -d 'redirect_uri=${s.redirectUri}' -d "code_verifier=$${v}_VERIFIER" -d "code=$(printf %s "$${v}_URL" | sed -E 's/.*[?&]code=([^&]+).*/\\1/')" | ${ACCESS_TOKEN_OF_ANSWER})`,
  ];
}

/** The shell end of a token request: the access_token of the JSON answer, without jq. */
const ACCESS_TOKEN_OF_ANSWER = `sed -E 's/.*"access_token":"([^"]+)".*/\\1/'`;

function curlLine(gateway: string, call: DemoCall): string {
  const headers = Object.entries(call.headers).map(([k, v]) => (v.includes('$') ? ` -H "${k}: ${v}"` : ` -H '${k}: ${v}'`)).join('');
  const host = call.host ? ` -H 'Host: ${call.host}'` : '';
  return `curl -sS --fail-with-body ${gateway}${call.path}${host}${headers}; echo`;
}
