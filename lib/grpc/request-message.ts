/**
 * The request message of one REST call, as google/api/http.proto builds it: the body (`*`: the
 * message; a field: that field), then the path variables, then the query parameters for the
 * fields neither binds (`a.b=1` nested, `x=1&x=2` repeated, enums by name or number, 64-bit
 * integers as strings). Every value goes through the proto3 JSON mapping of @bufbuild/protobuf,
 * so the same text means the same in a body, a path and a query (Timestamp, Duration, FieldMask
 * and the wrappers included). What cannot be mapped is an INVALID_ARGUMENT, in words that name
 * the parameter.
 */
import { create, mergeFromJson, type DescEnum, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message, type Registry } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';
import type { HttpBinding } from './http-bindings';

/** A request that cannot become the method's message (a 400 INVALID_ARGUMENT). */
export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/** Query parameters, in order: raw text (`a=1&b=2`) or already split per name. */
export type QueryInput = string | Readonly<Record<string, readonly string[]>>;

/** Messages a single query or path value can set as a whole (their JSON is a string, number or bool). */
const LEAF_MESSAGES = new Set([
  'google.protobuf.Timestamp', 'google.protobuf.Duration', 'google.protobuf.FieldMask',
  'google.protobuf.DoubleValue', 'google.protobuf.FloatValue', 'google.protobuf.Int64Value', 'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value', 'google.protobuf.UInt32Value', 'google.protobuf.BoolValue', 'google.protobuf.StringValue', 'google.protobuf.BytesValue',
]);

/** Builds the request message; throws {@link InvalidRequestError}. */
export function requestMessage(binding: HttpBinding, variables: Readonly<Record<string, string>>, query: QueryInput, body: Uint8Array | string | undefined, registry: Registry): Message {
  const schema = binding.method.input;
  const message = create(schema);
  const merge = (json: JsonValue, what: string) => {
    try {
      mergeFromJson(schema, message, json, { registry });
    } catch (err) {
      throw new InvalidRequestError(`${what}: ${describeJsonError(err as Error)}`);
    }
  };
  if (binding.body) {
    const json = parseBody(body);
    if (json !== undefined) merge(binding.body.kind === 'all' ? json : { [binding.body.field.jsonName]: json }, 'body');
  }
  const fromPath: JsonObject = {};
  binding.template.variables.forEach((variable, i) => {
    const fields = binding.pathFields[i];
    const text = variables[variable.fieldPath.join('.')];
    setAt(fromPath, fields, leafJson(fields[fields.length - 1], text, `path variable ${variable.fieldPath.join('.')}`));
  });
  if (Object.keys(fromPath).length > 0) merge(fromPath, 'path');
  const fromQuery = queryJson(binding, query);
  if (Object.keys(fromQuery).length > 0) merge(fromQuery, 'query');
  return message;
}

function parseBody(body: Uint8Array | string | undefined): JsonValue | undefined {
  const text = typeof body === 'string' ? body : body ? Buffer.from(body).toString('utf8') : '';
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new InvalidRequestError(`the body is not JSON (${(err as Error).message})`);
  }
}

/** The query parameters as one JSON object of the fields they name. */
function queryJson(binding: HttpBinding, query: QueryInput): JsonObject {
  const out: JsonObject = {};
  const bound = new Set(binding.pathFields.map((fields) => fields.map((f) => f.name).join('.')));
  for (const [name, values] of queryEntries(query)) {
    if (binding.body?.kind === 'all') throw new InvalidRequestError(`query parameter ${name}: this method takes every field from the body (body: "*"), none from the query`);
    const fields = resolveQueryName(binding.method.input, name);
    const path = fields.map((f) => f.name).join('.');
    for (const b of bound) {
      if (path === b || path.startsWith(`${b}.`) || b.startsWith(`${path}.`)) throw new InvalidRequestError(`query parameter ${name}: field ${b} is bound by the path (${binding.template.text})`);
    }
    if (binding.body?.kind === 'field' && fields[0] === binding.body.field) throw new InvalidRequestError(`query parameter ${name}: field ${binding.body.field.name} comes from the body`);
    const leaf = fields[fields.length - 1];
    if (leaf.fieldKind === 'list') {
      setAt(out, fields, values.map((v) => leafJson(leaf, v, `query parameter ${name}`)));
      continue;
    }
    if (values.length > 1) throw new InvalidRequestError(`query parameter ${name} is given ${values.length} times, but field ${path} is not repeated`);
    setAt(out, fields, leafJson(leaf, values[0], `query parameter ${name}`));
  }
  return out;
}

