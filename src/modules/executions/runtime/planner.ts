import type { ToolDef } from '../../../platform/tools.js';
import type { ToolGate } from './gate.js';
import type { Trace } from './trace.js';

/**
 * The embedded default when no LLM is configured: a deterministic planner. It scores every
 * available tool by how many of the task's words appear in the tool's name and description,
 * runs the relevant ones in score order, and reports what they returned.
 *
 * confidence = (successful calls / calls) × coverage, where coverage is the share of the task's
 * meaningful words that the chosen tools' descriptions cover.
 */
const STOP = new Set('a an and are as at be by for from has have in into is it its of on or that the this to was were will with me my our your please can could would should then than'.split(' '));
const MAX_TOOLS = 3;

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2 && !STOP.has(w)).map((w) => w.replace(/(ies)$/, 'y').replace(/(ing|ed|es|s)$/, ''));
}

export function rank(task: string, tools: ToolDef[]) {
  const taskWords = new Set(words(task));
  return tools
    .map((tool) => {
      const vocab = new Set(words(`${tool.name.replace(/[_-]/g, ' ')} ${tool.description}`));
      const hits = [...taskWords].filter((w) => vocab.has(w));
      return { tool, hits, score: taskWords.size ? hits.length / taskWords.size : 0 };
    })
    .filter((r) => r.hits.length > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name));
}

/** Arguments for a tool from the request: the task text plus context and parameters, limited to what the tool's schema declares. */
export function argumentsFor(tool: ToolDef, task: string, context: Record<string, unknown>, parameters: Record<string, unknown>) {
  const all: Record<string, unknown> = { task, input: task, query: task, text: task, ...context, ...parameters };
  const props = (tool.input_schema as { properties?: Record<string, unknown> }).properties;
  if (!props) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k in props));
}

export async function runPlanner(
  req: { task: string; context: Record<string, unknown>; parameters: Record<string, unknown>; tools: ToolDef[]; signal: AbortSignal; progress: (n: number) => void },
  gate: ToolGate,
  trace: Trace,
): Promise<{ result: Record<string, unknown>; confidence: number; success: boolean }> {
  const ranked = rank(req.task, req.tools).slice(0, MAX_TOOLS);
  trace.add('plan', {
    planner: 'embedded deterministic planner (no LLM configured: set ATOM_LLM_BASE_URL to use a model)',
    candidates: ranked.map((r) => ({ tool: r.tool.name, score: Math.round(r.score * 1000) / 1000, matched: r.hits })),
  });
  if (ranked.length === 0) {
    trace.add('final', { outcome: 'no installed skill matches this task' });
    return { result: { summary: 'No installed skill matches this task.', details: { available_tools: req.tools.map((t) => t.name) } }, confidence: 0, success: false };
  }
  const outputs: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [i, { tool }] of ranked.entries()) {
    if (req.signal.aborted) throw req.signal.reason;
    const res = await gate.call(tool, argumentsFor(tool, req.task, req.context, req.parameters), req.signal);
    if (res.ok) outputs[tool.name] = res.output;
    else errors[tool.name] = res.error ?? 'failed';
    req.progress(Math.round(((i + 1) / ranked.length) * 90));
  }
  const covered = new Set(ranked.flatMap((r) => r.hits));
  const coverage = covered.size / Math.max(1, new Set(words(req.task)).size);
  const successRatio = gate.calls ? gate.successes / gate.calls : 0;
  const success = Object.keys(outputs).length > 0;
  const summary = success
    ? `Ran ${Object.keys(outputs).join(', ')}${Object.keys(errors).length ? `; ${Object.keys(errors).join(', ')} failed` : ''}.`
    : `Every matching skill failed: ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}`;
  trace.add('final', { outcome: success ? 'completed' : 'failed', summary });
  return { result: { summary, details: outputs, ...(Object.keys(errors).length ? { errors } : {}) }, confidence: Math.round(successRatio * coverage * 1000) / 1000, success };
}
