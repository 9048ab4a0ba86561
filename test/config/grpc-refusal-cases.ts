/**
 * Bad gRPC services (issue 16) as data: each refused at load with its config line and key, and,
 * for a problem in a proto, the proto's own file and line (lib/checks/grpc-rules.ts,
 * lib/grpc/http-bindings.ts). Each case carries the files it names (`files`, written beside the
 * config where it runs). Pinned in test/config/refused-before-deploy.test.ts;
 * test/checks/parity.test.ts runs them through synth, the planner and the local twin too.
 */
import { at, edit, FILE } from './fixtures';
import { bad, lineNo, type BadConfig } from './bad-config';

/** shop.search.v1.Search: GET /v1/search/{index} (Find), POST /v1/search/{index}:index (Index), Watch streams. */
export const SEARCH_PROTO = `syntax = "proto3";

package shop.search.v1;

import "google/api/annotations.proto";

service Search {
  rpc Find(FindRequest) returns (FindResponse) {
    option (google.api.http) = { get: "/v1/search/{index}" };
  }
  rpc Index(IndexRequest) returns (IndexResponse) {
    option (google.api.http) = { post: "/v1/search/{index}:index" body: "*" };
  }
  rpc Watch(FindRequest) returns (stream FindResponse);
}

message FindRequest {
  string index = 1;
  string q = 2;
  Page page = 3;
  repeated string tags = 4;
}

message Page {
  int32 size = 1;
}

message FindResponse {
  repeated string hits = 1;
}

message IndexRequest {
  string index = 1;
  string text = 2;
}

message IndexResponse {
  string id = 1;
}
`;

const SERVICE = `  - name: search
    protocol: grpc
    private:
      port: 50051
    grpc:
      service: shop.search.v1.Search
      protos: [protos/search.proto]
`;
const ROUTE = `  - name: search
    paths: [/v1/search]
    methods: [GET, POST]
    service: search
    auth:
      strategies: [api_key]
`;

/** BASE with the search service and its route, `serviceExtra` lines added to the service (its grpc block). */
const withSearch = (serviceExtra = '', route = ROUTE, service = SERVICE) => edit(['routes:\n', `${service}${serviceExtra}routes:\n`], ['tiers:\n', `${route}tiers:\n`]);
/** The proto with one text replaced (it must occur once). */
const proto = (find: string, replace: string): string => {
  if (SEARCH_PROTO.split(find).length !== 2) throw new Error(`fixture: ${JSON.stringify(find)} must occur once in the proto`);
  return SEARCH_PROTO.replace(find, replace);
};
const files = (text = SEARCH_PROTO) => ({ 'protos/search.proto': text });
const mapping = (m: string) => withSearch(`      mappings:\n        - ${m}\n`);

/** The valid service the cases change one thing of. */
export const VALID_GRPC = { text: withSearch(), files: files() };

