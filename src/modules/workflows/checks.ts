import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../../platform/errors.js';
import { compile, ExpressionError, referencedNodes, templateExpressions } from './expressions.js';
import type { WorkflowEdge, WorkflowNode } from './graph.js';
import { type RunnableType, runnableType } from './node-kinds.js';
import { ancestors, branchKey, type Plan, planOf } from './run/plan.js';

/**
 * What makes a workflow's nodes right, beyond the graph's shape (graph.ts): expressions that parse
 * and read only nodes upstream of them (checked on save), and, before a workflow is activated or
 * run, nodes that can run — a known building block for each template step, the settings each
 * block needs, cron expressions and time zones that exist, labelled condition branches.
 */
export interface NodeIssue {
  node_id: string | null;
  field: string;
  message: string;
}

/** The config fields of each block that hold JSONata (whole expressions) or templates (`{{…}}`). */
const EXPRESSIONS: Partial<Record<RunnableType, string[]>> = {
  condition: ['expression'],
  transform: ['expression'],
  output: ['expression'],
};
const TEMPLATES: Partial<Record<RunnableType, string[]>> = {
  agent: ['task', 'context', 'parameters'],
  skill: ['inputs'],
  http: ['url', 'headers', 'query', 'body'],
  output: ['value'],
};
const REQUIRED: Partial<Record<RunnableType, string[]>> = {
  condition: ['expression'],
  transform: ['expression'],
  agent: ['task'],
  http: ['url'],
};
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

function expressionIssues(n: WorkflowNode, i: number, type: RunnableType, plan: Plan): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const upstream = ancestors(plan, n.id);
  const check = (field: string, source: string) => {
    try {
      compile(source);
      for (const ref of referencedNodes(source)) {
        if (!plan.byId.has(ref))
          issues.push({
            node_id: n.id,
            field,
            message: `node '${n.id}' reads nodes.${ref}, which is not a node of this workflow`,
          });
        else if (!upstream.has(ref))
          issues.push({
            node_id: n.id,
            field,
            message: `node '${n.id}' reads nodes.${ref}, which does not run before it (add an edge from '${ref}')`,
          });
      }
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      issues.push({
        node_id: n.id,
        field,
        message: `node '${n.id}': ${field.split('.').pop()} is not a valid expression: ${err.message}`,
      });
    }
  };
  for (const key of EXPRESSIONS[type] ?? []) {
    const v = n.config?.[key];
    if (typeof v === 'string' && v.trim()) check(`nodes[${i}].config.${key}`, v);
    else if (v !== undefined && typeof v !== 'string')
      issues.push({
        node_id: n.id,
        field: `nodes[${i}].config.${key}`,
        message: `node '${n.id}': ${key} must be a string`,
      });
  }
  for (const key of TEMPLATES[type] ?? [])
    for (const source of templateExpressions(n.config?.[key])) check(`nodes[${i}].config.${key}`, source);
  return issues;
}

/** Checked whenever a workflow is saved: expressions parse and read only upstream nodes. */
export function saveIssues(nodes: WorkflowNode[], edges: WorkflowEdge[]): NodeIssue[] {
  const plan = planOf(nodes, edges);
  return nodes.flatMap((n, i) => {
    const t = runnableType(n);
    return 'type' in t ? expressionIssues(n, i, t.type, plan) : [];
  });
}

function cronIssues(n: WorkflowNode, i: number): NodeIssue[] {
  const cron = n.config?.cron;
  if (cron === undefined) return [];
  const field = `nodes[${i}].config.cron`;
  if (typeof cron !== 'string')
    return [{ node_id: n.id, field, message: `node '${n.id}': cron must be a string such as "0 9 * * *"` }];
  const tz = n.config?.timezone ?? 'UTC';
  if (typeof tz !== 'string' || !validTimeZone(tz)) {
    return [
      {
        node_id: n.id,
        field: `nodes[${i}].config.timezone`,
        message: `node '${n.id}': unknown time zone '${String(tz)}' (an IANA name such as Europe/Paris)`,
      },
    ];
  }
  try {
    CronExpressionParser.parse(cron, { tz }).next();
    return [];
  } catch (err) {
    return [
      { node_id: n.id, field, message: `node '${n.id}': cron '${cron}' is not valid: ${(err as Error).message}` },
    ];
  }
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function blockIssues(n: WorkflowNode, i: number, type: RunnableType, plan: Plan): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const c = n.config ?? {};
  const add = (field: string, message: string) =>
    issues.push({ node_id: n.id, field: `nodes[${i}].config.${field}`, message: `node '${n.id}' ${message}` });
  for (const key of REQUIRED[type] ?? [])
    if (c[key] === undefined || c[key] === '') add(key, `(${type}) needs config.${key}`);
  if (type === 'agent' && !c.agent_id && !c.agent)
    add('agent_id', "(agent) needs config.agent_id or config.agent (an agent's name)");
  if (type === 'skill' && !c.skill_id && !c.skill)
    add('skill_id', "(skill) needs config.skill_id or config.skill (an installed skill's name)");
  if (type === 'http' && c.method !== undefined && !METHODS.has(String(c.method).toUpperCase())) {
    add('method', `has method '${String(c.method)}'; use one of ${[...METHODS].join(', ')}`);
  }
  if (type === 'condition') {
    for (const e of plan.outgoing.get(n.id)!) {
      if (branchKey(e) !== null) continue;
      const message =
        `the edge ${e.source} → ${e.target} leaves condition '${n.id}' without a branch: set "when" ` +
        `(true, false, a value, or default)`;
      issues.push({ node_id: n.id, field: 'edges', message });
    }
  }
  if (type === 'trigger') issues.push(...cronIssues(n, i));
  return issues;
}

/** Checked when a workflow is activated or run: every node can run as it stands. */
export function runIssues(nodes: WorkflowNode[], edges: WorkflowEdge[]): NodeIssue[] {
  const plan = planOf(nodes, edges);
  if (!nodes.length) return [{ node_id: null, field: 'nodes', message: 'the workflow has no nodes' }];
  return nodes.flatMap((n, i) => {
    const t = runnableType(n);
    if ('error' in t) return [{ node_id: n.id, field: `nodes[${i}].config.step_type`, message: t.error }];
    return [...expressionIssues(n, i, t.type, plan), ...blockIssues(n, i, t.type, plan)];
  });
}

export function assertNoIssues(issues: NodeIssue[], what: string): void {
  if (!issues.length) return;
  const first = issues[0];
  throw new AppError('VALIDATION_ERROR', `${what}: ${first.message}`, {
    field: first.field,
    node_id: first.node_id,
    message: first.message,
    errors: issues,
  });
}
