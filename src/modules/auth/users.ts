/**
 * Users and memberships as other modules read and create them (tenant sign-up, accepted
 * invitations), in the caller's transaction. The auth module's repo.ts is private to it
 * (test/architecture/boundaries.test.ts).
 */
export type { UserRow } from './repo.js';
export { findUserByEmail, getUser, insertMembership, insertUser } from './repo.js';
