/**
 * Approvals as the executions module requests and decides them, in its own transactions (the
 * governance module's repo.ts is private to it; test/architecture/boundaries.test.ts).
 */
export type { ApprovalRow } from './repo.js';
export { decideApproval, getApproval, insertApproval } from './repo.js';
