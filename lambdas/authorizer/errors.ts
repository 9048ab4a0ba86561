/** Base of the authorizer's errors; `reason` is a short code for logs and metrics, never shown to clients. */
export abstract class AuthorizerError extends Error {
  constructor(readonly reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Missing or invalid credentials: the caller answers with exactly `Error('Unauthorized')` (401). */
export class AuthenticationError extends AuthorizerError {}

/** A consumer record could not be read (DynamoDB unavailable): the request fails (500), never allowed. */
export class ConsumerStoreError extends AuthorizerError {}

/** The exact error API Gateway turns into a 401. */
export function unauthorized(): Error {
  return new Error('Unauthorized');
}
