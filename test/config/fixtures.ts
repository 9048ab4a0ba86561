import { ConfigError } from '../../lib/config/errors';
import { parseConfig } from '../../lib/checks/load';
import { guardedEdit } from '../support/config-text';

/** File name used in messages of inline configs. */
export const FILE = 'gateway.yaml';

/**
 * A small valid config that exercises every cross-reference: a private and a public service,
 * jwt and api_key routes, Cognito with a resource server and both client kinds, an override.
 */
export const BASE = `name: shop
organization:
  name: Shop
  type: ecommerce
traffic:
  steady_rps: 100
  peak_rps: 400
compliance: [gdpr]
targets:
  p99_latency_ms: 200
  availability: 99.9
environments:
  dev:
    account: "111111111111"
    region: eu-west-1
    domains:
      internal: services.internal.example.com
    certificates:
      alb: arn:aws:acm:eu-west-1:111111111111:certificate/aaaa-0001
    overrides:
      security:
        waf:
          bot_control: "off"
services:
  - name: users
    private:
      port: 8080
  - name: catalog
    url: https://catalog.example.com
routes:
  - name: users
    paths: [/v1/users]
    methods: [GET, POST]
    service: users
    auth:
      strategies: [jwt]
      issuers: [cognito]
      scopes: [users/read]
  - name: catalog
    paths: [/v1/catalog]
    service: catalog
    auth:
      strategies: [api_key]
    cache:
      ttl: 60
tiers:
  - name: free
    minute: 60
    hour: 1000
  - name: pro
    minute: 600
    hour: 10000
identity:
  cognito:
    domain_prefix: shop-dev
    resource_servers:
      - identifier: users
        name: Users
        scopes:
          - { name: read, description: Read users }
    machine_clients:
      - name: partner
        scopes: [users/read]
        tier: pro
    public_clients:
      - name: web
        callback_urls: [https://app.example.com/cb]
transformations:
  request:
    add_headers:
      X-Request-ID: $(uuid)
alerting:
  pagerduty:
    integration_url: { ssm: /shop/pagerduty }
`;

/** BASE with each `find` (which must occur exactly once) replaced. */
export function edit(...changes: Array<[find: string, replace: string]>): string {
  return guardedEdit(BASE, ...changes);
}

/** `gateway.yaml:<line>` of the single line of `text` that contains `needle`. */
export function at(text: string, needle: string): string {
  const lines = text.split('\n').map((l, i) => (l.includes(needle) ? i + 1 : 0)).filter(Boolean);
  if (lines.length !== 1) throw new Error(`fixture: ${JSON.stringify(needle)} is on ${lines.length} lines`);
  return `${FILE}:${lines[0]}`;
}

/** The message of the ConfigError that parsing `text` throws. */
export function rejection(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected the config to be rejected, but it loaded');
}

/** The full message a ConfigError with these problem lines has. */
export function message(...problems: string[]): string {
  const head = problems.length === 1 ? 'Invalid gateway config' : `Invalid gateway config (${problems.length} problems)`;
  return `${head}\n  ${problems.join('\n  ')}`;
}
