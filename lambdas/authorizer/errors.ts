/**
 * Base of the authorizer's errors; `reason` is a short code for logs and metrics, never shown to
 * clients. Each class names itself with a string literal: the deploy bundle is minified, and
 * Lambda reports `name` as the errorType (`new.target.name` read `$s` there).
 */
export abstract class AuthorizerError extends Error {
  abstract override readonly name: string;
  constructor(readonly reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Missing or invalid credentials: the caller answers with exactly `Error('Unauthorized')` (401). */
export class AuthenticationError extends AuthorizerError {
  override readonly name = 'AuthenticationError';
}

/** A consumer record could not be read (DynamoDB unavailable): the request fails (503, retried), never allowed. */
export class ConsumerStoreError extends AuthorizerError {
  override readonly name = 'ConsumerStoreError';
}

/** The exact error API Gateway turns into a 401. */
export function unauthorized(): Error {
  return new Error('Unauthorized');
}
