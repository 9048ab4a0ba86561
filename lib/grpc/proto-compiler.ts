/**
 * `.proto` text -> FileDescriptorProtos, as protoc would produce them: protobufjs parses the text
 * (its errors carry the line), and the parsed reflection objects are written out as descriptors,
 * file by file with their imports, so @bufbuild/protobuf can build a registry from them (binary,
 * the proto3 JSON mapping, well-known types). protobufjs' own `ext/descriptor` is not used: it
 * drops imports and guesses file names, which a registry cannot resolve.
 *
 * The google.api.http options of each method are read from protobufjs' parsed options, with the
 * file and line of the method, for ./http-bindings.ts. The descriptors are written by
 * ./proto-descriptors.ts.
 */
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import * as protobuf from 'protobufjs';
import descriptorJson from 'protobufjs/google/protobuf/descriptor.json';
import { BUILTIN_PROTOS } from './builtin-protos';
import type { GrpcProblem } from './errors';
import type { ProtoFile, ProtoReader } from './proto-files';
import { fileDescriptor, lookupType, SCALAR_TYPES, type ParsedFile as DescribedFile } from './proto-descriptors';
import { escapeRegExp, lineOf, where } from './proto-lines';

export { lineOf, where } from './proto-lines';

/** An entry file of the config and the key it is reported at. */
export interface ProtoEntry {
  readonly importName: string;
  /** Key below `services[i].grpc`, e.g. `['protos', 0]`. */
  readonly key: readonly PropertyKey[];
}

/** Where a definition is written: its file as the config names it, and the line. */
export interface SourcePlace {
  readonly path: string;
  readonly line?: number;
  /** The config key its problems are reported at: the entry of `protos` that reads the file, or `descriptor_set`. */
  readonly key: readonly PropertyKey[];
}

/** The google.api.http option of one method, as protobufjs parsed it. */
export interface AnnotatedRule {
  /** The HttpRule with proto field names (`response_body`, `additional_bindings`). */
  readonly rule: Readonly<Record<string, unknown>>;
  readonly place: SourcePlace;
}

export interface CompiledProtos {
  /** Descriptors of the files read and of the built-ins they import, each after its imports. */
  readonly files: readonly FileDescriptorProto[];
  /** Import names of the well-known types imported (their descriptors are @bufbuild/protobuf's). */
  readonly wellKnown: readonly string[];
  /** Method full name (`pkg.Service.Method`) -> its annotation. */
  readonly annotations: ReadonlyMap<string, AnnotatedRule>;
  /** Full name of every service and method -> where it is declared. */
  readonly places: ReadonlyMap<string, SourcePlace>;
  /** The files read through the reader (built-ins excluded), by import name. */
  readonly read: Readonly<Record<string, ProtoFile>>;
}

/** Well-known types protobufjs can parse against (their JSON definitions ship with it). */
const PROTOBUFJS_WELL_KNOWN: Readonly<Record<string, unknown>> = {
  ...(protobuf.common as unknown as Record<string, unknown>),
  'google/protobuf/descriptor.proto': descriptorJson,
};

interface ParsedFile extends DescribedFile {
  readonly file: ProtoFile;
}

/**
 * Parses the entries and everything they import into descriptors. Every problem is reported at
 * the entry it was reached from, with the proto's own `file:line`.
 */
