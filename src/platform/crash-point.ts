import { testHooks } from '../config.js';

/**
 * Test hook for crash tests, and nothing else: with ATOM_TEST_CRASH_AT=<point> in the environment
 * the process kills itself with SIGKILL when it reaches `crashPoint('<point>')` (a kill -9 at a
 * deterministic place, e.g. inside a transaction that has written but not committed). Unset, as in
 * every real deployment, it is inert: one comparison against a value read once at start.
 * Points: template-install:after-agent, template-install:after-skills (agent-templates/install.ts);
 * webhooks:fan-out (webhooks/service.ts: an event batch taken from the queue, its deliveries not yet written).
 */
const armed = testHooks.crashAt;

export function crashPoint(name: string): void {
  if (armed !== null && armed === name) process.kill(process.pid, 'SIGKILL');
}
