/**
 * The REST bindings of a gRPC service: each google.api.HttpRule of its methods (annotation and
 * `additional_bindings`), with the config's `mappings` replacing the annotations of the same
 * method and HTTP method, compiled against the service's messages: the template parsed, every
 * path variable, `body` and `response_body` resolved to fields. Whatever cannot be served is a
 * problem at its key (the proto's `file:line` first for an annotation).
 */
import { fromJson, toJson, type DescField, type DescMessage, type DescMethod, type DescService } from '@bufbuild/protobuf';
import type { GrpcMappingConfig } from '../config/grpc-schema';
import { builtinTypes, type GrpcDefinitions } from './definitions';
import type { GrpcProblem } from './errors';
import { parsePathTemplate, templateShape, type PathTemplate } from './path-template';
import { where, type SourcePlace } from './proto-compiler';

/** HTTP methods a binding may use: google.api.HttpRule's patterns, and `custom` kinds of the gateway's methods. */
export const BINDING_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'] as const;
const CUSTOM_KINDS = new Set(['HEAD', 'OPTIONS']);

/** What the body of a request fills: every field not bound by the path, or one top-level field. */
export type BodyBinding = { readonly kind: 'all' } | { readonly kind: 'field'; readonly field: DescField };

export interface HttpBinding {
  readonly method: DescMethod;
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** The request field of each path variable, outermost first. */
  readonly pathFields: readonly (readonly DescField[])[];
  readonly body?: BodyBinding;
  /** The response field returned instead of the whole message. */
  readonly responseBody?: DescField;
  /** Where the binding is written, for messages: `protos/x.proto:12` or `mappings[0]`. */
  readonly source: string;
}

/** A rule before compiling, where it comes from and where its problems go. */
interface RuleAt {
  readonly methodName: string;
  readonly rule: Readonly<Record<string, unknown>>;
  /** The key problems are reported at, and the prefix of their messages. */
  readonly key: readonly PropertyKey[];
  readonly prefix: string;
  readonly source: string;
  /** Key of the template, for a config mapping (`mappings[0].get`). */
  readonly templateKey?: readonly PropertyKey[];
}

/** Compiles the service's bindings; problems are returned, never thrown. */
export function compileBindings(definitions: GrpcDefinitions, service: DescService, mappings: readonly GrpcMappingConfig[]): { bindings: HttpBinding[]; problems: GrpcProblem[] } {
  const problems: GrpcProblem[] = [];
  const rules: RuleAt[] = [];
  const replaced = new Set(mappings.map((m) => `${m.method} ${mappingVerb(m) ?? ''}`));
  for (const method of service.methods) {
    const annotation = definitions.annotations.get(`${service.typeName}.${method.name}`);
    if (!annotation) continue;
    for (const { rule, nested } of flattenRule(annotation.rule, annotation.place, problems)) {
      const verb = ruleVerb(rule);
      if (replaced.has(`${method.name} ${verb ?? ''}`)) continue;
      const prefix = `${where(annotation.place)}: method ${method.name}: google.api.http${nested ? ' additional_bindings' : ''}`;
      rules.push({ methodName: method.name, rule, key: annotation.place.key, prefix, source: where(annotation.place) });
    }
  }
  mappings.forEach((m, i) => {
    const verb = mappingVerb(m);
    rules.push({
      methodName: m.method, rule: m as unknown as Record<string, unknown>, key: ['mappings', i], prefix: '', source: `mappings[${i}]`,
      templateKey: verb ? ['mappings', i, verb.toLowerCase()] : undefined,
    });
  });

  const bindings: HttpBinding[] = [];
  const seen = new Map<string, HttpBinding>();
  for (const at of rules) {
    const binding = compileRule(at, service, problems);
    if (!binding) continue;
    const shape = `${binding.httpMethod} ${templateShape(binding.template)}`;
    const other = seen.get(shape);
    if (other) {
      problems.push(problem(at, at.templateKey ?? at.key, `${binding.httpMethod} ${binding.template.text} matches the same requests as the binding of method ${other.method.name} (${other.source}: ${other.httpMethod} ${other.template.text}); give one of them another path`));
      continue;
    }
    seen.set(shape, binding);
    bindings.push(binding);
  }
  return { bindings, problems };
}

