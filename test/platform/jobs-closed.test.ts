import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// pg-boss's own SQL builders: the test fails if an upgrade changes what its complete/fail commands end with.
// @ts-expect-error pg-boss ships no types for its internal plans module
import plans from 'pg-boss/src/plans.js';
import { closedJobsAnswer } from '../../src/platform/db/database.js';
import { openDatabase } from '../../src/platform/db/index.js';

const sql = (plans as unknown as { default?: unknown }).default ?? plans;
const p = sql as Record<string, (schema: string) => string>;

describe('pg-boss after the database closed', () => {
  it('its complete and fail commands read a count of 0, other commands no rows (no unhandled TypeError at shutdown)', async () => {
    for (const command of [p.completeJobs('pgboss'), p.failJobsById('pgboss'), p.failJobsByTimeout('pgboss')]) {
      assert.deepEqual(closedJobsAnswer(command).rows, [{ count: '0' }]);
    }
    assert.deepEqual(closedJobsAnswer('SELECT 1').rows, []);
  });

  it('the embedded adapter answers so once closed', async () => {
    const db = await openDatabase({ databaseUrl: 'memory://', dataDir: '' });
    const adapter = db.jobsAdapter();
    await db.close();
    assert.deepEqual((await adapter.executeSql(p.failJobsById('pgboss'), ['q', []])).rows, [{ count: '0' }]);
  });
});
