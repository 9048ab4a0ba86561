/**
 * protobufjs reflection objects -> FileDescriptorProtos as protoc writes them (test/grpc pins
 * the result against protoc's own output for the fixtures and the example): one file at a time
 * with its imports, messages with their map entries, oneofs (proto3 `optional`'s synthetic ones
 * last), reserved ranges and JSON names, enums, extensions and services.
 */
import { create } from '@bufbuild/protobuf';
import {
  DescriptorProtoSchema, DescriptorProto_ReservedRangeSchema, EnumDescriptorProtoSchema, EnumOptionsSchema, EnumValueDescriptorProtoSchema, FieldDescriptorProtoSchema, FieldOptionsSchema,
  FileDescriptorProtoSchema, MethodDescriptorProtoSchema, OneofDescriptorProtoSchema, ServiceDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as FieldType,
  type DescriptorProto, type EnumDescriptorProto, type FieldDescriptorProto, type FileDescriptorProto, type ServiceDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import { protoCamelCase } from '@bufbuild/protobuf/reflect';
import * as protobuf from 'protobufjs';

/** One parsed file: its import name, package, imports and syntax. */
export interface ParsedFile {
  readonly importName: string;
  readonly pkg?: string;
  readonly imports: readonly string[];
  readonly syntax: 'proto2' | 'proto3';
}

/** The descriptor of `f`: the objects of `root` protobufjs created from it. */
export function fileDescriptor(root: protobuf.Root, f: ParsedFile): FileDescriptorProto {
  const file = create(FileDescriptorProtoSchema, { name: f.importName, package: f.pkg ?? '', dependency: [...f.imports], syntax: f.syntax });
  const top = f.pkg ? root.lookup(f.pkg) as protobuf.NamespaceBase | null : root;
  for (const obj of top?.nestedArray ?? []) {
    if (obj.filename !== f.importName) continue;
    if (obj instanceof protobuf.Type) file.messageType.push(messageDescriptor(obj, f.syntax));
    else if (obj instanceof protobuf.Enum) file.enumType.push(enumDescriptor(obj));
    else if (obj instanceof protobuf.Service) file.service.push(serviceDescriptor(obj));
    else if (obj instanceof protobuf.Field && obj.extend) file.extension.push(fieldDescriptor(obj, f.syntax));
  }
  return file;
}

function messageDescriptor(type: protobuf.Type, syntax: ParsedFile['syntax']): DescriptorProto {
  const message = create(DescriptorProtoSchema, { name: type.name });
  // protoc puts the synthetic oneofs of proto3 `optional` fields after the real ones.
  const synthetic = (o: protobuf.OneOf) => o.fieldsArray.length === 1 && o.fieldsArray[0].options?.proto3_optional === true;
  const oneofs = [...type.oneofsArray.filter((o) => !synthetic(o)), ...type.oneofsArray.filter(synthetic)];
  message.oneofDecl = oneofs.map((o) => create(OneofDescriptorProtoSchema, { name: o.name }));
  const mapEntries: DescriptorProto[] = [];
  for (const field of type.fieldsArray) {
    const descriptor = fieldDescriptor(field, syntax);
    if (field.partOf) descriptor.oneofIndex = oneofs.indexOf(field.partOf);
    if (field instanceof protobuf.MapField) {
      const entry = mapEntry(field);
      mapEntries.push(entry);
      descriptor.label = Label.REPEATED;
      descriptor.type = FieldType.MESSAGE;
      descriptor.typeName = `${type.fullName}.${entry.name}`;
    }
    message.field.push(descriptor);
  }
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) message.nestedType.push(messageDescriptor(nested, syntax));
    else if (nested instanceof protobuf.Enum) message.enumType.push(enumDescriptor(nested));
    else if (nested instanceof protobuf.Field && nested.extend) message.extension.push(fieldDescriptor(nested, syntax));
  }
  // protoc lists them where the map field is declared; protobufjs keeps no such order, and the
  // usual layout (nested types first) is this one.
  message.nestedType.push(...mapEntries);
  for (const range of type.reserved ?? []) {
    if (typeof range === 'string') message.reservedName.push(range);
    else message.reservedRange.push(create(DescriptorProto_ReservedRangeSchema, { start: range[0], end: range[1] + 1 }));
  }
  return message;
}

