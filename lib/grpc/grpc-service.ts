/**
 * A gRPC service of the config, compiled: its definitions (lib/grpc/definitions.ts), the service
 * and its REST bindings (lib/grpc/http-bindings.ts). From the repository at load
 * ({@link compileServiceInDirectory}: the config checks and the twin, memoised per file contents),
 * or from shipped {@link GrpcSources} ({@link loadGrpcService}: the Lambda, with no repository).
 */
import type { FileRegistry, DescService } from '@bufbuild/protobuf';
import type { GrpcMappingConfig, GrpcSettingsConfig } from '../config/grpc-schema';
import { definitionsFromDescriptorSet, definitionsFromProtos, type GrpcDefinitions } from './definitions';
import { GrpcDefinitionError, type GrpcProblem } from './errors';
import { compileBindings, type HttpBinding } from './http-bindings';
import { directoryReader, importNameOf, readDescriptorSet, sourcesReader, type GrpcSources } from './proto-files';

/** What a service needs besides its definitions: the config's `grpc` keys that shape the REST side. */
export interface GrpcServiceSpec {
  /** Fully qualified service name, `package.Service`. */
  readonly service: string;
  readonly mappings?: readonly GrpcMappingConfig[];
  /** Request headers sent as metadata (lower case, `prefix-*` patterns); see grpc-schema.ts. */
  readonly metadata_headers?: readonly string[];
}

/** A compiled service: what {@link transcode} runs on. */
export interface GrpcService {
  /** `package.Service`. */
  readonly name: string;
  readonly descriptor: DescService;
  /** The definitions' types, the well-known types and the built-ins (for JSON, Any and error details). */
  readonly registry: FileRegistry;
  readonly bindings: readonly HttpBinding[];
  /** Lower-case header names and `prefix-*` patterns sent as metadata. */
  readonly metadataHeaders: readonly string[];
  /** What it was compiled from (JSON), for a deployment to ship. */
  readonly sources: GrpcSources;
}

/** The service and its bindings from compiled definitions; problems at keys below `grpc`. */
export function compileGrpcService(spec: GrpcServiceSpec, definitions: GrpcDefinitions): { service?: GrpcService; problems: GrpcProblem[] } {
  const descriptor = definitions.registry.getService(spec.service);
  if (!descriptor) {
    const own = [...definitions.registry.files].filter((f) => !f.name.startsWith('google/')).flatMap((f) => f.services.map((s) => s.typeName));
    return { problems: [{ key: ['service'], message: `no service ${spec.service} in the definitions; ${own.length > 0 ? `they define ${own.join(', ')}` : 'they define no service'}` }] };
  }
  const { bindings, problems } = compileBindings(definitions, descriptor, spec.mappings ?? []);
  if (problems.length > 0) return { problems };
  return {
    service: {
      name: spec.service, descriptor, registry: definitions.registry, bindings,
      metadataHeaders: (spec.metadata_headers ?? []).map((h) => h.toLowerCase()), sources: definitions.sources,
    },
    problems: [],
  };
}

/** The definitions of shipped sources (no file system). */
export function definitionsOfSources(sources: GrpcSources): { definitions?: GrpcDefinitions; problems: GrpcProblem[] } {
  if (sources.kind === 'descriptor_set') return definitionsFromDescriptorSet(sources.path, Buffer.from(sources.base64, 'base64'));
  return definitionsFromProtos(sources.entries.map((importName, i) => ({ importName, key: ['protos', i] })), sourcesReader(sources.files));
}

/**
 * Compiles a service from shipped sources (the transcoding Lambda at init: the sources its
 * deployment wrote with {@link grpcSourcesOf}). Throws {@link GrpcDefinitionError}.
 */
export function loadGrpcService(spec: GrpcServiceSpec, sources: GrpcSources): GrpcService {
  const { definitions, problems } = definitionsOfSources(sources);
  const compiled = definitions ? compileGrpcService(spec, definitions) : { problems };
  if (!compiled.service) throw new GrpcDefinitionError(spec.service, compiled.problems);
  return compiled.service;
}

/** The definitions of a service's `grpc` keys, read below the config file's directory. */
export function definitionsInDirectory(settings: Pick<GrpcSettingsConfig, 'protos' | 'import_paths' | 'descriptor_set'>, configDir: string): { definitions?: GrpcDefinitions; problems: GrpcProblem[] } {
  const hasProtos = settings.protos.length > 0;
  if (hasProtos === (settings.descriptor_set !== undefined)) {
    return { problems: [{ key: hasProtos ? ['descriptor_set'] : [], message: hasProtos ? 'set protos or descriptor_set, not both: the service\'s definitions come from one of them' : 'the service\'s definitions are missing: list its .proto files in protos (with import_paths for their imports), or give a binary descriptor_set' }] };
  }
  if (settings.descriptor_set !== undefined) {
    const bytes = readDescriptorSet(configDir, settings.descriptor_set);
    if (!bytes) return { problems: [{ key: ['descriptor_set'], message: `${settings.descriptor_set}: file not found (paths are relative to the config file's directory)` }] };
    return definitionsFromDescriptorSet(settings.descriptor_set, bytes);
  }
  const reader = directoryReader(configDir, settings.import_paths);
  const entries = settings.protos.map((path, i) => ({ importName: importNameOf(path, settings.import_paths), key: ['protos', i] as const, path }));
  const missing = entries.filter((e) => reader.read(e.importName) === undefined);
  if (missing.length > 0) {
    return { problems: missing.map((e) => ({ key: e.key, message: `${e.path}: file not found (paths are relative to the config file's directory${settings.import_paths.length > 0 ? `; found as ${e.importName} below import_paths` : ''})` })) };
  }
  return definitionsFromProtos(entries, reader);
}

interface Memo {
  readonly service: GrpcService;
  /** Re-read: the memo holds while every file it was compiled from is unchanged. */
  readonly fresh: () => boolean;
}
const memo = new Map<string, Memo>();

/**
 * A service of the config compiled from the repository; the config checks run it for the file as
 * written and for every environment, and the twin once more, so a compiled service is kept while
 * its files are unchanged.
 */
export function compileServiceInDirectory(settings: GrpcSettingsConfig, configDir: string): { service?: GrpcService; problems: GrpcProblem[] } {
  const key = `${configDir}\u0000${JSON.stringify(settings)}`;
  const hit = memo.get(key);
  if (hit?.fresh()) return { service: hit.service, problems: [] };
  const { definitions, problems } = definitionsInDirectory(settings, configDir);
  if (!definitions) return { problems };
  const compiled = compileGrpcService(settings, definitions);
  if (compiled.service) memo.set(key, { service: compiled.service, fresh: freshness(definitions.sources, settings, configDir) });
  return compiled;
}

/**
 * What a deployment ships for a service (JSON): the files its definitions were compiled from.
 * Throws {@link GrpcDefinitionError} for a service the loader would refuse.
 */
export function grpcSourcesOf(settings: GrpcSettingsConfig, configDir: string): GrpcSources {
  const { service, problems } = compileServiceInDirectory(settings, configDir);
  if (!service) throw new GrpcDefinitionError(settings.service, problems);
  return service.sources;
}

function freshness(sources: GrpcSources, settings: GrpcSettingsConfig, configDir: string): () => boolean {
  if (sources.kind === 'descriptor_set') {
    return () => readDescriptorSet(configDir, sources.path)?.toString('base64') === sources.base64;
  }
  const reader = directoryReader(configDir, settings.import_paths);
  return () => Object.entries(sources.files).every(([importName, file]) => reader.read(importName)?.text === file.text);
}
