/**
 * The gRPC services' rules (issue 16, docs/grpc.md), which read the protos: each service's
 * definitions compile (the proto's own `file:line` in the message), its service and bindings
 * exist and can be served (lib/grpc/http-bindings.ts), every route to it reaches a binding with
 * each of its paths and methods, and native gRPC names an issuer whose tokens the ALB can verify.
 *
 * A route path or method that reaches no binding is refused: every call to it would be a 404.
 * A binding that no route reaches is not: the method is simply not offered over REST (it may be
 * meant for native gRPC clients), as an HTTP service's paths outside every route are.
 */
import type { AddProblem } from '../config/errors';
import type { GatewayConfig, RouteConfig, ServiceConfig } from '../config/schema';
import { ALB_JWT_LIMITS } from '../config/aws-limits';
import { compileRouteTable, upstreamPath } from '../contract/route-table';
import { compileServiceInDirectory, type GrpcService } from '../grpc/grpc-service';
import { templateUnderPrefix } from '../grpc/path-template';

/** Every problem of the config's gRPC services; their files are read below `configDir`. */
export function checkGrpcServices(config: GatewayConfig, add: AddProblem, configDir: string): void {
  checkMixedMethods(config, add);
  checkNativePaths(config, add);
  config.services.forEach((service, s) => {
    if (service.protocol !== 'grpc' || !service.grpc) return;
    const at = ['services', s, 'grpc'] as const;
    checkNative(config, service, [...at, 'native'], add);
    const { service: compiled, problems } = compileServiceInDirectory(service.grpc, configDir);
    for (const p of problems) add([...at, ...p.key], p.message);
    if (compiled) checkRoutes(config, service, compiled, add);
  });
}

/** Each route to the service reaches a binding with every path and every method it lists. */
function checkRoutes(config: GatewayConfig, service: ServiceConfig, compiled: GrpcService, add: AddProblem): void {
  const listed = compiled.bindings.map((b) => `${b.httpMethod} ${b.template.text}`).join(', ') || 'none';
  config.routes.forEach((route, r) => {
    if (route.service !== service.name) return;
    const under = route.paths.map((path) => {
      const prefix = upstreamPath(path, route, service);
      return compiled.bindings.filter((b) => templateUnderPrefix(b.template, prefix));
    });
    under.forEach((bindings, p) => {
      if (bindings.some((b) => route.methods.includes(b.httpMethod as never))) return;
      const shown = upstreamPath(route.paths[p], route, service);
      add(['routes', r, 'paths', p], `no REST binding of gRPC service ${service.name} (${compiled.name}) with the route's methods (${route.methods.join(', ')}) is at or below ${shown === route.paths[p] ? shown : `${route.paths[p]} (upstream ${shown})`}: every call would be a 404; its bindings: ${listed}`);
    });
    route.methods.forEach((method, m) => {
      if (under.some((bindings) => bindings.some((b) => b.httpMethod === method))) return;
      add(['routes', r, 'methods', m], `no REST binding of gRPC service ${service.name} (${compiled.name}) takes ${method} at or below the route's paths: every ${method} call would be a 405 or 404; remove ${method} or bind a method to it; its bindings: ${listed}`);
    });
  });
}

/**
 * Native gRPC goes CloudFront -> the internal ALB, which verifies the caller's JWT itself (RS256,
 * keys fetched over HTTPS): the service must be behind the ALB and the issuer one it can check.
 */
function checkNative(config: GatewayConfig, service: ServiceConfig, at: readonly PropertyKey[], add: AddProblem): void {
  const native = service.grpc!.native;
  if (!native.enabled) return;
  if (!service.private) {
    add([...at, 'enabled'], `native gRPC reaches a service through the internal ALB, but service ${service.name} is public (url); make it private, or turn native off (REST transcoding still works)`);
  }
  const names = [...(config.identity.cognito ? ['cognito'] : []), ...config.identity.issuers.map((i) => i.name)];
  if (!native.issuer) {
    add([...at, 'issuer'], `native gRPC needs the issuer whose RS256 access tokens the ALB verifies: ${names.length > 0 ? `one of ${names.join(', ')}` : 'cognito (identity.cognito) or a name of identity.issuers'}`);
    return;
  }
  if (native.issuer === 'cognito') {
    const cognito = config.identity.cognito;
    if (!cognito) {
      add([...at, 'issuer'], 'cognito: identity.cognito is not configured; configure the user pool or name an identity.issuers entry');
      return;
    }
    const clients = cognito.machine_clients.length + cognito.public_clients.length;
    if (clients === 0 || clients > ALB_JWT_LIMITS.valuesPerClaim) {
      add([...at, 'issuer'], `the ALB binds a Cognito token to the pool by its client_id, checked against 1 to ${ALB_JWT_LIMITS.valuesPerClaim} values; the pool has ${clients} app clients (identity.cognito.machine_clients and public_clients)`);
    }
    return;
  }
  const issuer = config.identity.issuers.find((i) => i.name === native.issuer);
  if (!issuer) {
    add([...at, 'issuer'], `"${native.issuer}" is no issuer; ${names.length > 0 ? `name one of ${names.join(', ')}` : 'configure identity.cognito or identity.issuers'}`);
    return;
  }
  if (issuer.audiences.length > ALB_JWT_LIMITS.valuesPerClaim) {
    add([...at, 'issuer'], `the ALB checks aud against at most ${ALB_JWT_LIMITS.valuesPerClaim} values; issuer ${issuer.name} has ${issuer.audiences.length} audiences`);
  }
  const jwks = issuer.jwks_uri ?? `${issuer.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  if (!jwks.startsWith('https://')) {
    add([...at, 'issuer'], `issuer ${issuer.name}'s keys are at ${jwks}; the ALB fetches them over HTTPS only, so it cannot verify this issuer's tokens (an http issuer is for the local twin)`);
  }
}

/**
 * An API method integrates with one thing: the transcoder (gRPC services) or an HTTP upstream.
 * Routes that share a method (hosts, header canaries) must all be of one kind.
 */
function checkMixedMethods(config: GatewayConfig, add: AddProblem): void {
  const grpc = new Set(config.services.filter((s) => s.protocol === 'grpc').map((s) => s.name));
  const reported = new Set<RouteConfig>();
  for (const method of compileRouteTable(config)) {
    const kinds = new Set(method.routes.map((r) => grpc.has(r.service)));
    if (kinds.size < 2) continue;
    const route = method.routes.find((r) => grpc.has(r.service) !== grpc.has(method.primary.service))!;
    // Once per route: its path's exact method and {proxy+} child are the same mix.
    if (reported.has(route)) continue;
    reported.add(route);
    add(['routes', config.routes.indexOf(route), 'service'], `${method.httpMethod} ${method.resourcePath} is shared by routes to gRPC and HTTP services (${method.routes.map((r) => `${r.name} -> ${r.service}`).join(', ')}): one API method integrates with the gRPC transcoder or an HTTP upstream, not both; give them different paths`);
  }
}

/** A natively called service owns `/<package.Service>/` at the edge (CloudFront's gRPC behaviour). */
function checkNativePaths(config: GatewayConfig, add: AddProblem): void {
  const native = config.services.filter((s) => s.grpc?.native.enabled).map((s) => `/${s.grpc!.service}`);
  config.routes.forEach((route, r) => route.paths.forEach((path, p) => {
    const owner = native.find((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    if (owner) add(['routes', r, 'paths', p], `${path} is under ${owner}/, where CloudFront sends native gRPC calls of that service; choose another path`);
  }));
}
