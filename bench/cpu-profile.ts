import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 .cpuprofile (`node --cpu-prof`): the functions with the most self time and the
 * most inclusive time (self + callees, each function counted once per stack), as shares of the
 * non-idle samples.
 *   node --import tsx bench/cpu-profile.ts <file.cpuprofile> [top=30] [filter]
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg, filter] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file!, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};
const TOP = Number(topArg ?? 30);
// PROFILE_LAST_S=10: only the samples of the last 10 s (the measured load, without the start).
const since = prof.endTime - Number(process.env.PROFILE_LAST_S ?? 1e9) * 1e6;

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => {
  const url = n.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '~')
    .replace(/.*\/wt-[^/]+\//, '');
  return `${n.callFrame.functionName || '(anon)'} ${url}:${n.callFrame.lineNumber + 1}`;
};

const self = new Map<string, number>();
const pkg = new Map<string, number>();
const pkgOf = (n: Node) => {
  const u = n.callFrame.url;
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  if (u.includes('/src/') || u.includes('/bench/')) return u.replace(/.*\/wt-[^/]+\//, '');
  return u.startsWith('node:') ? 'node' : u || n.callFrame.functionName;
};
const incl = new Map<string, number>();
let total = 0;
let idle = 0;
let at = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  at += dt;
  if (at < since) continue;
  const leaf = byId.get(prof.samples[i]!)!;
  const name = leaf.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') {
    idle += dt;
    if (name === '(idle)') continue;
  }
  total += dt;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  pkg.set(pkgOf(leaf), (pkg.get(pkgOf(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id)!);
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + dt);
  }
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  [...m.entries()]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .forEach(([k, v]) => {
      console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
    });
};
console.log(`busy ${(total / 1000).toFixed(0)} ms (program ${(idle / 1000).toFixed(0)} ms incl.)`);
show('self time by package or file', pkg);
show('self time', self);
show('inclusive time', incl);
