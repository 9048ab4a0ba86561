/**
 * Rules the schema cannot express but AWS (or the gateway at request time) would reject only
 * at deploy time: header templates, request models, cache keys, API Gateway resource paths
 * and account limits. Each reports problems at their key path, in file order. Above the
 * contract, because header templates and resource paths are compiled as the stacks compile them.
 */
import Ajv from 'ajv-draft-04';
import { API_GATEWAY_LIMITS, MAX_STACK_RESOURCES } from '../config/aws-limits';
import type { AddProblem as Add } from '../config/errors';
import { HEADER_TEMPLATES, type GatewayConfig, type RouteConfig } from '../config/schema';
import { BODY_METHODS, compileRouteTable, resourcePathsFor } from '../contract/route-table';
import { compileRequestTransformation, TransformationError } from '../contract/transformations';
import { HEALTH_PATH } from '../contract/health-route';
import { gatewayResponses } from '../contract/responses';
import { USAGE_PLANS_PER_TIER } from '../contract/usage-plans';

const MAX_API_RESOURCES = API_GATEWAY_LIMITS.resourcesPerApi;
const MAX_USAGE_PLANS = API_GATEWAY_LIMITS.usagePlans;
/**
 * CloudFormation resources the API stack creates whatever the routes (rest API, stage, deployment,
 * account, log groups, roles, authorizer function, validator, origin-guard web ACL), besides one
 * per gateway response (lib/contract/responses.ts); measured with `cdk synth`, a lower bound (a
 * custom key and domains add more).
 */
const API_STACK_FIXED_RESOURCES = 15;
/** Per tier: two usage plans (lib/contract/usage-plans.ts), the shared API key and its usage plan key. */
const RESOURCES_PER_TIER = USAGE_PLANS_PER_TIER + 2;
/** Per distinct authorizer cache setting: the authorizer and its Lambda permission. */
const RESOURCES_PER_AUTHORIZER = 2;
const TEMPLATE = /\$\(([^)]*)\)/g;
const PARAM = /^\{([A-Za-z0-9_]+)(\+?)\}$/;

export function checkDeployRules(config: GatewayConfig, add: Add): void {
  checkHeaderTemplates(config, add);
  config.routes.forEach((route, i) => {
    checkRequestSchema(route, ['routes', i], add);
    checkCache(route, ['routes', i], add);
    route.paths.forEach((path, j) => checkPathSyntax(path, ['routes', i, 'paths', j], add));
  });
  checkVariableSiblings(config.routes, add);
  checkUsagePlanCount(config, add);
  checkApiSize(config, add);
}

/** What the route table costs in API Gateway resources and in CloudFormation resources of the API stack. */
export interface ApiSize {
  /** API Gateway resources (paths, `{proxy+}` children and intermediate paths), the root included. */
  readonly apiResources: number;
  readonly methods: number;
  /** CloudFormation resources of the API stack (a lower bound). */
  readonly stackResources: number;
}

/** The gRPC transcoder (lib/constructs/grpc-transcoder.ts): function, role, policy, log group, invoke permission. */
const TRANSCODER_RESOURCES = 5;
/** A natively called gRPC service: its JWT-checking listener rule. */
const RESOURCES_PER_NATIVE_GRPC_SERVICE = 1;

export function apiSize(config: GatewayConfig): ApiSize {
  const methods = compileRouteTable(config);
  const paths = new Set<string>(['/']);
  // The gateway's own health route (lib/constructs/api-health-route.ts): two resources, one method.
  for (const resourcePath of [...methods.map((m) => m.resourcePath), HEALTH_PATH]) {
    const segments = resourcePath.split('/').slice(1);
    for (let d = 1; d <= segments.length; d++) paths.add(`/${segments.slice(0, d).join('/')}`);
  }
  const models = new Set(methods.filter((m) => BODY_METHODS.includes(m.httpMethod) && m.primary.request_schema).map((m) => m.primary.name)).size;
  const authorizers = new Set(methods.map((m) => `${m.authorizer.ttl}|${m.authorizer.identitySources.join(',')}`)).size;
  // With cors, every resource that has methods also answers the preflight (OPTIONS).
  const preflights = config.cors ? new Set(methods.map((m) => m.resourcePath)).size : 0;
  const methodCount = methods.length + preflights + 1;
  const grpcServices = new Set(config.services.filter((s) => s.protocol === 'grpc').map((s) => s.name));
  const transcodes = config.routes.some((r) => grpcServices.has(r.service));
  const nativeServices = config.services.filter((s) => s.grpc?.native.enabled).length;
  const stackResources = API_STACK_FIXED_RESOURCES + gatewayResponses(config).length + (paths.size - 1) + methodCount + models
    + config.tiers.length * RESOURCES_PER_TIER + authorizers * RESOURCES_PER_AUTHORIZER
    + (transcodes ? TRANSCODER_RESOURCES : 0) + nativeServices * RESOURCES_PER_NATIVE_GRPC_SERVICE;
  return { apiResources: paths.size, methods: methodCount, stackResources };
}

