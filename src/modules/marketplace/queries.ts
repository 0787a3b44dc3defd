/**
 * What other modules may read of the marketplace's tables (its repo.ts is private to it;
 * test/architecture/boundaries.test.ts). The listing types are exported by service.ts.
 */
/** Listings of every tenant awaiting review, oldest first, with the publisher's name (the operator console). */
export { pendingListings } from './repo.js';
