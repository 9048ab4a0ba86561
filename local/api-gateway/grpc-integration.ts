import type { GrpcService } from '../../lib/grpc';
import { GrpcJsChannel, grpcChannelOptionsOfUrl, transcode } from '../../lib/grpc';
import { deadlineMs } from '../../lambdas/grpc-transcoder/transcode';
import type { IntegrationRequest, IntegrationResult } from './integration';

/**
 * The integration of a gRPC service in the twin, in place of the HTTP exchange (./integration.ts):
 * the transcoding Lambda's library (lib/grpc) turns the REST call into one unary call to the
 * instance the "ALB" picked (./service-upstream.ts: balancing, ejection and the breaker apply as
 * to any service) and its answer into the REST response. The deadline is the Lambda's: the
 * route's timeout less its margin, so a slow upstream ends as the transcoder's 504
 * (DEADLINE_EXCEEDED), as deployed. One channel per instance origin (`http://` = h2c, `https://` = TLS).
 */
export class GrpcIntegration {
  private readonly channels = new Map<string, GrpcJsChannel>();

  constructor(private readonly service: GrpcService) {}

  async call(req: IntegrationRequest, clock: () => number = Date.now): Promise<IntegrationResult> {
    const started = clock();
    const queryAt = req.path.indexOf('?');
    const answer = await transcode(this.service, this.channel(req.origin), {
      method: req.method,
      path: queryAt < 0 ? req.path : req.path.slice(0, queryAt),
      query: queryAt < 0 ? '' : req.path.slice(queryAt + 1),
      headers: req.headers,
      metadata: req.metadata,
      body: req.body,
      // Real time, whatever the gateway clock does: grpc-js times the call.
      deadline: Date.now() + deadlineMs({ timeoutMs: req.timeoutMs }),
    });
    return { ok: true, statusCode: answer.statusCode, headers: answer.headers, body: Buffer.from(answer.body), latencyMs: clock() - started };
  }

  close(): Promise<void> {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    return Promise.resolve();
  }

  private channel(origin: string): GrpcJsChannel {
    let channel = this.channels.get(origin);
    if (!channel) {
      channel = new GrpcJsChannel(grpcChannelOptionsOfUrl(origin));
      this.channels.set(origin, channel);
    }
    return channel;
  }
}