export const GRPC: readonly BadConfig[] = [
  bad('refuses a proto file that is not there', withSearch('', ROUTE, SERVICE.replace('protos/search.proto', 'protos/serach.proto')),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/serach.proto: file not found (paths are relative to the config file's directory)`], files()),
  bad('refuses a proto that does not parse, at the proto\'s own line', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:20: illegal token 'Page', ';' expected`], files(proto('  string q = 2;', '  string q = 2'))),
  bad('refuses a field of a type nothing defines', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:20: unknown type Pag (field page of shop.search.v1.FindRequest); define it or import the file that does`], files(proto('  Page page = 3;', '  Pag page = 3;'))),
  bad('refuses an import found nowhere', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:6: import "shop/common.proto" not found in the config file's directory (no import_paths), and not built in (built in: google/api/annotations.proto, google/api/http.proto, google/rpc/status.proto and the well-known types google/protobuf/*.proto)`],
    files(proto('import "google/api/annotations.proto";\n', 'import "google/api/annotations.proto";\nimport "shop/common.proto";\n'))),
  bad('refuses a gRPC service with neither protos nor a descriptor set', withSearch('', ROUTE, SERVICE.replace('      protos: [protos/search.proto]\n', '')),
    (text) => [`${at(text, 'grpc:')} services[2].grpc: the service's definitions are missing: list its .proto files in protos (with import_paths for their imports), or give a binary descriptor_set`], files()),
  bad('refuses protos and a descriptor set together', withSearch('      descriptor_set: search.binpb\n'),
    (text) => [`${at(text, 'descriptor_set:')} services[2].grpc.descriptor_set: set protos or descriptor_set, not both: the service's definitions come from one of them`], files()),
  bad('refuses a descriptor set that is not one', withSearch('', ROUTE, SERVICE.replace('      protos: [protos/search.proto]\n', '      descriptor_set: search.binpb\n')),
    (text) => [`${at(text, 'descriptor_set:')} services[2].grpc.descriptor_set: search.binpb is not a binary FileDescriptorSet (illegal tag: field no 13 wire type 6); write one with buf build -o search.binpb or protoc --include_imports -o search.binpb`],
    { 'search.binpb': 'not a descriptor set\n' }),
  bad('refuses a service the protos do not define', withSearch('', ROUTE, SERVICE.replace('shop.search.v1.Search', 'shop.search.v1.Serch')),
    (text) => [`${at(text, 'service: shop.search.v1.Serch')} services[2].grpc.service: no service shop.search.v1.Serch in the definitions; they define shop.search.v1.Search`], files()),
  bad('refuses a mapping to a method the service does not have', mapping('{ method: Lookup, get: "/v1/search/{index}/lookup" }'),
    (text) => [`${at(text, 'method: Lookup')} services[2].grpc.mappings[0].method: no method Lookup in service shop.search.v1.Search; its methods: Find, Index, Watch`], files()),
  bad('refuses a streaming method mapped in the config', mapping('{ method: Watch, get: "/v1/search/{index}/watch" }'),
    (text) => [`${at(text, 'method: Watch')} services[2].grpc.mappings[0].method: method Watch is server-streaming; REST transcoding calls unary methods only: remove this binding (gRPC clients can call it natively)`], files()),
  bad('refuses a streaming method bound in the proto, at the method\'s line', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:14: method Watch: google.api.http: method Watch is server-streaming; REST transcoding calls unary methods only: remove this binding (gRPC clients can call it natively)`],
    files(proto('  rpc Watch(FindRequest) returns (stream FindResponse);', '  rpc Watch(FindRequest) returns (stream FindResponse) {\n    option (google.api.http) = { get: "/v1/search/{index}/watch" };\n  }'))),
  bad('refuses a path template the HttpRule grammar does not allow', mapping('{ method: Find, post: "/v1/search/{index=**}/more" }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].post: path template "/v1/search/{index=**}/more": ** must be the last segment (before a :verb)`], files()),
  bad('refuses a bad path template in the proto', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:8: method Find: google.api.http: path template "/v1/search/{index": variable {index is not {field} or {field=segments} (variables do not nest)`],
    files(proto('get: "/v1/search/{index}"', 'get: "/v1/search/{index"'))),
  bad('refuses a misspelt key of google.api.http', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:8: google.api.http: key "gett" is unknown`],
    files(proto('get: "/v1/search/{index}"', 'gett: "/v1/search/{index}"'))),
  bad('refuses a custom HTTP pattern of a method no route can take', withSearch(),
    (text) => [`${at(text, 'protos: [')} services[2].grpc.protos[0]: protos/search.proto:8: method Find: google.api.http: custom kind "FETCH" is not a method routes can take (custom kinds: HEAD, OPTIONS)`],
    files(proto('get: "/v1/search/{index}"', 'custom: { kind: "FETCH" path: "/v1/search/{index}" }'))),
  bad('refuses a body field the request does not have', mapping('{ method: Index, put: "/v1/search/{index}", body: document }'),
    (text) => [`${at(text, 'method: Index')} services[2].grpc.mappings[0].body: body "document" is no field of shop.search.v1.IndexRequest (fields: index, text); name a top-level field, or "*" for the whole message`], files()),
  bad('refuses a body on GET', mapping('{ method: Find, get: "/v1/search/{index}/find", body: "*" }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].body: body "*" on GET: GET requests carry no body (clients, caches and CloudFront drop it); take the fields from the path and query, or use POST`], files()),
  bad('refuses a response_body field the reply does not have', mapping('{ method: Find, get: "/v1/search/{index}/hits", response_body: results }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].response_body: response_body "results" is no field of shop.search.v1.FindResponse (fields: hits)`], files()),
  bad('refuses a path variable naming a field the request does not have', mapping('{ method: Find, get: "/v1/search/{idx}/find" }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].get: path template /v1/search/{idx}/find: {idx}: no field idx in shop.search.v1.FindRequest (fields: index, q, page, tags)`], files()),
  bad('refuses a path variable naming a message field', mapping('{ method: Find, get: "/v1/search/{index}/page/{page}" }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].get: path template /v1/search/{index}/page/{page}: {page}: page is a message (shop.search.v1.Page); a path variable binds a scalar field: name one of its fields (page.x)`], files()),
  bad('refuses a path variable naming a repeated field', mapping('{ method: Find, get: "/v1/search/{index}/tag/{tags}" }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].get: path template /v1/search/{index}/tag/{tags}: {tags}: tags is a repeated field; a path variable binds a single scalar field`], files()),
  bad('refuses a multi-segment variable of a field that is not a string', mapping('{ method: Find, get: "/v1/search/{index}/size/{page.size=sizes/*}" }'),
    (text) => [`${at(text, 'method: Find')} services[2].grpc.mappings[0].get: path template /v1/search/{index}/size/{page.size=sizes/*}: {page.size}: page.size is not a string; a variable that spans segments (=.../*) captures text with "/" and binds a string field`], files()),
  bad('refuses two methods bound to the same HTTP method and template', mapping('{ method: Index, get: "/v1/search/{index}" }'),
    (text) => [`${at(text, 'method: Index')} services[2].grpc.mappings[0].get: GET /v1/search/{index} matches the same requests as the binding of method Find (protos/search.proto:8: GET /v1/search/{index}); give one of them another path`], files()),
  bad('refuses a route path that reaches no binding of its gRPC service', withSearch('', ROUTE.replace('[/v1/search]', '[/v1/search, /v1/find]')),
    (text) => [`${at(text, '/v1/find')} routes[2].paths[1]: no REST binding of gRPC service search (shop.search.v1.Search) with the route's methods (GET, POST) is at or below /v1/find: every call would be a 404; its bindings: GET /v1/search/{index}, POST /v1/search/{index}:index`], files()),
  bad('refuses a route method that no binding takes', withSearch('', ROUTE.replace('[GET, POST]', '[GET, POST, DELETE]')),
    (text) => [`${at(text, 'DELETE]')} routes[2].methods[2]: no REST binding of gRPC service search (shop.search.v1.Search) takes DELETE at or below the route's paths: every DELETE call would be a 405 or 404; remove DELETE or bind a method to it; its bindings: GET /v1/search/{index}, POST /v1/search/{index}:index`], files()),
  bad('refuses native gRPC without the issuer the ALB verifies', withSearch('      native: { enabled: true }\n'),
    (text) => [`${at(text, 'native:')} services[2].grpc.native.issuer: native gRPC needs the issuer whose RS256 access tokens the ALB verifies: one of cognito`], files()),
  bad('refuses native gRPC with an issuer the config does not have', withSearch('      native: { enabled: true, issuer: corp }\n'),
    (text) => [`${at(text, 'native:')} services[2].grpc.native.issuer: "corp" is no issuer; name one of cognito`], files()),
  bad('refuses native gRPC with an issuer whose keys are not served over HTTPS',
    edit(['routes:\n', `${SERVICE}      native: { enabled: true, issuer: corp }\nroutes:\n`], ['tiers:\n', `${ROUTE}tiers:\n`], ['identity:\n', 'identity:\n  issuers:\n    - name: corp\n      issuer: http://localhost:9000\n      audiences: [api]\n']),
    (text) => [`${at(text, 'native:')} services[2].grpc.native.issuer: issuer corp's keys are at http://localhost:9000/.well-known/jwks.json; the ALB fetches them over HTTPS only, so it cannot verify this issuer's tokens (an http issuer is for the local twin)`], files()),
  bad('refuses native gRPC for a public service (the ALB is the native path)', withSearch('      native: { enabled: true, issuer: cognito }\n', ROUTE, SERVICE.replace('    private:\n      port: 50051\n', '    url: https://search.example.com\n')),
    (text) => [`${at(text, 'native:')} services[2].grpc.native.enabled: native gRPC reaches a service through the internal ALB, but service search is public (url); make it private, or turn native off (REST transcoding still works)`], files()),
  bad('refuses protocol: grpc without its grpc block', withSearch('', ROUTE, SERVICE.replace(/ {4}grpc:\n(?: {6}.*\n)+/, '')),
    // Reported at the service's entry: the key it lacks has no line.
    (text) => [`${FILE}:${lineNo(text, '  - name: search\n    protocol: grpc', 1)} services[2].grpc: protocol: grpc and the grpc block go together: set both (a gRPC service needs its definitions) or neither`], files()),
  bad('refuses an API method shared by routes to a gRPC and an HTTP service',
    withSearch('', `${ROUTE}  - name: search-canary\n    paths: [/v1/search]\n    methods: [GET]\n    headers: { x-canary: "true" }\n    service: users\n    auth:\n      strategies: [api_key]\n`),
    (text) => [`${FILE}:${lineNo(text, '  - name: search-canary', 5)} routes[3].service: GET /v1/search is shared by routes to gRPC and HTTP services (search-canary -> users, search -> search): one API method integrates with the gRPC transcoder or an HTTP upstream, not both; give them different paths`], files()),
  bad('refuses a route under a natively called service\'s path, which CloudFront sends to the gRPC listener',
    withSearch('      native: { enabled: true, issuer: cognito }\n', `${ROUTE}  - name: shadow\n    paths: [/shop.search.v1.Search/Find]\n    service: catalog\n`),
    (text) => [`${at(text, '/shop.search.v1.Search/Find')} routes[3].paths[0]: /shop.search.v1.Search/Find is under /shop.search.v1.Search/, where CloudFront sends native gRPC calls of that service; choose another path`], files()),
];
