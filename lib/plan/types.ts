import type { AUTH_STRATEGIES } from '../config/schema';

export type AuthStrategy = (typeof AUTH_STRATEGIES)[number];
