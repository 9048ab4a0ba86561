import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBinary, toJson, type JsonObject } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { GrpcSettings } from '../../lib/config/grpc-schema';
import { definitionsFromProtos } from '../../lib/grpc/definitions';
import { compileServiceInDirectory, loadGrpcService } from '../../lib/grpc';
import { compileProtos } from '../../lib/grpc/proto-compiler';
import { directoryReader, sourcesReader } from '../../lib/grpc/proto-files';
import { FIXTURES, kitchen } from './support/kitchen';

/**
 * The definitions of a service: .proto text compiled to the descriptors protoc writes (the
 * fixtures' .binpb files are protoc 3.21's: `protoc -I test/grpc/fixtures/protos -I <google/api>
 * --include_imports -o test/grpc/fixtures/kitchen.binpb gatehouse/test/v1/kitchen.proto`, and
 * the same for examples/protos' search.proto), a descriptor set read as such, and the errors
 * of bad protos with the proto's own file and line.
 */
const EXAMPLES = join(__dirname, '../../examples');
/** A descriptor as JSON without what protobufjs cannot know (source positions) or what is read apart (method options: the google.api.http rules). */
const comparable = (file: FileDescriptorProto): JsonObject => {
  const json = toJson(FileDescriptorProtoSchema, file) as { sourceCodeInfo?: unknown; service?: { method: { options?: unknown }[] }[] };
  delete json.sourceCodeInfo;
  for (const s of json.service ?? []) for (const m of s.method) delete m.options;
  return json as JsonObject;
};
const protocFiles = (binpb: string) => fromBinary(FileDescriptorSetSchema, readFileSync(join(FIXTURES, binpb))).file;
const problemsOf = (files: Record<string, string>, entry = 'a.proto') =>
  definitionsFromProtos([{ importName: entry, key: ['protos', 0] }], sourcesReader(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, { path: `protos/${name}`, text }])))).problems.map((p) => p.message);

describe('compiling .proto text', () => {
  it.each([
    ['gatehouse/test/v1/kitchen.proto', 'kitchen.binpb', FIXTURES, 'protos'],
    ['tenantly/search/v1/search.proto', 'search.binpb', EXAMPLES, 'protos'],
  ])('writes %s as protoc does: messages, maps, oneofs, proto3 optional, reserved, json_name, services', (name, binpb, dir, importPath) => {
    const { compiled, problems } = compileProtos([{ importName: name, key: [] }], directoryReader(join(dir, importPath), []));
    expect(problems).toEqual([]);
    const ours = compiled!.files.find((f) => f.name === name)!;
    const theirs = protocFiles(binpb).find((f) => f.name === name)!;
    expect(comparable(ours)).toEqual(comparable(theirs));
  });

  it('builds the built-in google/api/http.proto as protoc builds it', () => {
    const { compiled } = compileProtos([{ importName: 'gatehouse/test/v1/kitchen.proto', key: [] }], directoryReader(join(FIXTURES, 'protos'), []));
    const name = 'google/api/http.proto';
    expect(comparable(compiled!.files.find((f) => f.name === name)!)).toEqual(comparable(protocFiles('kitchen.binpb').find((f) => f.name === name)!));
  });

  it('reads each method\'s google.api.http option with its file and line', () => {
    const service = kitchen();
    expect(service.bindings.map((b) => `${b.httpMethod} ${b.template.text} ${b.method.name} ${b.source}`)).toEqual([
      'GET /v1/{name=shelves/*/things/*} GetThing protos/gatehouse/test/v1/kitchen.proto:18',
      'GET /v1/things/{name=**} GetThing protos/gatehouse/test/v1/kitchen.proto:18',
      'GET /v1/{parent=shelves/*}/things ListThings protos/gatehouse/test/v1/kitchen.proto:24',
      'POST /v1/{parent=shelves/*}/things CreateThing protos/gatehouse/test/v1/kitchen.proto:27',
      'PATCH /v1/{thing.name=shelves/*/things/*} UpdateThing protos/gatehouse/test/v1/kitchen.proto:30',
      'POST /v1/{name=shelves/*/things/*}:cancel CancelThing protos/gatehouse/test/v1/kitchen.proto:33',
      'PUT /v1/echo/{id} Echo protos/gatehouse/test/v1/kitchen.proto:36',
      'GET /v1/echo/{id}/name EchoName protos/gatehouse/test/v1/kitchen.proto:39',
      'DELETE /v1/{name=shelves/*/things/*} DeleteThing protos/gatehouse/test/v1/kitchen.proto:42',
    ]);
  });
});

