import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import * as executions from '../executions/queries.js';
import type { Maturity } from '../governance/policy.js';
import { readinessFor } from './service.js';

const MIN_SAMPLE = 3;
const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Learning status from the agent's own record, nothing invented: statistics of finished
 * executions, the tool combinations it used (a pattern needs 3+ samples), adaptations those
 * patterns suggest (reinforce what beats the agent's average, avoid what fails more than half
 * the time; expected_improvement is the measured difference), and graduation readiness.
 */
export async function trainingStatus(ctx: AppContext, tenantId: string, agent: { id: string; maturity_level: string }) {
  const s = await executions.stats(ctx.db.as(tenantId), tenantId, agent.id);
  const overall = s.total_executions ? s.successful_executions / s.total_executions : 0;
  const found = (await executions.patterns(ctx.db.as(tenantId), tenantId, agent.id)).filter(
    (p) => p.sample_size >= MIN_SAMPLE,
  );
  const adaptations = found.flatMap((p) => {
    const id = `adapt_${createHash('sha1').update(`${agent.id}:${p.pattern}`).digest('hex').slice(0, 10)}`;
    if (p.success_rate >= 0.9 && p.sample_size >= 5 && p.success_rate > overall) {
      return [
        {
          id,
          type: 'reinforce_pattern',
          pattern: p.pattern,
          description: `Prefer ${p.pattern}: it succeeds ${Math.round(p.success_rate * 100)}% of the time`,
          expected_improvement: round(p.success_rate - overall),
        },
      ];
    }
    if (p.success_rate < 0.5) {
      return [
        {
          id,
          type: 'avoid_pattern',
          pattern: p.pattern,
          description: `Avoid ${p.pattern}: it fails ${Math.round((1 - p.success_rate) * 100)}% of the time`,
          expected_improvement: round(overall - p.success_rate),
        },
      ];
    }
    return [];
  });
  const { readiness: r } = await readinessFor(ctx, tenantId, agent.id, agent.maturity_level as Maturity);
  return {
    agent_id: agent.id,
    learning_statistics: {
      total_experiences: s.total_executions,
      successful_experiences: s.successful_executions,
      success_rate: round(overall),
      avg_confidence: s.avg_confidence === null ? null : round(s.avg_confidence),
    },
    patterns_detected: found.map((p) => ({
      pattern: p.pattern,
      success_rate: round(p.success_rate),
      sample_size: p.sample_size,
    })),
    adaptations_available: adaptations,
    graduation_readiness: {
      current_level: r.current_level,
      readiness_score: r.readiness_score,
      eligible_levels: r.eligible_levels,
      episodes_until_exam: r.episodes_until_exam,
    },
  };
}