export function compileProtos(entries: readonly ProtoEntry[], reader: ProtoReader): { compiled?: CompiledProtos; problems: GrpcProblem[] } {
  const problems: GrpcProblem[] = [];
  const root = new protobuf.Root();
  const parsed = new Map<string, ParsedFile>();
  const wellKnown = new Set<string>();
  const read: Record<string, ProtoFile> = {};

  const reachedFrom = new Map<string, readonly PropertyKey[]>();
  const load = (importName: string, key: readonly PropertyKey[], from?: Omit<SourcePlace, 'key'>): void => {
    if (parsed.has(importName) || wellKnown.has(importName)) return;
    if (importName.startsWith('google/protobuf/')) {
      const json = PROTOBUFJS_WELL_KNOWN[importName] as { nested?: protobuf.INamespace['nested'] } | undefined;
      if (json?.nested) {
        root.addJSON(json.nested);
        wellKnown.add(importName);
        return;
      }
    }
    const own = reader.read(importName);
    const file = own ?? (Object.hasOwn(BUILTIN_PROTOS, importName) ? { path: `(built in) ${importName}`, text: BUILTIN_PROTOS[importName] } : undefined);
    if (!file) {
      problems.push({ key, message: from ? `${where(from)}: import "${importName}" not found in ${reader.searched ?? 'the import paths'}, and not built in (built in: google/api/annotations.proto, google/api/http.proto, google/rpc/status.proto and the well-known types google/protobuf/*.proto)` : 'file not found' });
      return;
    }
    if (own) read[importName] = own;
    const result = parseFile(root, importName, file);
    if ('problem' in result) {
      problems.push({ key, message: result.problem });
      return;
    }
    parsed.set(importName, result);
    reachedFrom.set(importName, key);
    for (const dependency of result.imports) load(dependency, key, { path: file.path, line: lineOf(file.text, new RegExp(`import\\s+(?:public\\s+|weak\\s+)?"${escapeRegExp(dependency)}"`)) });
  };
  for (const entry of entries) load(entry.importName, entry.key);
  if (problems.length > 0) return { problems };

  const entryOf = (importName: string) => entries.find((e) => reaches(parsed, e.importName, importName)) ?? entries[0];
  for (const f of parsed.values()) {
    for (const problem of unresolved(root, f)) problems.push({ key: entryOf(f.importName).key, message: problem });
  }
  if (problems.length > 0) return { problems };
  try {
    root.resolveAll();
  } catch (err) {
    return { problems: [{ key: entries[0].key, message: (err as Error).message }] };
  }

  const files = orderByImports([...parsed.values()]).map((f) => fileDescriptor(root, f));
  const { annotations, places } = servicePlaces(root, parsed, reachedFrom);
  return { compiled: { files, wellKnown: [...wellKnown], annotations, places, read }, problems: [] };
}

function parseFile(root: protobuf.Root, importName: string, file: ProtoFile): ParsedFile | { problem: string } {
  const syntax = /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*syntax\s*=\s*["'](proto[23])["']/.exec(file.text)?.[1] as 'proto2' | 'proto3' | undefined;
  if (!syntax && /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*edition\s*=/.test(file.text)) {
    return { problem: `${file.path}:${lineOf(file.text, /\bedition\s*=/)}: editions are not read from .proto text here; compile the files to a descriptor set (buf build -o set.binpb, or protoc --include_imports -o set.binpb) and give descriptor_set instead` };
  }
  try {
    // protobufjs names the file in its messages and on every object it creates from it.
    (protobuf.parse as unknown as { filename: string | null }).filename = importName;
    const result = protobuf.parse(file.text, root, { keepCase: true, alternateCommentMode: true });
    return { importName, file, pkg: result.package, imports: [...(result.imports ?? []), ...(result.weakImports ?? [])], syntax: syntax ?? 'proto2' };
  } catch (err) {
    return { problem: describeParseError(file, err as Error) };
  } finally {
    (protobuf.parse as unknown as { filename: string | null }).filename = null;
  }
}

/** protobufjs: `illegal token 'x' (name.proto, line 3)` -> `protos/name.proto:3: illegal token 'x'`. */
function describeParseError(file: ProtoFile, err: Error): string {
  const m = /^(.*?)\s*\((?:[^,()]*, )?line (\d+)\)$/.exec(err.message);
  if (m) return `${file.path}:${m[2]}: ${m[1]}`;
  const duplicate = /^duplicate name '([^']+)'/.exec(err.message);
  if (duplicate) return `${file.path}:${lineOf(file.text, new RegExp(`\\b${escapeRegExp(duplicate[1])}\\b`)) ?? 1}: ${err.message}`;
  return `${file.path}: ${err.message}`;
}

