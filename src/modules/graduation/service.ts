import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import * as agents from '../agents/queries.js';
import { episodeFacts, readinessFor, setMaturity } from '../agents/service.js';
import type { ExecutionRunner } from '../executions/runtime/runner.js';
import { MATURITY_LEVELS, type Maturity } from '../governance/policy.js';
import { PLATFORM_EDGE_CASES, platformSuite } from './default-suite.js';
import { type CaseResult, constitutionalCheck, type EdgeCase, examVerdict, runEdgeCase, skillCheck } from './exam.js';
import { readiness, readinessHistory, THRESHOLDS, WINDOW } from './readiness.js';
import * as repo from './repo.js';

export const EXAM_COOLDOWN_MS = 24 * 3600_000;

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

export function episodeView(e: repo.EpisodeRow) {
  return {
    ...e,
    maturity_at_time: e.maturity_level,
    human_interventions: e.interventions,
    governance_violations: e.violations,
    created_at: iso(e.created_at)!,
  };
}

export function graduationService(ctx: AppContext, runner: ExecutionRunner) {
  async function agentOf(tenantId: string, id: string, ex: Executor = ctx.db.as(tenantId), lock = false) {
    const agent = await agents.getAgent(ex, tenantId, id, lock);
    if (!agent) throw notFound('AGENT_NOT_FOUND', 'Agent', id);
    return agent;
  }

  /** Readiness with the minimum counted over every real episode (not only the 50-episode window). */
  async function readinessOf(tenantId: string, agentId: string, level: Maturity) {
    const { readiness: r, realEpisodes } = await readinessFor(ctx, tenantId, agentId, level);
    return { ...r, total_episodes: realEpisodes };
  }

  /** The one way maturity changes: exam pass, admin promotion or demotion, always one step, always recorded. */
  async function changeMaturity(
    ex: Executor,
    tenantId: string,
    agentId: string,
    from: Maturity,
    to: Maturity,
    c: {
      kind: 'exam' | 'promotion' | 'demotion';
      justification: string | null;
      readiness: number;
      examId: string | null;
      by: string | null;
    },
  ) {
    if (Math.abs(MATURITY_LEVELS.indexOf(to) - MATURITY_LEVELS.indexOf(from)) !== 1)
      throw new AppError('INVALID_INPUT', 'Maturity changes one level at a time');
    await setMaturity(ex, tenantId, agentId, to);
    await repo.insertChange(ex, tenantId, {
      id: newId('mch'),
      agentId,
      from,
      to,
      kind: c.kind,
      justification: c.justification,
      readiness: c.readiness,
      examId: c.examId,
      by: c.by,
    });
    const promoted = MATURITY_LEVELS.indexOf(to) > MATURITY_LEVELS.indexOf(from);
    await ctx.outbox.emit(ex, tenantId, promoted ? 'agent.graduated' : 'agent.demoted', {
      agent_id: agentId,
      previous_level: from,
      new_level: to,
      readiness_score: c.readiness,
      via: c.kind,
    });
  }

  return {
    async readiness(tenantId: string, agentId: string) {
      const agent = await agentOf(tenantId, agentId);
      return { agent_id: agentId, ...(await readinessOf(tenantId, agentId, agent.maturity_level)) };
    },

    /** Readiness after each of the agent's recent episodes (up to `span` back, `points` moments), for charts. */
    async readinessHistory(tenantId: string, agentId: string, span: number, points: number) {
      const agent = await agentOf(tenantId, agentId);
      const rows = (await repo.recentForReadiness(ctx.db.as(tenantId), tenantId, agentId, span + WINDOW)).reverse();
      const facts = rows.map((r) => ({
        success: r.success,
        confidence: r.confidence,
        interventions: r.interventions,
        violations: r.violations,
        tools_used: r.skills_used,
        approvals_approved: r.approvals_approved,
        approvals_rejected: r.approvals_rejected,
        at: iso(r.created_at)!,
      }));
      const level = agent.maturity_level as Maturity;
      const next = MATURITY_LEVELS[MATURITY_LEVELS.indexOf(level) + 1] as Exclude<Maturity, 'student'> | undefined;
      return {
        agent_id: agentId,
        current_level: level,
        threshold: next ? THRESHOLDS[next].score : null,
        points: readinessHistory(level, facts, span, points),
      };
    },

    async episodes(tenantId: string, agentId: string, f: repo.EpisodeFilter) {
      await agentOf(tenantId, agentId);
      const { rows, total } = await repo.listEpisodes(ctx.db.as(tenantId), tenantId, agentId, f);
      return { items: rows.map((r) => episodeView(r as repo.EpisodeRow)), total };
    },

    async addFeedback(
      tenantId: string,
      userId: string | null,
      episodeId: string,
      f: { score: number; category?: string; text?: string },
    ) {
      return ctx.db.tx(tenantId, async (ex) => {
        if (!(await repo.getEpisode(ex, tenantId, episodeId)))
          throw notFound('EPISODE_NOT_FOUND', 'Episode', episodeId);
        const row = await repo.insertFeedback(ex, tenantId, {
          id: newId('fbk'),
          episodeId,
          userId,
          score: f.score,
          category: f.category ?? null,
          text: f.text ?? null,
        });
        const episode = (await repo.getEpisode(ex, tenantId, episodeId))!;
        return {
          feedback: { ...row, created_at: iso(row.created_at)! },
          episode: { id: episodeId, feedback_score: episode.feedback_score, feedback_count: episode.feedback_count },
        };
      });
    },

    async feedback(tenantId: string, episodeId: string) {
      const episode = await repo.getEpisode(ctx.db.as(tenantId), tenantId, episodeId);
      if (!episode) throw notFound('EPISODE_NOT_FOUND', 'Episode', episodeId);
      const items = await repo.listFeedback(ctx.db.as(tenantId), tenantId, episodeId);
      return {
        episode_id: episodeId,
        feedback_score: episode.feedback_score,
        feedback_count: episode.feedback_count,
        feedback: items.map((r) => ({ ...r, created_at: iso(r.created_at)! })),
      };
    },

    /**
     * The platform's default cases (every transition, in code order), then the global and the
     * tenant's rows (oldest first), as one list: a page may span both.
     */
    async edgeCases(tenantId: string, limit: number, offset: number) {
      const platform = PLATFORM_EDGE_CASES.slice(offset, offset + limit).map((c) => ({
        ...c,
        scope: 'platform',
        created_at: null,
      }));
      const rowLimit = limit - platform.length;
      const rowOffset = Math.max(0, offset - PLATFORM_EDGE_CASES.length);
      const { rows, total } =
        rowLimit > 0
          ? await repo.listEdgeCases(ctx.db.as(tenantId), tenantId, rowLimit, rowOffset)
          : { rows: [], total: await repo.countEdgeCases(ctx.db.as(tenantId), tenantId) };
      return {
        items: [...platform, ...rows.map((r) => ({ ...r, transition: null, created_at: iso(r.created_at) }))],
        total: PLATFORM_EDGE_CASES.length + total,
      };
    },

    /** Tenant edge cases, or global ones (every tenant's exams) when the platform admin asks. */
    async addEdgeCase(
      tenantId: string,
      by: string | null,
      global: boolean,
      c: {
        input: string;
        expected_behavior: string;
        expected_output_contains?: string;
        severity: string;
        description?: string;
      },
    ) {
      const id = newId('edg');
      const scope = global ? '*' : tenantId;
      await repo.insertEdgeCase(ctx.db.as(global ? SYSTEM : tenantId), scope, {
        id,
        input: c.input,
        expected_behavior: c.expected_behavior,
        expected_output_contains: c.expected_output_contains ?? null,
        severity: c.severity,
        description: c.description ?? null,
        by,
      });
      return {
        id,
        scope: global ? 'global' : 'tenant',
        ...c,
        expected_output_contains: c.expected_output_contains ?? null,
        description: c.description ?? null,
      };
    },

    /**
     * Readiness, then the edge cases for real, then the constitutional and skill checks. Pass: one level up. Fail: a
     * cool-down.
     */
    async exam(tenantId: string, agentId: string, by: string | null) {
      const agent = await agentOf(tenantId, agentId);
      const from = agent.maturity_level;
      const last = await repo.lastExam(ctx.db.as(tenantId), tenantId, agentId);
      if (last?.cooldown_until && new Date(last.cooldown_until).getTime() > Date.now()) {
        const retry = Math.ceil((new Date(last.cooldown_until).getTime() - Date.now()) / 1000);
        throw new AppError(
          'EXAM_COOLDOWN',
          'The last exam failed; the agent may retake it after the cool-down',
          { retry_after: retry, cooldown_until: iso(last.cooldown_until) },
          { 'Retry-After': String(retry) },
        );
      }
      const r = await readinessOf(tenantId, agentId, from);
      if (!r.next_level) throw new AppError('NOT_ELIGIBLE', 'The agent is already autonomous');
      if (r.eligible_levels.length === 0)
        throw new AppError('NOT_ELIGIBLE', `Not ready for ${r.next_level}`, {
          readiness_score: r.readiness_score,
          threshold: r.threshold,
          episodes_until_exam: r.episodes_until_exam,
          gaps: r.gaps,
        });
      const cases: EdgeCase[] = [
        ...platformSuite(from).map((c) => ({ ...c, scope: 'platform' as const })),
        ...(await repo.allEdgeCases(ctx.db.as(tenantId), tenantId)),
      ];
      const results: CaseResult[] = [];
      for (const c of cases) results.push(await runEdgeCase(ctx, runner, tenantId, agentId, c));
      const window = await repo.recentForReadiness(ctx.db.as(tenantId), tenantId, agentId, WINDOW);
      const constitutional = constitutionalCheck(window);
      const skills = skillCheck(window);
      const { passed, reasons } = examVerdict(results, constitutional, skills);
      const examId = newId('exm');
      const cooldownUntil = passed ? null : new Date(Date.now() + EXAM_COOLDOWN_MS);
      await ctx.db.tx(tenantId, async (ex) => {
        const locked = await agentOf(tenantId, agentId, ex, true);
        if (locked.maturity_level !== from)
          throw new AppError('CONFLICTING_OPERATION', "The agent's maturity changed during the exam");
        await repo.insertExam(ex, tenantId, {
          id: examId,
          agentId,
          from,
          target: r.next_level!,
          passed,
          readiness: r.readiness_score,
          results: { edge_cases: results, constitutional, skills },
          reasons,
          cooldownUntil,
        });
        if (passed)
          await changeMaturity(ex, tenantId, agentId, from, r.next_level!, {
            kind: 'exam',
            justification: null,
            readiness: r.readiness_score,
            examId,
            by,
          });
      });
      return {
        exam_id: examId,
        agent_id: agentId,
        passed,
        previous_level: from,
        new_level: passed ? r.next_level : from,
        readiness_score: r.readiness_score,
        edge_cases: results,
        constitutional,
        skills,
        reasons,
        cooldown_until: iso(cooldownUntil),
      };
    },

    /** Admin promotion or demotion: one step, with a justification, recorded like an exam. */
    async move(
      tenantId: string,
      agentId: string,
      by: string | null,
      direction: 'promote' | 'demote',
      justification: string,
      target?: Maturity,
    ) {
      const facts = await episodeFacts(ctx, tenantId, agentId);
      return ctx.db.tx(tenantId, async (ex) => {
        const agent = await agentOf(tenantId, agentId, ex, true);
        const from = agent.maturity_level;
        const to = MATURITY_LEVELS[MATURITY_LEVELS.indexOf(from) + (direction === 'promote' ? 1 : -1)];
        if (!to)
          throw new AppError(
            'INVALID_INPUT',
            direction === 'promote' ? 'The agent is already autonomous' : 'The agent is already a student',
          );
        if (target && target !== to)
          throw new AppError('INVALID_INPUT', `Maturity changes one level at a time: ${from} can only go to ${to}`, {
            field: 'target_level',
          });
        const r = readiness(from, facts);
        await changeMaturity(ex, tenantId, agentId, from, to, {
          kind: direction === 'promote' ? 'promotion' : 'demotion',
          justification,
          readiness: r.readiness_score,
          examId: null,
          by,
        });
        return {
          agent_id: agentId,
          previous_level: from,
          new_level: to,
          justification,
          readiness_score: r.readiness_score,
        };
      });
    },

    async history(tenantId: string, agentId: string) {
      const agent = await agentOf(tenantId, agentId);
      const ex = ctx.db.as(tenantId);
      const changes = await repo.listChanges(ex, tenantId, agentId);
      const exams = await repo.listExams(ex, tenantId, agentId);
      return {
        agent_id: agentId,
        current_level: agent.maturity_level,
        changes: changes.map((c) => ({ ...c, created_at: iso(c.created_at) })),
        exams: exams.map((e) => ({ ...e, cooldown_until: iso(e.cooldown_until), created_at: iso(e.created_at) })),
      };
    },

    async recall(tenantId: string, agentId: string, task: string, canvasId: string | null, limit = 5) {
      await agentOf(tenantId, agentId);
      const rows = await repo.recall(ctx.db.as(tenantId), tenantId, agentId, task, canvasId, limit);
      return rows.map((r) => ({ ...episodeView(r), relevance: r.relevance, score: r.score }));
    },
  };
}
