/**
 * One unary gRPC call over @grpc/grpc-js, bytes in and bytes out (the messages are encoded by
 * @bufbuild/protobuf; grpc-js only frames them). {@link GrpcUnaryChannel} is the seam the
 * transcoder calls through: {@link GrpcJsChannel} is the real one, tests may hand in a plain object.
 */
import { Client, credentials, Metadata, status as grpcStatus, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';

export interface UnaryCall {
  /** `/package.Service/Method`. */
  readonly path: string;
  readonly request: Uint8Array;
  /** Metadata keys lower case; `-bin` keys are not sent (the gateway's headers are text). */
  readonly metadata: Readonly<Record<string, string | readonly string[]>>;
  /** Absolute deadline. */
  readonly deadline: Date;
}

export type UnaryResult =
  | { readonly ok: true; readonly response: Uint8Array; readonly headers: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly code: number; readonly message: string; readonly headers: Readonly<Record<string, string>>; readonly statusDetails?: Uint8Array };

export interface GrpcUnaryChannel {
  /** Never rejects: a failed call is a result with its status. */
  unary(call: UnaryCall): Promise<UnaryResult>;
  close(): void;
}

export interface GrpcJsChannelOptions {
  /** `host:port`. */
  readonly target: string;
  /** TLS to the upstream (with the system's roots unless `rootCerts`). @default false (plaintext HTTP/2) */
  readonly tls?: boolean;
  readonly rootCerts?: Buffer;
  /** TLS server name and `:authority`, when the target's host is not the name on its certificate. */
  readonly authority?: string;
  readonly channelOptions?: ChannelOptions;
}

/**
 * The channel of one upstream: `http://host:port` is plaintext HTTP/2 (h2c), `https://host[:port]`
 * TLS (port 443 by default), as a service's `local_url` is read for a gRPC service.
 */
export function grpcChannelOptionsOfUrl(url: string): GrpcJsChannelOptions {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${url}: a gRPC upstream URL is http://host:port (plaintext HTTP/2) or https://host[:port] (TLS)`);
  const tls = u.protocol === 'https:';
  return { target: `${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${u.port || (tls ? '443' : '80')}`, tls };
}

const identity = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class GrpcJsChannel implements GrpcUnaryChannel {
  private readonly client: Client;

  constructor(options: GrpcJsChannelOptions) {
    const creds = options.tls ? credentials.createSsl(options.rootCerts ?? null) : credentials.createInsecure();
    const channelOptions: ChannelOptions = {
      ...(options.authority ? { 'grpc.default_authority': options.authority, 'grpc.ssl_target_name_override': options.authority } : {}),
      ...options.channelOptions,
    };
    this.client = new Client(options.target, creds, channelOptions);
  }

  unary(call: UnaryCall): Promise<UnaryResult> {
    return new Promise((resolve) => {
      let headers: Record<string, string> = {};
      const metadata = toMetadata(call.metadata);
      const pending = this.client.makeUnaryRequest<Uint8Array, Buffer>(call.path, identity, (b) => b, call.request, metadata, { deadline: call.deadline }, (err, response) => {
        if (err) {
          const e = err as ServiceError;
          const details = e.metadata?.get('grpc-status-details-bin')[0];
          resolve({ ok: false, code: e.code ?? grpcStatus.UNKNOWN, message: e.details ?? e.message, headers, statusDetails: Buffer.isBuffer(details) ? details : undefined });
          return;
        }
        resolve({ ok: true, response: response ?? new Uint8Array(), headers });
      });
      pending.on('metadata', (m: Metadata) => { headers = textMetadata(m); });
    });
  }

  close(): void {
    this.client.close();
  }
}

function toMetadata(values: Readonly<Record<string, string | readonly string[]>>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(values)) {
    if (key.endsWith('-bin')) continue;
    for (const v of typeof value === 'string' ? [value] : value) {
      try {
        metadata.add(key, v);
      } catch {
        // A name or value grpc-js refuses (not printable ASCII) is not sent, as a proxy drops an invalid header.
      }
    }
  }
  return metadata;
}

function textMetadata(m: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(m.toJSON())) {
    if (key.endsWith('-bin')) continue;
    out[key] = (values as unknown[]).map(String).join(', ');
  }
  return out;
}
