/**
 * The definitions every gRPC service of the config may import without vendoring them: the
 * google.api HTTP annotations (the REST mapping the transcoder reads) and google.rpc.Status (the
 * error details of a failed call). Written out here, as text, so that a Lambda bundle carries them
 * with the code; field names and numbers are those of googleapis' google/api/http.proto,
 * annotations.proto and google/rpc/status.proto (comments left out: see those files). The
 * well-known types (google/protobuf/*.proto) come with @bufbuild/protobuf and protobufjs.
 */

const HTTP_PROTO = `syntax = "proto3";
package google.api;

message Http {
  repeated HttpRule rules = 1;
  bool fully_decode_reserved_expansion = 2;
}

message HttpRule {
  string selector = 1;
  oneof pattern {
    string get = 2;
    string put = 3;
    string post = 4;
    string delete = 5;
    string patch = 6;
    CustomHttpPattern custom = 8;
  }
  string body = 7;
  string response_body = 12;
  repeated HttpRule additional_bindings = 11;
}

message CustomHttpPattern {
  string kind = 1;
  string path = 2;
}
`;

const ANNOTATIONS_PROTO = `syntax = "proto3";
package google.api;

import "google/api/http.proto";
import "google/protobuf/descriptor.proto";

extend google.protobuf.MethodOptions {
  HttpRule http = 72295728;
}
`;

const STATUS_PROTO = `syntax = "proto3";
package google.rpc;

import "google/protobuf/any.proto";

message Status {
  int32 code = 1;
  string message = 2;
  repeated google.protobuf.Any details = 3;
}
`;

/** Import name -> text of the built-in definitions. */
export const BUILTIN_PROTOS: Readonly<Record<string, string>> = {
  'google/api/http.proto': HTTP_PROTO,
  'google/api/annotations.proto': ANNOTATIONS_PROTO,
  'google/rpc/status.proto': STATUS_PROTO,
};

/** The extension that carries a method's REST mapping. */
export const HTTP_RULE_EXTENSION = 'google.api.http';