/**
 * Every route path becomes two API Gateway resources and a method per HTTP method on each, all
 * in one CloudFormation stack: too many routes fail `cdk synth` (500 resources per stack) or the
 * deployment (300 resources per REST API).
 */
function checkApiSize(config: GatewayConfig, add: Add): void {
  const size = apiSize(config);
  const limits = [
    ...(size.apiResources > MAX_API_RESOURCES ? [`${size.apiResources} API Gateway resources (route paths, their {proxy+} children and parent paths), above the ${MAX_API_RESOURCES} a REST API allows by default`] : []),
    ...(size.stackResources > MAX_STACK_RESOURCES ? [`at least ${size.stackResources} CloudFormation resources in the API stack (${size.methods} methods, ${size.apiResources - 1} resources, usage plans, authorizers ...), above the ${MAX_STACK_RESOURCES} a stack allows`] : []),
  ];
  if (limits.length > 0) {
    add(['routes'], `${config.routes.length} routes need ${limits.join(', and ')}: serve sub-paths with one route (a route path already serves everything below it), share paths between methods, or split the API into several gateway configs`);
  }
}

/**
 * Request headers: compiled exactly as the API stack and the local gateway compile them
 * (lib/contract/transformations.ts), so every template or format problem surfaces at load time
 * with its line. Response headers only need known templates.
 */
function checkHeaderTemplates(config: GatewayConfig, add: Add): void {
  for (const route of [undefined, ...config.routes]) {
    try {
      compileRequestTransformation(config, route);
    } catch (err) {
      if (!(err instanceof TransformationError)) throw err;
      add(err.keyPath, err.problem);
    }
  }
  const checkValue = (path: readonly PropertyKey[], value: string) => {
    for (const [, name] of value.matchAll(TEMPLATE)) {
      if (!(HEADER_TEMPLATES as readonly string[]).includes(name)) {
        add(path, `unknown template $(${name}); known templates: ${HEADER_TEMPLATES.map((t) => `$(${t})`).join(', ')}`);
      }
    }
  };
  for (const [header, value] of Object.entries(config.transformations.response.add_headers)) checkValue(['transformations', 'response', 'add_headers', header], value);
}

/** API Gateway models are JSON Schema draft 4; an invalid one fails the deployment. */
function checkRequestSchema(route: RouteConfig, at: readonly PropertyKey[], add: Add): void {
  if (!route.request_schema) return;
  if (!route.methods.some((m) => BODY_METHODS.includes(m))) {
    add([...at, 'request_schema'], `validates request bodies, but the route has no ${BODY_METHODS.join(', ')} method (methods: ${route.methods.join(', ')})`);
  }
  const ajv = new Ajv({
    allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, logger: false,
    // Formats API Gateway knows from draft 4 are accepted; anything else is a typo.
    formats: { 'date-time': true, email: true, hostname: true, ipv4: true, ipv6: true, uri: true },
  });
  if (!ajv.validateSchema(route.request_schema)) {
    const seen = new Set<string>();
    for (const e of ajv.errors ?? []) {
      if (seen.has(e.instancePath) || e.keyword === 'anyOf') continue;
      seen.add(e.instancePath);
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
      add([...at, 'request_schema', ...pointerToPath(e.instancePath)], `not valid JSON Schema (draft 4): ${allowed ? `must be one of: ${allowed.join(', ')}` : e.message}`);
    }
    return;
  }
  try {
    ajv.compile(route.request_schema);
  } catch (err) {
    const message = (err as Error).message;
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const schemaPath = /at path "#([^"]*)"/.exec(message)?.[1];
    const where = keyword ? findKey(route.request_schema, keyword) : schemaPath !== undefined ? pointerToPath(schemaPath) : [];
    const hint = keyword ? `unknown keyword "${keyword}" (a typo? draft 4 keywords only)` : message.replace(/ ignored in schema at path "[^"]*"/, '');
    add([...at, 'request_schema', ...where], `not valid JSON Schema (draft 4): ${hint}`);
  }
}

