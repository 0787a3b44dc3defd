/**
 * Which governance verbs a task asks for, read from its words. Lower-cased; quoted passages are
 * dropped (a ticket titled 'Delete my account' asks for nothing); the table's two-word actions are
 * joined ("send an email" → send_email); then the words are read left to right: a negator ("do not",
 * "never", "without", "instead of"…) negates the verbs that follow it up to a clause boundary
 * (punctuation, "but", "just", "only", "and then"…). "Don't forget to" cancels a negation and
 * "unless"/"except" bring the negated verbs back: those tasks still ask for them.
 */
type Table = Record<string, number>;

const QUOTED = [
  /"[^"]*"/g,
  /“[^”]*”/g,
  /«[^»]*»/g,
  /`[^`]*`/g,
  // Curly single quotes: ’ inside a word (don’t) is an apostrophe, not the closing quote.
  /‘(?:[^’]|’(?=\p{L}))*?’(?![\p{L}\p{N}])/gu,
  // Straight single quotes open after a non-letter and close before one; it's/don't stay words.
  /(?<![\p{L}\p{N}])'(?=[\p{L}\p{N}])(?:[^']|'(?=\p{L}))*?'(?![\p{L}\p{N}])/gu,
];
/** Stands for a quoted passage: an object word that no action can be named (actions start with a letter). */
const QUOTE_MARK = ' _quoted_ ';
/** These negate only a gerund: "stop sending emails", not "stop the server and deploy". */
const GERUND_NEGATORS = new Set(['stop', 'stops', 'quit', 'cease', 'skip']);
const TOKEN = /[a-z0-9_]+(?:'[a-z]+)?|[;,.!?:()[\]{}\n—–]|\s-\s/g;

function words(task: string): string[] {
  let text = task.toLowerCase();
  for (const re of QUOTED) text = text.replace(re, QUOTE_MARK);
  text = text.replace(/’/g, "'").replace(/\be-mail/g, 'email');
  const w = (text.match(TOKEN) ?? []).map((t) => t.trim() || '-');
  // "stop sending emails" negates; "stop the server and deploy" does not. Read before "sending emails" becomes
  // send_email.
  return w.map((x, i) => (GERUND_NEGATORS.has(x) && w[i + 1]?.endsWith('ing') ? 'not' : x));
}

const IRREGULAR: Record<string, string> = {
  sent: 'send',
  wrote: 'write',
  written: 'write',
  paid: 'pay',
  found: 'find',
  got: 'get',
  gotten: 'get',
  bought: 'buy',
  ran: 'run',
};
const INFLECTIONS: [RegExp, string][] = [
  [/ies$/, 'y'],
  [/ied$/, 'y'],
  [/s$/, ''],
  [/es$/, ''],
  [/d$/, ''],
  [/ed$/, ''],
  [/ing$/, ''],
  [/ing$/, 'e'],
  [/([b-df-hj-np-tv-z])\1(?:ed|ing)$/, '$1'], // dropped, planning
];

/** The dictionary form of `word` that `known` accepts: the word itself, an irregular form, or one inflection off. */
export function lemma(word: string, known: (w: string) => boolean): string | undefined {
  if (known(word)) return word;
  if (IRREGULAR[word] && known(IRREGULAR[word])) return IRREGULAR[word];
  for (const [re, to] of INFLECTIONS) {
    const base = word.replace(re, to);
    if (base !== word && base.length >= 2 && known(base)) return base;
  }
  return undefined;
}

const DETERMINERS = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'my',
  'our',
  'your',
  'their',
  'his',
  'her',
  'its',
  'some',
  'any',
  'all',
  'every',
  'each',
  'new',
]);

/** How many words at `i` spell the multi-word action `parts` ("sending the emails" for send_email), 0 if they don't. */
function compoundAt(w: string[], i: number, parts: string[]): number {
  if (!lemma(w[i], (x) => x === parts[0])) return 0;
  let j = i + 1;
  while (j < i + 3 && DETERMINERS.has(w[j])) j += 1;
  for (const part of parts.slice(1)) {
    if (w[j] === undefined || !lemma(w[j], (x) => x === part)) return 0;
    j += 1;
  }
  return j - i;
}

/** The words with the table's multi-word actions (send_email, a tenant's issue_refund) joined into one. */
function joinCompounds(w: string[], table: Table): string[] {
  const compounds = Object.keys(table)
    .filter((k) => k.includes('_'))
    .map((k) => k.split('_'))
    .filter((p) => p.every(Boolean));
  const out: string[] = [];
  for (let i = 0; i < w.length; i += 1) {
    const hit = compounds.map((parts) => ({ parts, n: compoundAt(w, i, parts) })).find((c) => c.n > 0);
    out.push(hit ? hit.parts.join('_') : w[i]);
    if (hit) i += hit.n - 1;
  }
  return out;
}

const NEGATORS = new Set([
  'not',
  'never',
  'no',
  'nor',
  'neither',
  'without',
  'cannot',
  'avoid',
  'avoiding',
  'refrain',
  'refraining',
  'dont',
  'doesnt',
  'didnt',
  'wont',
  'cant',
  'shouldnt',
  'wouldnt',
  'couldnt',
  'mustnt',
  'neednt',
  'isnt',
  'arent',
]);
const NEGATOR_PHRASES = [
  ['instead', 'of'],
  ['rather', 'than'],
];
const BOUNDARY_WORDS = new Set([
  'but',
  'just',
  'only',
  'instead',
  'then',
  'however',
  'although',
  'though',
  'whereas',
  'rather',
  'also',
  'please',
]);
const EXCEPTION_PHRASES = [
  ['unless'],
  ['except'],
  ['excepting'],
  ['besides'],
  ['other', 'than'],
  ['apart', 'from'],
  ['aside', 'from'],
];
/** "delete anything but the logs" is an exception, not a new clause. */
const EXCEPTION_BEFORE_BUT = new Set(['anything', 'everything', 'nothing', 'all']);
/** A double negative: "don't forget to delete" asks for the delete. */
const UNNEGATE = new Set(['forget', 'fail', 'hesitate', 'neglect']);
/** "delete nothing", "modify none of them": the verb before is negated. */
const NOTHING = new Set(['nothing', 'none']);

const phraseAt = (w: string[], i: number, phrases: string[][]) =>
  phrases.find((p) => p.every((x, k) => w[i + k] === x))?.length ?? 0;

const negatorAt = (w: string[], i: number) =>
  NEGATORS.has(w[i]) || w[i].endsWith("n't") ? 1 : phraseAt(w, i, NEGATOR_PHRASES);
const exceptionAt = (w: string[], i: number) =>
  w[i] === 'but' && EXCEPTION_BEFORE_BUT.has(w[i - 1]) ? 1 : phraseAt(w, i, EXCEPTION_PHRASES);
const isBoundary = (x: string) => BOUNDARY_WORDS.has(x) || !/^[a-z0-9_]/.test(x);

/**
 * Reading state: whether the current words are negated ('object': only up to the next verb), and the verbs negated so
 * far.
 */
interface Reading {
  negated: false | 'clause' | 'object';
  pending: string[];
  asked: string[];
}
const affirm = (r: Reading) => {
  r.asked.push(...r.pending);
  clear(r);
};
const clear = (r: Reading) => {
  r.negated = false;
  r.pending = [];
};

/** Reads the word at `i`; returns how many words it consumed. */
function read(w: string[], i: number, table: Table, r: Reading): number {
  const verb = (x: string | undefined) => (x === undefined ? undefined : lemma(x, (y) => Object.hasOwn(table, y)));
  let n = negatorAt(w, i);
  if (n) {
    r.negated = 'clause';
    return n;
  }
  if (r.negated) {
    n = exceptionAt(w, i);
    if (n) {
      affirm(r);
      return n;
    }
  }
  if (isBoundary(w[i])) {
    // "Do not create, update or delete anything": a comma right after a negated verb continues the list.
    if (!(w[i] === ',' && r.negated === 'clause' && verb(w[i - 1]))) clear(r);
    return 1;
  }
  if (r.negated && UNNEGATE.has(w[i])) {
    clear(r);
    return 1;
  }
  const action = verb(w[i]);
  if (!action) return 1;
  if (r.negated === 'object') clear(r);
  if (NOTHING.has(w[i + 1])) {
    r.negated = 'object';
    r.pending.push(action);
    return 2;
  }
  (r.negated ? r.pending : r.asked).push(action);
  return 1;
}

/** The actions of `table` that the task asks for, in the order it names them. */
export function askedActions(task: string, table: Table): string[] {
  const w = joinCompounds(words(task), table);
  const r: Reading = { negated: false, pending: [], asked: [] };
  for (let i = 0; i < w.length; ) i += read(w, i, table, r);
  return r.asked;
}

/**
 * The actions a task names but does not ask for: negated ("do not delete anything") or quoted.
 * A planner must not pick a tool for them just because the task mentions their verb.
 */
export function declinedActions(task: string, table: Table): string[] {
  const asked = new Set(askedActions(task, table));
  const named = (task.toLowerCase().match(/[a-z]+/g) ?? []).map((w) => lemma(w, (y) => Object.hasOwn(table, y)));
  return [...new Set(named)].filter((a): a is string => !!a && !asked.has(a));
}
