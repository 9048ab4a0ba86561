/**
 * The errors of lib/grpc. A problem of a service's definitions or mapping is reported at its key
 * below `services[i].grpc` (the config checks place it as `file:line key.path`); loading a
 * service that has problems throws {@link GrpcDefinitionError} with all of them.
 */

/** One problem of a service's gRPC settings, at a key below `services[i].grpc`. */
export interface GrpcProblem {
  readonly key: readonly PropertyKey[];
  readonly message: string;
}

/** The definitions or the REST mapping of a gRPC service cannot be used. */
export class GrpcDefinitionError extends Error {
  readonly service: string;
  readonly problems: readonly GrpcProblem[];

  constructor(service: string, problems: readonly GrpcProblem[], options?: { cause?: unknown }) {
    super(`gRPC service ${service}: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, options);
    this.name = 'GrpcDefinitionError';
    this.service = service;
    this.problems = problems;
  }
}