function compileRule(at: RuleAt, service: DescService, problems: GrpcProblem[]): HttpBinding | undefined {
  const method = service.methods.find((m) => m.name === at.methodName);
  if (!method) {
    problems.push(problem(at, [...at.key, 'method'], `no method ${at.methodName} in service ${service.typeName}; its methods: ${service.methods.map((m) => m.name).join(', ')}`));
    return undefined;
  }
  if (method.methodKind !== 'unary') {
    problems.push(problem(at, at.templateKey ? [...at.key, 'method'] : at.key, `method ${method.name} is ${method.methodKind.replace('_', '-')}; REST transcoding calls unary methods only: remove this binding (gRPC clients can call it natively)`));
    return undefined;
  }
  const verbs = patternsOf(at.rule);
  if (verbs.length !== 1) {
    problems.push(problem(at, at.key, verbs.length === 0 ? 'names no HTTP method and path (get, put, post, delete, patch or custom)' : `names ${verbs.length} HTTP methods (${verbs.map((v) => v.httpMethod).join(', ')}); a binding has one: add the others as additional bindings`));
    return undefined;
  }
  const { httpMethod, path } = verbs[0];
  const templateKey = at.templateKey ?? at.key;
  if (!(BINDING_METHODS as readonly string[]).includes(httpMethod) && !CUSTOM_KINDS.has(httpMethod)) {
    problems.push(problem(at, at.key, `custom kind "${httpMethod}" is not a method routes can take (custom kinds: ${[...CUSTOM_KINDS].join(', ')})`));
    return undefined;
  }
  const template = parsePathTemplate(path);
  if ('problem' in template) {
    problems.push(problem(at, templateKey, `path template ${template.problem}`));
    return undefined;
  }
  const pathFields: DescField[][] = [];
  for (const variable of template.variables) {
    const resolved = resolvePathVariable(method.input, variable.fieldPath, variable.end - variable.start > 1 || template.segments[variable.start].kind !== 'any');
    if ('problem' in resolved) {
      problems.push(problem(at, templateKey, `path template ${path}: {${variable.fieldPath.join('.')}}: ${resolved.problem}`));
      return undefined;
    }
    pathFields.push(resolved.fields);
  }
  const body = compileBody(at, method, httpMethod, problems);
  if (body === null) return undefined;
  const responseBodyName = typeof at.rule.response_body === 'string' && at.rule.response_body !== '' ? at.rule.response_body : undefined;
  let responseBody: DescField | undefined;
  if (responseBodyName) {
    responseBody = topLevelField(method.output, responseBodyName);
    if (!responseBody) {
      problems.push(problem(at, at.templateKey ? [...at.key, 'response_body'] : at.key, `response_body "${responseBodyName}" is no field of ${method.output.typeName} (fields: ${fieldList(method.output)})`));
      return undefined;
    }
  }
  return { method, httpMethod, template, pathFields, body, responseBody, source: at.source };
}

/** The body binding; null after a problem. */
function compileBody(at: RuleAt, method: DescMethod, httpMethod: string, problems: GrpcProblem[]): BodyBinding | undefined | null {
  const name = typeof at.rule.body === 'string' && at.rule.body !== '' ? at.rule.body : undefined;
  if (!name) return undefined;
  const key = at.templateKey ? [...at.key, 'body'] : at.key;
  if (httpMethod === 'GET' || httpMethod === 'HEAD') {
    problems.push(problem(at, key, `body "${name}" on ${httpMethod}: ${httpMethod} requests carry no body (clients, caches and CloudFront drop it); take the fields from the path and query, or use POST`));
    return null;
  }
  if (name === '*') return { kind: 'all' };
  const field = topLevelField(method.input, name);
  if (!field) {
    problems.push(problem(at, key, `body "${name}" is no field of ${method.input.typeName} (fields: ${fieldList(method.input)}); name a top-level field, or "*" for the whole message`));
    return null;
  }
  return { kind: 'field', field };
}

