/**
 * A gRPC service's definitions as one @bufbuild/protobuf registry, from `.proto` files or from a
 * FileDescriptorSet, with the well-known types and the built-ins (google/api, google/rpc) always
 * in it: the registry is what the transcoder encodes, decodes and maps to JSON with.
 */
import { create, createFileRegistry, fromBinary, getExtension, hasExtension, toJson, type DescExtension, type FileRegistry } from '@bufbuild/protobuf';
import {
  FileDescriptorSetSchema, file_google_protobuf_any, file_google_protobuf_api, file_google_protobuf_descriptor,
  file_google_protobuf_duration, file_google_protobuf_empty, file_google_protobuf_field_mask, file_google_protobuf_source_context,
  file_google_protobuf_struct, file_google_protobuf_timestamp, file_google_protobuf_type, file_google_protobuf_wrappers,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import { BUILTIN_PROTOS, HTTP_RULE_EXTENSION } from './builtin-protos';
import type { GrpcProblem } from './errors';
import { compileProtos, type AnnotatedRule, type ProtoEntry, type SourcePlace } from './proto-compiler';
import type { GrpcSources, ProtoReader } from './proto-files';

export interface GrpcDefinitions {
  readonly registry: FileRegistry;
  /** Method full name -> its google.api.http annotation (proto field names), with its place. */
  readonly annotations: ReadonlyMap<string, AnnotatedRule>;
  /** Where services and methods are declared (empty for a descriptor set: it has no lines). */
  readonly places: ReadonlyMap<string, SourcePlace>;
  /** What they were compiled from, to ship to a Lambda. */
  readonly sources: GrpcSources;
}

/** The well-known types, in import order: @bufbuild/protobuf's descriptors (the JSON mapping knows them by name). */
const WELL_KNOWN = [
  file_google_protobuf_any, file_google_protobuf_source_context, file_google_protobuf_type, file_google_protobuf_api,
  file_google_protobuf_duration, file_google_protobuf_empty, file_google_protobuf_field_mask, file_google_protobuf_struct,
  file_google_protobuf_timestamp, file_google_protobuf_wrappers, file_google_protobuf_descriptor,
].map((f) => f.proto);

let builtins: readonly FileDescriptorProto[] | undefined;
/** The descriptors of ./builtin-protos.ts, compiled once. */
function builtinDescriptors(): readonly FileDescriptorProto[] {
  if (!builtins) {
    const { compiled, problems } = compileProtos(Object.keys(BUILTIN_PROTOS).map((importName) => ({ importName, key: [] })), { read: () => undefined });
    if (!compiled) throw new Error(`built-in protos do not compile: ${problems.map((p) => p.message).join('; ')}`);
    builtins = compiled.files;
  }
  return builtins;
}

let builtinRegistry: FileRegistry | undefined;
/** The well-known types and the built-ins alone (google.api.HttpRule, google.rpc.Status). */
export function builtinTypes(): FileRegistry {
  builtinRegistry ??= registryOf([]);
  return builtinRegistry;
}

/** Compiles `.proto` entries and their imports; problems carry the proto's `file:line`. */
export function definitionsFromProtos(entries: readonly ProtoEntry[], reader: ProtoReader): { definitions?: GrpcDefinitions; problems: GrpcProblem[] } {
  const { compiled, problems } = compileProtos(entries, reader);
  if (!compiled) return { problems };
  const registry = tryRegistry(compiled.files, entries[0]?.key ?? ['protos']);
  if ('problem' in registry) return { problems: [registry.problem] };
  return {
    definitions: {
      registry: registry.registry, annotations: compiled.annotations, places: compiled.places,
      sources: { kind: 'protos', entries: entries.map((e) => e.importName), files: compiled.read },
    },
    problems: [],
  };
}

/** Reads a binary FileDescriptorSet (protoc --include_imports -o, buf build -o); its google.api.http options are read as annotations. */
export function definitionsFromDescriptorSet(path: string, bytes: Uint8Array): { definitions?: GrpcDefinitions; problems: GrpcProblem[] } {
  const key = ['descriptor_set'];
  let files: FileDescriptorProto[];
  try {
    files = fromBinary(FileDescriptorSetSchema, bytes).file;
  } catch (err) {
    return { problems: [{ key, message: `${path} is not a binary FileDescriptorSet (${(err as Error).message}); write one with buf build -o ${path} or protoc --include_imports -o ${path}` }] };
  }
  if (files.length === 0) return { problems: [{ key, message: `${path} holds no file descriptors; write it with buf build -o ${path} or protoc --include_imports -o ${path}` }] };
  const registry = tryRegistry(files, key);
  if ('problem' in registry) return { problems: [registry.problem] };
  return {
    definitions: {
      registry: registry.registry, annotations: annotationsOf(registry.registry, path), places: new Map(),
      sources: { kind: 'descriptor_set', path, base64: Buffer.from(bytes).toString('base64') },
    },
    problems: [],
  };
}

/** One registry of `files` over the well-known types and built-ins (a file of the same name in `files` wins). */
function registryOf(files: readonly FileDescriptorProto[]): FileRegistry {
  const own = new Set(files.map((f) => f.name));
  const base = [...WELL_KNOWN, ...builtinDescriptors()].filter((f) => !own.has(f.name));
  return createFileRegistry(create(FileDescriptorSetSchema, { file: importsFirst([...base, ...files]) }));
}

/** Each file after the files it imports (a registry is built in order); a cycle or a missing import is left for the registry to name. */
function importsFirst(files: readonly FileDescriptorProto[]): FileDescriptorProto[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const out: FileDescriptorProto[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (f: FileDescriptorProto) => {
    if (state.has(f.name)) return;
    state.set(f.name, 'visiting');
    for (const dependency of f.dependency) {
      const d = byName.get(dependency);
      if (d) visit(d);
    }
    state.set(f.name, 'done');
    out.push(f);
  };
  files.forEach(visit);
  return out;
}

function tryRegistry(files: readonly FileDescriptorProto[], key: readonly PropertyKey[]): { registry: FileRegistry } | { problem: GrpcProblem } {
  try {
    return { registry: registryOf(files) };
  } catch (err) {
    return { problem: { key, message: `the definitions are not consistent: ${(err as Error).message}` } };
  }
}

/** The google.api.http option of every method of a descriptor set, as proto-field-name JSON. */
function annotationsOf(registry: FileRegistry, path: string): Map<string, AnnotatedRule> {
  const out = new Map<string, AnnotatedRule>();
  const extension = registry.getExtension(HTTP_RULE_EXTENSION) as DescExtension | undefined;
  const ruleSchema = extension?.fieldKind === 'message' ? extension.message : undefined;
  if (!extension || !ruleSchema) return out;
  for (const file of registry.files) {
    for (const service of file.services) {
      for (const method of service.methods) {
        const options = method.proto.options;
        if (!options || !hasExtension(options, extension)) continue;
        const rule = getExtension(options, extension);
        out.set(method.parent.typeName + '.' + method.name, {
          rule: toJson(ruleSchema, rule as never, { useProtoFieldName: true }) as Record<string, unknown>,
          place: { path, key: ['descriptor_set'] },
        });
      }
    }
  }
  return out;
}
