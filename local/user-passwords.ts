import { createHash, timingSafeEqual } from 'node:crypto';
import type { Seed } from './seed';

/** A user of the local issuers (seed `users[]`). */
export type SeedUser = Seed['users'][number];

/**
 * The password of a seed user without `password`: `local-<id>-password`. Deterministic so the
 * docs, the login page and scripts can name it; it only exists on this machine.
 *
 * @example demoUserPassword('demo-user') // 'local-demo-user-password'
 */
export function demoUserPassword(userId: string): string {
  return `local-${userId}-password`;
}

/** The user's seed `password`, or {@link demoUserPassword} of its id. */
export function userPassword(user: SeedUser): string {
  return user.password ?? demoUserPassword(user.id);
}

/**
 * The user whose id or email (case-insensitive, as Cognito's email alias) is `login` and whose
 * password is `password`, or undefined. An unknown login costs the same comparison as a wrong
 * password, so neither the answer nor its timing tells which users exist.
 */
export function findUserByCredentials(users: readonly SeedUser[], login: string, password: string): SeedUser | undefined {
  const wanted = login.trim();
  const user = users.find((u) => u.id === wanted || u.email.toLowerCase() === wanted.toLowerCase());
  const expected = user ? userPassword(user) : demoUserPassword('\0no-such-user');
  const matches = timingSafeEqual(digest(password), digest(expected));
  return user && matches ? user : undefined;
}

/** Fixed-length digests, so timingSafeEqual never sees inputs of different lengths. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