/** `a.b` -> the fields, by proto or JSON name; intermediate fields must be singular messages. */
function resolveQueryName(input: DescMessage, name: string): DescField[] {
  const fields: DescField[] = [];
  let message = input;
  const parts = name.split('.');
  for (let i = 0; i < parts.length; i++) {
    const field = message.fields.find((f) => f.name === parts[i] || f.jsonName === parts[i]);
    if (!field) throw new InvalidRequestError(`unknown query parameter ${name}: ${message.typeName} has no field ${parts[i]}`);
    fields.push(field);
    if (i === parts.length - 1) break;
    if (field.fieldKind !== 'message' || LEAF_MESSAGES.has(field.message.typeName)) throw new InvalidRequestError(`query parameter ${name}: ${parts.slice(0, i + 1).join('.')} is not a message field, so it has no field ${parts[i + 1]}`);
    message = field.message;
  }
  const leaf = fields[fields.length - 1];
  if (leaf.fieldKind === 'map') throw new InvalidRequestError(`query parameter ${name}: map fields cannot be set from the query; send them in a body`);
  const leafMessage = leaf.fieldKind === 'message' ? leaf.message : leaf.fieldKind === 'list' && leaf.listKind === 'message' ? leaf.message : undefined;
  if (leafMessage && !LEAF_MESSAGES.has(leafMessage.typeName)) throw new InvalidRequestError(`query parameter ${name}: field ${leaf.name} is a message (${leafMessage.typeName}); set its fields (${name}.x=...)`);
  return fields;
}

/** The JSON value of one text for a field (or a repeated field's element). */
function leafJson(field: DescField, text: string, what: string): JsonValue {
  const scalar = field.fieldKind === 'scalar' ? field.scalar : field.fieldKind === 'list' && field.listKind === 'scalar' ? field.scalar : undefined;
  const isEnum = field.fieldKind === 'enum' || (field.fieldKind === 'list' && field.listKind === 'enum');
  const messageName = field.fieldKind === 'message' ? field.message.typeName : field.fieldKind === 'list' && field.listKind === 'message' ? field.message.typeName : undefined;
  if (scalar === ScalarType.BOOL || messageName === 'google.protobuf.BoolValue') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new InvalidRequestError(`${what}: "${text}" is not true or false`);
  }
  if (isEnum) {
    if (/^-?\d+$/.test(text)) return Number(text);
    const values = (field.enum as DescEnum).values;
    if (!values.some((v) => v.name === text)) throw new InvalidRequestError(`${what}: "${text}" is no value of ${field.enum!.typeName} (${values.map((v) => v.name).join(', ')})`);
    return text;
  }
  // Numbers stay strings: the JSON mapping reads every numeric type from a string, 64-bit ones exactly.
  return text;
}

/** Sets `value` at the JSON names of `fields` in `target`, creating the objects between. */
function setAt(target: JsonObject, fields: readonly DescField[], value: JsonValue): void {
  let at = target;
  for (let i = 0; i < fields.length - 1; i++) {
    const key = fields[i].jsonName;
    const next = at[key];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) at[key] = {};
    at = at[key] as JsonObject;
  }
  at[fields[fields.length - 1].jsonName] = value;
}

/** Query pairs by name, in order of first appearance, decoded as forms are (`+` is a space). */
function queryEntries(query: QueryInput): [string, string[]][] {
  if (typeof query !== 'string') return Object.entries(query).filter(([, v]) => v.length > 0).map(([k, v]) => [k, [...v]]);
  const out = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeForm(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeForm(eq < 0 ? '' : pair.slice(eq + 1));
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return [...out];
}

function decodeForm(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequestError(`the query string has an invalid percent-encoding: ${s}`);
  }
}

/** @bufbuild/protobuf: `cannot decode field pkg.Msg.page_size from JSON: expected ...` -> `field page_size: expected ...`. */
function describeJsonError(err: Error): string {
  const field = /^cannot decode field ([\w.]+)\.(\w+) from JSON: ([\s\S]*)$/.exec(err.message);
  if (field) return `field ${field[2]} (${field[1]}): ${field[3]}`;
  return err.message.replace(/^cannot decode message ([\w.]+) from JSON: /, '$1: ');
}