/** protoc's map entry: `labels` -> nested `LabelsEntry { key = 1; value = 2; }` with map_entry. */
function mapEntry(field: protobuf.MapField): DescriptorProto {
  const name = `${field.name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}Entry`;
  const key = create(FieldDescriptorProtoSchema, { name: 'key', number: 1, label: Label.OPTIONAL, type: SCALAR_TYPES[field.keyType], jsonName: 'key' });
  const value = create(FieldDescriptorProtoSchema, { name: 'value', number: 2, label: Label.OPTIONAL, jsonName: 'value' });
  setType(value, field.type, field.resolvedType);
  return create(DescriptorProtoSchema, { name, field: [key, value], options: { mapEntry: true } });
}

function fieldDescriptor(field: protobuf.Field, syntax: ParsedFile['syntax']): FieldDescriptorProto {
  const options = field.options ?? {};
  const descriptor = create(FieldDescriptorProtoSchema, {
    name: field.name,
    number: field.id,
    label: field.repeated ? Label.REPEATED : field.required ? Label.REQUIRED : Label.OPTIONAL,
    jsonName: typeof options.json_name === 'string' ? options.json_name : protoCamelCase(field.name),
  });
  if (field.delimited) {
    descriptor.type = FieldType.GROUP;
    descriptor.typeName = field.resolvedType!.fullName;
  } else {
    setType(descriptor, field.type, field.resolvedType);
  }
  if (options.proto3_optional === true) descriptor.proto3Optional = true;
  if (syntax === 'proto2' && options.default !== undefined) descriptor.defaultValue = String(options.default);
  if (typeof options.packed === 'boolean' || options.deprecated === true) {
    descriptor.options = create(FieldOptionsSchema, { ...(typeof options.packed === 'boolean' ? { packed: options.packed } : {}), ...(options.deprecated === true ? { deprecated: true } : {}) });
  }
  if (field.extend) descriptor.extendee = lookupType(field.parent!, field.extend)!.fullName;
  return descriptor;
}

function setType(descriptor: FieldDescriptorProto, type: string, resolved: protobuf.Type | protobuf.Enum | null): void {
  if (Object.hasOwn(SCALAR_TYPES, type)) {
    descriptor.type = SCALAR_TYPES[type];
    return;
  }
  descriptor.type = resolved instanceof protobuf.Enum ? FieldType.ENUM : FieldType.MESSAGE;
  descriptor.typeName = resolved!.fullName;
}

function enumDescriptor(e: protobuf.Enum): EnumDescriptorProto {
  const descriptor = create(EnumDescriptorProtoSchema, {
    name: e.name,
    value: Object.entries(e.values).map(([name, number]) => create(EnumValueDescriptorProtoSchema, { name, number })),
  });
  if (e.options?.allow_alias === true) descriptor.options = create(EnumOptionsSchema, { allowAlias: true });
  return descriptor;
}

function serviceDescriptor(s: protobuf.Service): ServiceDescriptorProto {
  return create(ServiceDescriptorProtoSchema, {
    name: s.name,
    method: s.methodsArray.map((m) => {
      const method = create(MethodDescriptorProtoSchema, { name: m.name, inputType: m.resolvedRequestType!.fullName, outputType: m.resolvedResponseType!.fullName });
      // Set only when true, as protoc writes them (proto2 fields with presence).
      if (m.requestStream) method.clientStreaming = true;
      if (m.responseStream) method.serverStreaming = true;
      return method;
    }),
  });
}

export const SCALAR_TYPES: Readonly<Record<string, FieldType>> = {
  double: FieldType.DOUBLE, float: FieldType.FLOAT, int64: FieldType.INT64, uint64: FieldType.UINT64, int32: FieldType.INT32,
  fixed64: FieldType.FIXED64, fixed32: FieldType.FIXED32, bool: FieldType.BOOL, string: FieldType.STRING, bytes: FieldType.BYTES,
  uint32: FieldType.UINT32, sfixed32: FieldType.SFIXED32, sfixed64: FieldType.SFIXED64, sint32: FieldType.SINT32, sint64: FieldType.SINT64,
};

/** A message type by name from a scope, or undefined (protobufjs throws). */
export function lookupType(from: protobuf.NamespaceBase, name: string): protobuf.Type | undefined {
  try {
    return from.lookupType(name);
  } catch {
    return undefined;
  }
}
