import type { TranscoderConfig } from './config';
import { recordOutcome } from './observability';
import { createTranscoder, type Transcode } from './transcode';
import type { ServiceTranscoder, ServiceTranscoderFactory } from './transcoding-port';

/** Every service's transcoder, built once (in parallel: each compiles its own protos). */
export async function buildTranscoder(config: TranscoderConfig, factory: ServiceTranscoderFactory, albHost: string | undefined): Promise<Transcode> {
  const entries = await Promise.all(Object.entries(config.services).map(async ([name, service]) => [name, await factory(service, albHost)] as const));
  const services = new Map<string, ServiceTranscoder>(entries);
  return createTranscoder({ config, services, onOutcome: recordOutcome });
}

