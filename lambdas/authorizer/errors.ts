import type { DenyReason, Reason, UnauthorizedReason } from '../../lib/contract/authorizer-context';
import type { AuthorizerContext } from './policy';

/**
 * Base of the authorizer's errors; `reason` is a short code for logs and metrics, never shown to
 * clients. Each class names itself with a string literal: the deploy bundle is minified, and
 * Lambda reports `name` as the errorType (`new.target.name` read `$s` there).
 */
export abstract class AuthorizerError<R extends Reason = Reason> extends Error {
  abstract override readonly name: string;
  constructor(readonly reason: R, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Missing or invalid credentials: the caller answers with exactly `Error('Unauthorized')` (401). */
export class AuthenticationError extends AuthorizerError<UnauthorizedReason> {
  override readonly name = 'AuthenticationError';
}

/**
 * A step refuses an authenticated caller: a Deny policy (403) carrying `reason`, `message` and
 * `extra` in its context. Never leaves the function.
 */
export class Denied extends AuthorizerError<DenyReason> {
  override readonly name = 'Denied';
  constructor(reason: DenyReason, message: string, readonly extra: AuthorizerContext = {}) { super(reason, message); }
}

/** A consumer record could not be read (DynamoDB unavailable): the request fails (503, retried), never allowed. */
export class ConsumerStoreError extends AuthorizerError {
  override readonly name = 'ConsumerStoreError';
}

/** The exact error API Gateway turns into a 401. */
export function unauthorized(): Error {
  return new Error('Unauthorized');
}
