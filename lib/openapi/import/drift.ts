/**
 * Drift between the routes to a service and the service's own OpenAPI document: each route path
 * and method reaches an operation of the document; each operation is served by a route; a body
 * the document validates is validated by the route too (and its schema converts to draft 4);
 * the credentials the document asks for are ones the route accepts. Each finding names the
 * config key and the document's `file:line`.
 */
import type { GatewayConfig, RouteConfig } from '../../config/schema';
import { BODY_METHODS } from '../../contract/route-table';
import type { DocumentOperation, ServiceDocument } from './service-document';
import { toDraft4 } from './to-draft4';

export interface Drift {
  readonly key: readonly PropertyKey[];
  readonly message: string;
}

/** Longer converted schemas are not printed in a message: they would drown it. */
const MAX_SHOWN_SCHEMA = 400;

const segments = (path: string) => path.split('/').filter(Boolean);
const isParameter = (segment: string) => /^\{[^}]+\}$/.test(segment);

/** Whether a route path (a prefix, `{param}` segments allowed) serves the operation's path template. */
export function routeServesPath(routePath: string, operationPath: string): boolean {
  const route = segments(routePath);
  const op = segments(operationPath);
  if (route.length > op.length) return false;
  return route.every((s, i) => s === op[i] || isParameter(s) || isParameter(op[i]));
}

export function serviceDrift(config: GatewayConfig, serviceIndex: number, document: ServiceDocument): Drift[] {
  const service = config.services[serviceIndex];
  const routes = config.routes.map((route, index) => ({ route, index })).filter(({ route }) => route.service === service.name);
  const drift: Drift[] = [];
  const at = (op: DocumentOperation) => `${document.file}:${op.line ?? 1}`;
  const serving = (op: DocumentOperation) => routes.filter(({ route }) => route.methods.includes(op.method as RouteConfig['methods'][number]) && route.paths.some((p) => routeServesPath(p, op.path)));

  for (const { route, index } of routes) {
    route.paths.forEach((path, j) => {
      for (const method of route.methods) {
        if (method === 'OPTIONS' || method === 'HEAD') continue;
        if (document.operations.some((op) => op.method === method && routeServesPath(path, op.path))) continue;
        drift.push({ key: ['routes', index, 'paths', j], message: `${method} ${path} reaches no operation of ${service.name}'s OpenAPI document ${document.file} (its ${method} operations: ${list(document.operations.filter((o) => o.method === method).map((o) => o.path))})` });
      }
    });
  }
  for (const op of document.operations) {
    const by = serving(op);
    if (by.length === 0) {
      drift.push({ key: ['services', serviceIndex, 'openapi', 'document'], message: `${at(op)} ${op.method} ${op.path} is served by no route of service ${service.name}: add its path and method to a route, or remove the operation from the document` });
      continue;
    }
    for (const { route, index } of by) {
      if (!op.credentials.some((c) => route.auth.strategies.includes(c))) {
        drift.push({ key: ['routes', index, 'auth', 'strategies'], message: `route ${route.name} accepts ${route.auth.strategies.join(', ')}, but ${at(op)} ${op.method} ${op.path} asks for ${op.credentials.join(' or ')}` });
      }
      if (op.requestSchema && BODY_METHODS.includes(op.method) && !route.request_schema) {
        const { schema, unconvertible } = toDraft4(op.requestSchema, document.root);
        const json = JSON.stringify(schema);
        const shown = json.length <= MAX_SHOWN_SCHEMA ? `: ${json}` : '';
        drift.push({ key: ['routes', index, 'request_schema'], message: `missing: ${at(op)} ${op.method} ${op.path} validates its JSON body, route ${route.name} does not; add the document's schema as request_schema (in draft 4${shown})${unconvertible.length ? `; not convertible: ${unconvertible.join('; ')}` : ''}` });
      } else if (op.requestSchema && route.request_schema) {
        const { unconvertible } = toDraft4(op.requestSchema, document.root);
        if (unconvertible.length > 0) drift.push({ key: ['routes', index, 'request_schema'], message: `${at(op)} ${op.method} ${op.path}: the document's body schema has what draft 4 (API Gateway models) cannot express: ${unconvertible.join('; ')}` });
      }
    }
  }
  return drift;
}

function list(paths: readonly string[]): string {
  return paths.length ? [...new Set(paths)].join(', ') : 'none';
}
