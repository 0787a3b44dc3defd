import type { ToolDef } from '../../../platform/tools.js';

/**
 * Which one tool the embedded planner runs for a task: every tool is scored by the task's words
 * found in its title (3 points each), else its tags (2), else its description (1). A tool
 * qualifies with a title word, or with at least two tag/description words; the best qualifying
 * score wins, ties broken by more title words, then title, then name (plain code-unit order).
 * Words are compared after a light stemmer, so validate/validator/validation, statistic(s) and
 * score/scorer/scoring meet.
 */
const STOP = new Set(
  (
    'a an and are as at be by do for from has have i if in into is it its me my no not of on or our so than that ' +
    'the then this to up us was we were will with you your ' +
    'please can could would should give let make run use just also some any all these those what which how who'
  ).split(' '),
);

/** Derivational endings, longest first; one is removed, leaving a stem of three letters or more. */
const ENDINGS = [
  'ization',
  'ation',
  'ator',
  'ness',
  'ment',
  'able',
  'ible',
  'ify',
  'ing',
  'ity',
  'ate',
  'ive',
  'ic',
  'al',
  'er',
  'ed',
];

export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  const ending = ENDINGS.find((e) => w.endsWith(e) && w.length - e.length >= 3);
  if (ending) w = w.slice(0, -ending.length);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** The distinct stems of a text's meaningful words (letters required; underscores split words). */
export function stems(text: string): Set<string> {
  const raw = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return new Set(raw.filter((w) => w.length > 1 && /[a-z]/.test(w) && !STOP.has(w)).map(stem));
}

/** The part of a task that says what to do: up to the first colon, bracket, line break or `key=`. */
export function instruction(task: string): string {
  return task.split(/[:{[\n]|(?<!\w)[A-Za-z_]\w*\s*=/)[0];
}

export interface Candidate {
  tool: ToolDef;
  score: number;
  name_hits: string[];
  tag_hits: string[];
  description_hits: string[];
  /** Share of the tool's title words found in the task (0..1). */
  name_share: number;
  qualifies: boolean;
}

export function scoreTool(text: string, tool: ToolDef): Candidate {
  const name = stems(tool.title || tool.name);
  const tags = stems(tool.tags.join(' '));
  const description = stems(tool.description);
  const hits = { name: [] as string[], tag: [] as string[], description: [] as string[] };
  for (const w of stems(text)) {
    if (name.has(w)) hits.name.push(w);
    else if (tags.has(w)) hits.tag.push(w);
    else if (description.has(w)) hits.description.push(w);
  }
  return {
    tool,
    score: 3 * hits.name.length + 2 * hits.tag.length + hits.description.length,
    name_hits: hits.name,
    tag_hits: hits.tag,
    description_hits: hits.description,
    name_share: name.size ? hits.name.length / name.size : 0,
    qualifies: hits.name.length > 0 || hits.tag.length + hits.description.length >= 2,
  };
}

const order = (a: Candidate, b: Candidate) =>
  b.score - a.score ||
  b.name_hits.length - a.name_hits.length ||
  cmp(a.tool.title, b.tool.title) ||
  cmp(a.tool.name, b.tool.name);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Scores the tools against the task's instruction (the text before its inputs); when none
 * qualifies there, against the whole task. Returns the qualifying candidates, best first, and
 * the text they were scored on.
 */
export function chooseTool(task: string, tools: ToolDef[]): { ranked: Candidate[]; scoredOn: string } {
  const head = instruction(task).trim();
  for (const text of head && head !== task.trim() ? [head, task] : [task]) {
    const ranked = tools
      .map((t) => scoreTool(text, t))
      .filter((c) => c.qualifies)
      .sort(order);
    if (ranked.length) return { ranked, scoredOn: text };
  }
  return { ranked: [], scoredOn: task };
}
