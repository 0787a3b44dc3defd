import type { ToolDef } from '../../../platform/tools.js';
import { declinedActions } from '../../governance/verbs.js';
import { inlineOrRef } from '../stored.js';
import { type Candidate, chooseTool } from './choose.js';
import { fillInputs, missingMessage } from './fill.js';
import type { ToolGate } from './gate.js';
import type { Trace } from './trace.js';

/**
 * The embedded default when no LLM is configured: a deterministic planner that does one useful
 * thing. It picks ONE skill by its title, tags and description (choose.ts), fills that skill's
 * inputs from the task, its JSON, its `key: value` pairs, the request's parameters and context
 * (fill.ts), runs it through the governance gate and reports its output under the skill's title.
 * Tools for actions the task declines ("do not delete") are not candidates. It fails without
 * calling anything when no skill qualifies or a required input is missing, and
 * fails when the call errors or returns nothing (null, '', [], {}).
 *
 * confidence = (0.5 + 0.5 × share of the skill's title words found in the task)
 *              × 0.8 when an input came from the colon / whole-task fallback (a guess),
 * rounded to 3 decimals; 0 when no skill matched, an input was missing, or the call failed or
 * returned nothing. E.g. "Convert this CSV to JSON: name,age\nAda,36" → (0.5 + 0.5 × 2/2) × 0.8 = 0.8.
 */
export interface PlanOutcome {
  result: Record<string, unknown>;
  confidence: number;
  success: boolean;
}

const PLANNER = 'embedded deterministic planner (no LLM configured: set ATOM_LLM_BASE_URL to use a model)';

export function confidenceOf(nameShare: number, guessed: boolean): number {
  return Math.round((0.5 + 0.5 * nameShare) * (guessed ? 0.8 : 1) * 1000) / 1000;
}

/** null, undefined, a blank string, [] and {}: a skill that returned one of these did nothing. */
export function isEmptyOutput(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

const candidateView = (c: Candidate) => ({
  skill: c.tool.title,
  tool: c.tool.name,
  score: c.score,
  name_share: Math.round(c.name_share * 1000) / 1000,
  matched: { name: c.name_hits, tags: c.tag_hits, description: c.description_hits },
});

function fail(trace: Trace, summary: string, extra: Record<string, unknown>): PlanOutcome {
  trace.add('final', { outcome: 'failed', summary });
  return { result: { summary, ...extra }, confidence: 0, success: false };
}

export async function runPlanner(
  req: {
    task: string;
    context: Record<string, unknown>;
    parameters: Record<string, unknown>;
    tools: ToolDef[];
    signal: AbortSignal;
    progress: (n: number) => void;
  },
  gate: ToolGate,
  trace: Trace,
): Promise<PlanOutcome> {
  // "Do not delete anything; just list my files": a tool for an action the task declines is not a candidate.
  const declined = new Set(declinedActions(req.task, gate.actions));
  const { ranked, scoredOn } = chooseTool(
    req.task,
    req.tools.filter((t) => !declined.has(t.action)),
  );
  const best = ranked[0];
  trace.add('plan', {
    planner: PLANNER,
    scored_on: scoredOn,
    chosen: best?.tool.title ?? null,
    candidates: ranked.slice(0, 5).map(candidateView),
    ...(declined.size ? { declined_actions: [...declined] } : {}),
  });
  if (!best)
    return fail(trace, 'No installed skill matches this task.', {
      details: { available_skills: req.tools.map((t) => t.title) },
    });
  const { tool } = best;
  const filled = fillInputs(tool.input_schema, req.task, req.context, req.parameters);
  trace.add('inputs', {
    skill: tool.title,
    tool: tool.name,
    inputs: filled.inputs,
    sources: filled.sources,
    missing: filled.missing,
  });
  const base = { skill: tool.title, inputs: filled.inputs };
  const missing = missingMessage(tool.title, tool.input_schema, filled);
  if (missing) return fail(trace, missing, { ...base, missing: filled.missing });
  if (req.signal.aborted) throw req.signal.reason;
  const res = await gate.call(tool, filled.inputs, req.signal);
  req.progress(90);
  if (!res.ok)
    return fail(trace, `${tool.title} failed: ${res.error ?? 'no reason given'}`, {
      ...base,
      errors: { [tool.title]: res.error ?? 'failed' },
    });
  // `details` repeats the output: a large one is referenced, not copied (stored.ts).
  const details = { [tool.title]: inlineOrRef(res.output, '#/output') };
  if (isEmptyOutput(res.output))
    return fail(trace, `${tool.title} returned nothing`, { ...base, output: res.output ?? null, details });
  const summary = `Ran ${tool.title}.`;
  trace.add('final', { outcome: 'completed', summary });
  return {
    result: { summary, ...base, output: res.output, details },
    confidence: confidenceOf(best.name_share, filled.guessed),
    success: true,
  };
}
