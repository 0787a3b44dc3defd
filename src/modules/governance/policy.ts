import { askedActions } from './verbs.js';

/**
 * Maturity-gated governance, in one table. Every action an agent attempts has a complexity from
 * 1 to 4; each complexity needs a minimum maturity. Tenants may move an action to another level
 * (governance_overrides) or add their own actions; the defaults below are the platform's.
 */
export const MATURITY_LEVELS = ['student', 'intern', 'supervised', 'autonomous'] as const;
export type Maturity = (typeof MATURITY_LEVELS)[number];

export const DEFAULT_ACTIONS: Record<string, 1 | 2 | 3 | 4> = {
  // 1: read-only
  read: 1,
  search: 1,
  list: 1,
  summarize: 1,
  summarise: 1,
  find: 1,
  lookup: 1,
  view: 1,
  get: 1,
  fetch: 1,
  query: 1,
  respond: 1,
  // 2: thinking about things, proposing
  analyze: 2,
  analyse: 2,
  draft: 2,
  suggest: 2,
  plan: 2,
  compare: 2,
  recommend: 2,
  forecast: 2,
  report: 2,
  evaluate: 2,
  review: 2,
  // 3: changing things, talking to people
  create: 3,
  update: 3,
  send_email: 3,
  post_message: 3,
  schedule: 3,
  send: 3,
  post: 3,
  write: 3,
  edit: 3,
  modify: 3,
  book: 3,
  // 4: irreversible, money, authority, scale
  delete: 4,
  execute: 4,
  deploy: 4,
  payment: 4,
  pay: 4,
  transfer: 4,
  approve: 4,
  bulk: 4,
  remove: 4,
  purge: 4,
  drop: 4,
};

/** The least maturity allowed to perform an action of each complexity. */
export const REQUIRED_MATURITY: Record<1 | 2 | 3 | 4, Maturity> = {
  1: 'student',
  2: 'intern',
  3: 'supervised',
  4: 'autonomous',
};

const REASONS: Record<Maturity, string> = {
  student: 'Student agents are read-only. Graduate agent to intern for proposal permissions.',
  intern: 'Intern agents may analyze and propose. Graduate agent to supervised to create or send.',
  supervised:
    'Supervised agents may create and send under approval. Graduate agent to autonomous for high-risk actions.',
  autonomous: 'Autonomous agents may perform every action.',
};

export const rank = (m: Maturity) => MATURITY_LEVELS.indexOf(m);

export type ActionTable = Record<string, number>;

export interface Decision {
  outcome: 'allow' | 'deny' | 'approval';
  action: string;
  complexity: number;
  current_maturity: Maturity;
  required_maturity: Maturity;
  reason: string;
}

/**
 * allow, deny, or ask a human: below the required maturity is denied; a supervised agent's
 * level-3 action and any high-risk tool wait for an approval.
 */
export function decide(maturity: Maturity, action: string, complexity: number, highRisk = false): Decision {
  const level = Math.min(4, Math.max(1, complexity)) as 1 | 2 | 3 | 4;
  const required = REQUIRED_MATURITY[level];
  const base = { action, complexity: level, current_maturity: maturity, required_maturity: required };
  if (rank(maturity) < rank(required)) return { ...base, outcome: 'deny', reason: REASONS[maturity] };
  if (maturity === 'supervised' && level >= 3)
    return { ...base, outcome: 'approval', reason: 'Supervised agents need a human approval for level-3 actions.' };
  if (highRisk)
    return { ...base, outcome: 'approval', reason: 'High-risk tools need a human approval before they run.' };
  return { ...base, outcome: 'allow', reason: REASONS[maturity] };
}

/**
 * The action a task asks for: the most demanding governance verb it asks for (the first of equals),
 * negated and quoted verbs left out (see verbs.ts). A task naming none is a plain response, `respond`.
 */
export function classifyTask(task: string, table: ActionTable): { action: string; complexity: number } {
  let best: { action: string; complexity: number } | null = null;
  for (const action of askedActions(task, table)) {
    if (!best || table[action] > best.complexity) best = { action, complexity: table[action] };
  }
  return best ?? { action: 'respond', complexity: table.respond ?? 1 };
}