/** The fields of a path variable: singular messages down to a scalar or enum (a string when it spans segments). */
function resolvePathVariable(input: DescMessage, path: readonly string[], multiSegment: boolean): { fields: DescField[] } | { problem: string } {
  const fields: DescField[] = [];
  let message = input;
  for (let i = 0; i < path.length; i++) {
    const field = topLevelField(message, path[i]);
    if (!field) return { problem: `no field ${path[i]} in ${message.typeName} (fields: ${fieldList(message)})` };
    fields.push(field);
    const last = i === path.length - 1;
    if (!last) {
      if (field.fieldKind !== 'message') return { problem: `${path.slice(0, i + 1).join('.')} is not a message field, so it has no field ${path[i + 1]}` };
      message = field.message;
      continue;
    }
    if (field.fieldKind === 'list' || field.fieldKind === 'map') return { problem: `${path.join('.')} is a ${field.fieldKind === 'list' ? 'repeated' : 'map'} field; a path variable binds a single scalar field` };
    if (field.fieldKind === 'message') return { problem: `${path.join('.')} is a message (${field.message.typeName}); a path variable binds a scalar field: name one of its fields (${path.join('.')}.x)` };
    if (multiSegment && !(field.fieldKind === 'scalar' && field.scalar === 9)) return { problem: `${path.join('.')} is not a string; a variable that spans segments (=.../*) captures text with "/" and binds a string field` };
  }
  return { fields };
}

function topLevelField(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((f) => f.name === name);
}

function fieldList(message: DescMessage): string {
  return message.fields.map((f) => f.name).join(', ') || 'none';
}

/** The rule and its additional bindings, each normalised through google.api.HttpRule's JSON (a misspelt key is a problem). */
function flattenRule(raw: Readonly<Record<string, unknown>>, place: SourcePlace, problems: GrpcProblem[]): { rule: Record<string, unknown>; nested: boolean }[] {
  const schema = builtinTypes().getMessage('google.api.HttpRule')!;
  let rule: Record<string, unknown>;
  try {
    rule = toJson(schema, fromJson(schema, asArrays(raw) as never), { useProtoFieldName: true }) as Record<string, unknown>;
  } catch (err) {
    problems.push({ key: place.key, message: `${where(place)}: google.api.http: ${(err as Error).message.replace(/^cannot decode message google\.api\.HttpRule from JSON: /, '')}` });
    return [];
  }
  const nested = (rule.additional_bindings as Record<string, unknown>[] | undefined) ?? [];
  const { additional_bindings: _ignored, ...own } = rule;
  const out = [{ rule: own, nested: false }];
  for (const binding of nested) {
    if (binding.additional_bindings) {
      problems.push({ key: place.key, message: `${where(place)}: google.api.http: additional_bindings inside additional_bindings are not allowed (google/api/http.proto); list them all in the outer rule` });
      continue;
    }
    out.push({ rule: binding, nested: true });
  }
  return out;
}

/** protobufjs gives one `additional_bindings` as an object and several as a list. */
function asArrays(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const ab = raw.additional_bindings;
  if (ab === undefined) return { ...raw };
  const list = Array.isArray(ab) ? ab : [ab];
  return { ...raw, additional_bindings: list.map((b) => asArrays(b as Record<string, unknown>)) };
}

function patternsOf(rule: Readonly<Record<string, unknown>>): { httpMethod: string; path: string }[] {
  const out: { httpMethod: string; path: string }[] = [];
  for (const m of BINDING_METHODS) {
    const path = rule[m.toLowerCase()];
    if (typeof path === 'string' && path !== '') out.push({ httpMethod: m, path });
  }
  const custom = rule.custom as { kind?: string; path?: string } | undefined;
  if (custom && typeof custom.path === 'string') out.push({ httpMethod: String(custom.kind ?? '').toUpperCase(), path: custom.path });
  return out;
}

function ruleVerb(rule: Readonly<Record<string, unknown>>): string | undefined {
  return patternsOf(rule)[0]?.httpMethod;
}

function mappingVerb(m: GrpcMappingConfig): string | undefined {
  return BINDING_METHODS.find((v) => (m as unknown as Record<string, unknown>)[v.toLowerCase()] !== undefined);
}

function problem(at: RuleAt, key: readonly PropertyKey[], message: string): GrpcProblem {
  return { key, message: at.prefix ? `${at.prefix}: ${message}` : message };
}
