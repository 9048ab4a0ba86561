/**
 * A service's OpenAPI document as Gatehouse reads it: YAML or JSON with the line of every key,
 * its version (3.0 or 3.1), and its operations (path, method, JSON request body schema with
 * local `$ref`s, the security scheme kinds). Problems come back with the document's line, never
 * as exceptions.
 */
import { readFileSync } from 'node:fs';
import { readYaml } from '../../config/yaml-source';

export const HTTP_OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** What a scheme means to the gateway: its route strategy. */
export type CredentialKind = 'api_key' | 'jwt' | 'mtls' | 'none';

export interface DocumentOperation {
  readonly method: string;
  /** The OpenAPI path template, e.g. `/v1/orders/{id}`. */
  readonly path: string;
  /** Where the operation is written, for messages: `paths./v1/orders.get`. */
  readonly pointer: string;
  readonly line?: number;
  readonly requestSchema?: Record<string, unknown>;
  /** Alternatives of the operation's (or the document's) security; [] = none required. */
  readonly credentials: readonly CredentialKind[];
}

export interface ServiceDocument {
  readonly file: string;
  readonly version: '3.0' | '3.1';
  readonly operations: readonly DocumentOperation[];
  /** `#/components/schemas/...` and friends, for `$ref`s. */
  readonly root: Record<string, unknown>;
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

export interface DocumentProblem { readonly line?: number; readonly message: string }

export function readServiceDocument(file: string, shownAs: string): { document?: ServiceDocument; problems: DocumentProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problems: [{ message: `${shownAs}: ${code === 'ENOENT' ? 'file not found' : `cannot read it (${(err as Error).message})`}` }] };
  }
  const read = readYaml(text);
  if ('problems' in read) return { problems: read.problems.map((p) => ({ line: p.line, message: `${shownAs}${p.line ? `:${p.line}` : ''}: ${p.message}` })) };
  const root = read.yaml.data as Record<string, unknown> | null;
  const at = (path: readonly PropertyKey[]) => read.yaml.locate(path);
  const where = (path: readonly PropertyKey[]) => `${shownAs}:${at(path) ?? 1}`;
  if (!root || typeof root !== 'object' || Array.isArray(root)) return { problems: [{ message: `${shownAs}: not an OpenAPI document (expected a mapping with openapi: and paths:)` }] };
  const version = typeof root.openapi === 'string' ? /^3\.(0|1)\.\d+$/.exec(root.openapi)?.[1] : undefined;
  if (!version) {
    return { problems: [{ line: at(['openapi']), message: `${where(['openapi'])} openapi: ${root.openapi === undefined ? 'missing' : JSON.stringify(root.openapi)}; Gatehouse reads OpenAPI 3.0.x and 3.1.x documents (convert Swagger 2.0 first)` }] };
  }
  const paths = root.paths;
  if (!paths || typeof paths !== 'object' || Array.isArray(paths)) return { problems: [{ line: at(['paths']), message: `${where(['paths'])} paths: expected a mapping of path templates to operations` }] };
  const problems: DocumentProblem[] = [];
  const documentSecurity = root.security;
  const schemes = ((root.components as Record<string, unknown> | undefined)?.securitySchemes ?? {}) as Record<string, { type?: string; scheme?: string }>;
  const operations: DocumentOperation[] = [];
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (!path.startsWith('/')) { problems.push({ line: at(['paths', path]), message: `${where(['paths', path])} paths.${path}: a path template starts with /` }); continue; }
    if (!item || typeof item !== 'object') continue;
    for (const method of HTTP_OPERATIONS) {
      const op = (item as Record<string, unknown>)[method] as Record<string, unknown> | undefined;
      if (!op || typeof op !== 'object') continue;
      const key = ['paths', path, method];
      const body = ((op.requestBody as Record<string, unknown> | undefined)?.content as Record<string, { schema?: Record<string, unknown> }> | undefined)?.['application/json']?.schema;
      const security = (op.security ?? documentSecurity ?? []) as Array<Record<string, unknown>>;
      const credentials = credentialKinds(security, schemes, (name) => problems.push({ line: at(key), message: `${where(key)} paths.${path}.${method}.security: no securitySchemes entry named "${name}"` }));
      operations.push({ method: method.toUpperCase(), path, pointer: `paths.${path}.${method}`, line: at(key), requestSchema: body, credentials });
    }
  }
  return { document: { file: shownAs, version: version === '0' ? '3.0' : '3.1', operations, root, lineOf: at }, problems };
}

function credentialKinds(security: Array<Record<string, unknown>>, schemes: Record<string, { type?: string; scheme?: string }>, unknown: (name: string) => void): CredentialKind[] {
  if (!Array.isArray(security) || security.length === 0) return ['none'];
  const kinds = new Set<CredentialKind>();
  for (const requirement of security) {
    const names = Object.keys(requirement ?? {});
    if (names.length === 0) { kinds.add('none'); continue; }
    for (const name of names) {
      const scheme = schemes[name];
      if (!scheme) { unknown(name); continue; }
      if (scheme.type === 'apiKey') kinds.add('api_key');
      else if (scheme.type === 'mutualTLS') kinds.add('mtls');
      else if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect' || (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer')) kinds.add('jwt');
    }
  }
  return [...kinds];
}
