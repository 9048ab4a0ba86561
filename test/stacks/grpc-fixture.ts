import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { minimalConfig } from '../support/config-text';
import { ROOT } from '../support/synth';

/** A small gRPC service with google.api.http annotations (GET with a path variable, POST body "*", a custom verb). */
export const LEDGER_PROTO = `syntax = "proto3";
package payflow.ledger.v1;

import "google/api/annotations.proto";

service Ledger {
  rpc GetEntry(GetEntryRequest) returns (Entry) {
    option (google.api.http) = { get: "/v1/{name=entries/*}" };
  }
  rpc CreateEntry(CreateEntryRequest) returns (Entry) {
    option (google.api.http) = { post: "/v1/entries" body: "entry" };
  }
  rpc CancelEntry(CancelEntryRequest) returns (Entry) {
    option (google.api.http) = { post: "/v1/{name=entries/*}:cancel" body: "*" };
  }
}

message Entry { string name = 1; int64 amount_cents = 2; string currency = 3; }
message GetEntryRequest { string name = 1; }
message CreateEntryRequest { Entry entry = 1; }
message CancelEntryRequest { string name = 1; string reason = 2; }
`;

export const DEV_ALB_CERT = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000001';
export const INTERNAL_HOST = 'internal.dev.example.com';
export const PARTNERS_ISSUER = 'https://idp.partners.example.com';

/** The minimal config with a private gRPC service, reachable both ways (REST routes and native gRPC for the partners issuer). */
export function grpcConfigText(extra: Record<string, unknown> = {}, native = true): string {
  return minimalConfig({
    environments: { dev: { domains: { internal: INTERNAL_HOST }, certificates: { alb: DEV_ALB_CERT } } },
    identity: { issuers: [{ name: 'partners', issuer: PARTNERS_ISSUER, audiences: ['ledger-api'] }] },
    services: [{
      name: 'ledger',
      private: { port: 50051 },
      read_timeout_ms: 4000,
      protocol: 'grpc',
      grpc: { service: 'payflow.ledger.v1.Ledger', protos: ['protos/ledger.proto'], import_paths: ['protos'], ...(native ? { native: { enabled: true, issuer: 'partners' } } : {}) },
    }],
    routes: [
      { name: 'echo', paths: ['/echo'], service: 'echo' },
      { name: 'ledger', paths: ['/v1/entries'], methods: ['GET', 'POST'], service: 'ledger', timeout_ms: 2500, auth: { strategies: ['jwt'], issuers: ['partners'] } },
    ],
    ...extra,
  });
}

/** Writes the config and its proto into a fresh directory; returns the config's path relative to the repository (what synthesize takes). */
export function writeGrpcConfig(text = grpcConfigText()): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-grpc-'));
  mkdirSync(join(dir, 'protos'));
  writeFileSync(join(dir, 'protos', 'ledger.proto'), LEDGER_PROTO);
  writeFileSync(join(dir, 'gateway.config.yaml'), text);
  return relative(ROOT, join(dir, 'gateway.config.yaml'));
}