/** Types that name nothing: the field or method that names them, at its line. */
function unresolved(root: protobuf.Root, f: ParsedFile): string[] {
  const problems: string[] = [];
  visit(root, (obj) => {
    if (obj.filename !== f.importName) return;
    if (obj instanceof protobuf.Type) {
      for (const field of obj.fieldsArray) {
        // Looked up field by field: protobufjs' resolve() of one field resolves its siblings too, and would blame each.
        if (Object.hasOwn(SCALAR_TYPES, field.type)) continue;
        try {
          obj.lookupTypeOrEnum(field.type);
        } catch {
          problems.push(`${f.file.path}:${lineOf(f.file.text, new RegExp(`\\b${escapeRegExp(field.name)}\\s*=\\s*${field.id}\\b`)) ?? 1}: unknown type ${field.type} (field ${field.name} of ${obj.fullName.slice(1)}); define it or import the file that does`);
        }
      }
    } else if (obj instanceof protobuf.Service) {
      for (const method of obj.methodsArray) {
        try {
          method.resolve();
        } catch {
          const missing = lookupType(obj, method.requestType) ? method.responseType : method.requestType;
          problems.push(`${f.file.path}:${lineOf(f.file.text, new RegExp(`\\brpc\\s+${escapeRegExp(method.name)}\\b`)) ?? 1}: unknown message type ${missing} (method ${method.name} of ${obj.fullName.slice(1)})`);
        }
      }
    } else if (obj instanceof protobuf.Field && obj.extend) {
      try {
        obj.resolve();
        if (!lookupType(obj.parent!, obj.extend)) throw new Error(obj.extend);
      } catch {
        problems.push(`${f.file.path}:${lineOf(f.file.text, new RegExp(`\\bextend\\s+${escapeRegExp(obj.extend)}\\b`)) ?? 1}: cannot resolve extension ${obj.name} of ${obj.extend}`);
      }
    }
  });
  return problems;
}

/** Calls `fn` on every reflection object below `ns`, depth first. */
function visit(ns: protobuf.NamespaceBase, fn: (obj: protobuf.ReflectionObject) => void): void {
  for (const obj of ns.nestedArray) {
    fn(obj);
    if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type || obj instanceof protobuf.Service) visit(obj as protobuf.NamespaceBase, fn);
  }
}

function reaches(parsed: ReadonlyMap<string, ParsedFile>, from: string, target: string, seen = new Set<string>()): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return (parsed.get(from)?.imports ?? []).some((i) => reaches(parsed, i, target, seen));
}

/** Each file after the files it imports (a registry resolves imports in order). */
function orderByImports(files: readonly ParsedFile[]): ParsedFile[] {
  const byName = new Map(files.map((f) => [f.importName, f]));
  const out: ParsedFile[] = [];
  const done = new Set<string>();
  const add = (f: ParsedFile) => {
    if (done.has(f.importName)) return;
    done.add(f.importName);
    for (const i of f.imports) if (byName.has(i)) add(byName.get(i)!);
    out.push(f);
  };
  files.forEach(add);
  return out;
}

/** Where each service and method is declared, and the google.api.http option of each method. */
function servicePlaces(root: protobuf.Root, parsed: ReadonlyMap<string, ParsedFile>, reachedFrom: ReadonlyMap<string, readonly PropertyKey[]>): { annotations: Map<string, AnnotatedRule>; places: Map<string, SourcePlace> } {
  const annotations = new Map<string, AnnotatedRule>();
  const places = new Map<string, SourcePlace>();
  visit(root, (obj) => {
    if (!(obj instanceof protobuf.Service) || !obj.filename || !parsed.has(obj.filename)) return;
    const { file } = parsed.get(obj.filename)!;
    const key = reachedFrom.get(obj.filename)!;
    places.set(obj.fullName.slice(1), { path: file.path, line: lineOf(file.text, new RegExp(`\\bservice\\s+${escapeRegExp(obj.name)}\\b`)), key });
    for (const method of obj.methodsArray) {
      const place = { path: file.path, line: lineOf(file.text, new RegExp(`\\brpc\\s+${escapeRegExp(method.name)}\\b`)), key };
      const name = `${obj.fullName.slice(1)}.${method.name}`;
      places.set(name, place);
      const parsedOptions = (method.parsedOptions ?? []) as Record<string, unknown>[];
      const rule = parsedOptions.map((o) => o['(google.api.http)']).find((r) => r !== undefined);
      if (rule && typeof rule === 'object') annotations.set(name, { rule: rule as Record<string, unknown>, place });
    }
  });
  return { annotations, places };
}