describe('a descriptor set instead of protos', () => {
  it('serves the same bindings from protoc\'s FileDescriptorSet (google.api.http read from the method options)', () => {
    const fromSet = compileServiceInDirectory(GrpcSettings.parse({ service: 'gatehouse.test.v1.Kitchen', descriptor_set: 'kitchen.binpb' }), FIXTURES).service!;
    const fromProtos = kitchen();
    const shape = (s: typeof fromSet) => s.bindings.map((b) => [b.httpMethod, b.template.text, b.method.name, b.body?.kind, b.responseBody?.name]);
    expect(shape(fromSet)).toEqual(shape(fromProtos));
    expect(fromSet.bindings[0].source).toBe('kitchen.binpb');
  });
});

describe('shipping the definitions (the transcoding Lambda compiles them again, without the repository)', () => {
  it('compiles the same service from the sources JSON, imports and all', () => {
    const here = kitchen();
    const shipped = JSON.parse(JSON.stringify(here.sources)) as typeof here.sources;
    expect(shipped.kind === 'protos' && Object.keys(shipped.files)).toEqual(['gatehouse/test/v1/kitchen.proto']);
    const there = loadGrpcService({ service: 'gatehouse.test.v1.Kitchen' }, shipped);
    expect(there.bindings.map((b) => b.template.text)).toEqual(here.bindings.map((b) => b.template.text));
  });

  it('throws GrpcDefinitionError with every problem for a service the sources do not define', () => {
    expect(() => loadGrpcService({ service: 'gatehouse.test.v1.Pantry' }, kitchen().sources))
      .toThrow('gRPC service gatehouse.test.v1.Pantry: service: no service gatehouse.test.v1.Pantry in the definitions; they define gatehouse.test.v1.Kitchen');
  });
});

describe('bad protos, each at the proto\'s own file and line', () => {
  it('names the line of a syntax error', () => {
    expect(problemsOf({ 'a.proto': 'syntax = "proto3";\nmessage A {\n  string x = 1\n}\n' })).toEqual(["protos/a.proto:4: illegal token '}', ';' expected"]);
  });

  it('names the field whose type is unknown', () => {
    expect(problemsOf({ 'a.proto': 'syntax = "proto3";\npackage p;\nmessage A {\n  Strin x = 1;\n}\n' }))
      .toEqual(['protos/a.proto:4: unknown type Strin (field x of p.A); define it or import the file that does']);
  });

  it('names the method whose message type is unknown', () => {
    expect(problemsOf({ 'a.proto': 'syntax = "proto3";\nmessage A {}\nservice S {\n  rpc Get(A) returns (B);\n}\n' }))
      .toEqual(['protos/a.proto:4: unknown message type B (method Get of S)']);
  });

  it('names the import it cannot find, and where the file imports it', () => {
    expect(problemsOf({ 'a.proto': 'syntax = "proto3";\n\nimport "b.proto";\nimport "c/d.proto";\n', 'b.proto': 'syntax = "proto3";\n' }))
      .toEqual(['protos/a.proto:4: import "c/d.proto" not found in the import paths, and not built in (built in: google/api/annotations.proto, google/api/http.proto, google/rpc/status.proto and the well-known types google/protobuf/*.proto)']);
  });

  it('reports an error in an imported file at that file', () => {
    expect(problemsOf({ 'a.proto': 'syntax = "proto3";\nimport "b.proto";\n', 'b.proto': 'syntax = "proto3";\nmessage B { int32 = 1; }\n' }))
      .toEqual(["protos/b.proto:2: illegal name '='"]);
  });

  it('sends edition files to a descriptor set', () => {
    expect(problemsOf({ 'a.proto': '// comment\nedition = "2023";\nmessage A {}\n' }))
      .toEqual(['protos/a.proto:2: editions are not read from .proto text here; compile the files to a descriptor set (buf build -o set.binpb, or protoc --include_imports -o set.binpb) and give descriptor_set instead']);
  });

  it('needs no vendored google/api or well-known types', () => {
    expect(problemsOf({ 'a.proto': 'syntax = "proto3";\nimport "google/api/annotations.proto";\nimport "google/rpc/status.proto";\nimport "google/protobuf/struct.proto";\nimport "google/protobuf/field_mask.proto";\nmessage A { google.protobuf.Struct s = 1; google.rpc.Status e = 2; }\n' })).toEqual([]);
  });
});