function checkCache(route: RouteConfig, at: readonly PropertyKey[], add: Add): void {
  const cache = route.cache;
  if (!cache) return;
  if (cache.ttl === 0 && cache.cdn_ttl === 0 && (cache.key_headers.length > 0 || cache.key_query.length > 0)) {
    add([...at, 'cache'], 'key_headers and key_query need ttl or cdn_ttl above 0 (nothing is cached)');
  }
  if (!route.methods.includes('GET') && !route.methods.includes('HEAD')) {
    add([...at, 'cache'], `only GET and HEAD responses are cached, but the route's methods are ${route.methods.join(', ')}`);
  }
}

/** API Gateway path parts: a literal or one whole `{name}`; the route table adds `{proxy+}` itself. */
function checkPathSyntax(path: string, at: readonly PropertyKey[], add: Add): void {
  const segments = path.split('/').slice(1);
  const names = new Set<string>();
  if (path.length > 1 && path.endsWith('/')) {
    return add(at, `${path} ends with /; write ${path.replace(/\/+$/, '') || '/'} (a route path already serves everything below it, and API Gateway treats both as the same resource)`);
  }
  segments.forEach((segment) => {
    if (segment === '' && path !== '/') return add(at, `${path} has an empty segment (//)`);
    if (!segment.includes('{') && !segment.includes('}')) return;
    const param = PARAM.exec(segment);
    if (!param) return add(at, `${path}: "${segment}" must be a whole path part like {id} (letters, digits, _)`);
    if (param[2]) return add(at, `${path}: greedy {${param[1]}+} is not needed, every route path already matches its sub-paths (a {proxy+} child is added)`);
    if (names.has(param[1])) add(at, `${path} uses {${param[1]}} twice`);
    names.add(param[1]);
  });
}

/** API Gateway allows one variable child per resource ("only one variable path part"). */
function checkVariableSiblings(routes: RouteConfig[], add: Add): void {
  const variables = new Map<string, { name: string; route: number; path: string }>();
  routes.forEach((route, i) => route.paths.forEach((path, j) => {
    for (const resource of resourcePathsFor(path)) {
      const segments = resource.split('/').slice(1);
      for (let d = 0; d < segments.length; d++) {
        if (!segments[d].startsWith('{')) continue;
        const parent = `/${segments.slice(0, d).join('/')}`;
        const first = variables.get(parent);
        if (!first) variables.set(parent, { name: segments[d], route: i, path });
        else if (first.name !== segments[d]) {
          add(['routes', i, 'paths', j], `${path} needs ${segments[d]} under ${parent}, where ${first.path} (routes[${first.route}]) already puts ${first.name}; API Gateway allows one variable path part per level. A route path also serves everything below it, so drop the longer path or use the same parameter name`);
          return;
        }
      }
    }
  }));
}

function checkUsagePlanCount(config: GatewayConfig, add: Add): void {
  const perAccountRegion = new Map<string, string[]>();
  for (const [name, env] of Object.entries(config.environments)) {
    const key = `${env.account}/${env.region}`;
    perAccountRegion.set(key, [...(perAccountRegion.get(key) ?? []), name]);
  }
  for (const [key, envs] of perAccountRegion) {
    const plans = config.tiers.length * USAGE_PLANS_PER_TIER * envs.length;
    if (plans > MAX_USAGE_PLANS) {
      add(['tiers'], `${config.tiers.length} tiers x ${USAGE_PLANS_PER_TIER} plans x ${envs.length} environments (${envs.join(', ')}) in ${key} need ${plans} usage plans; API Gateway allows ${MAX_USAGE_PLANS} per account and region`);
    }
  }
}

/** `/properties/email/type` -> `['properties', 'email', 'type']` (a list index as a number). */
function pointerToPath(pointer: string): PropertyKey[] {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Key path of the first object key named `key` inside `value`, depth first; empty if none. */
function findKey(value: unknown, key: string, at: readonly PropertyKey[] = []): PropertyKey[] {
  if (typeof value !== 'object' || value === null) return [];
  if (!Array.isArray(value) && key in value) return [...at, key];
  for (const [k, v] of Object.entries(value)) {
    const found = findKey(v, key, [...at, Array.isArray(value) || /^\d+$/.test(k) ? Number(k) : k]);
    if (found.length > 0) return found;
  }
  return [];
}
