/**
 * Where a gRPC service's definitions come from: `.proto` files found through the import paths, or
 * one binary FileDescriptorSet. Reading files is a seam ({@link ProtoReader}): the loader reads
 * the repository ({@link directoryReader}), a Lambda reads the {@link GrpcSources} its deployment
 * shipped ({@link sourcesReader}), tests hand in plain objects.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** One `.proto` file: its text, and its path as the config names it (for messages). */
export interface ProtoFile {
  /** Relative to the config file's directory, e.g. `protos/tenantly/search/v1/search.proto`. */
  readonly path: string;
  readonly text: string;
}

/** Finds a file by its import name (`tenantly/search/v1/search.proto`), as protoc's `-I` does. */
export interface ProtoReader {
  read(importName: string): ProtoFile | undefined;
  /** Where it looks, for the message of an import it cannot find (`import_paths protos, vendor`). */
  readonly searched?: string;
}

/**
 * Everything a service's definitions were compiled from, as plain JSON: the deployment writes it
 * beside the transcoding Lambda, which compiles it again with no file system of the repository.
 */
export type GrpcSources =
  | {
    readonly kind: 'protos';
    /** Import names of `grpc.protos`, in order. */
    readonly entries: readonly string[];
    /** Import name -> file, for every entry and every import read (built-ins excluded). */
    readonly files: Readonly<Record<string, ProtoFile>>;
  }
  | {
    readonly kind: 'descriptor_set';
    /** As the config names it, for messages. */
    readonly path: string;
    /** The FileDescriptorSet, base64. */
    readonly base64: string;
  };

/**
 * Reads import names below each import path of the config (relative to its directory), the
 * first that has the file winning, as protoc does. Without import paths, the config's directory.
 */
export function directoryReader(configDir: string, importPaths: readonly string[]): ProtoReader {
  const roots = importPaths.length > 0 ? importPaths : ['.'];
  return {
    searched: importPaths.length > 0 ? `import_paths (${importPaths.join(', ')})` : 'the config file\'s directory (no import_paths)',
    read(importName) {
      for (const root of roots) {
        const path = posix.normalize(posix.join(root, importName));
        const text = readText(join(configDir, path));
        if (text !== undefined) return { path, text };
      }
      return undefined;
    },
  };
}

/** A reader over the files of shipped {@link GrpcSources}. */
export function sourcesReader(files: Readonly<Record<string, ProtoFile>>): ProtoReader {
  return { read: (importName) => (Object.hasOwn(files, importName) ? files[importName] : undefined) };
}

/** The import name of `protos[i]`: its path below the first import path that holds it (protoc's rule), else the path itself. */
export function importNameOf(protoPath: string, importPaths: readonly string[]): string {
  const path = posix.normalize(protoPath);
  for (const root of importPaths) {
    const prefix = `${posix.normalize(root).replace(/\/+$/, '')}/`;
    if (prefix !== './' && path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}

/** The bytes of a descriptor set, or undefined when it cannot be read. */
export function readDescriptorSet(configDir: string, path: string): Buffer | undefined {
  try {
    return readFileSync(join(configDir, path));
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
