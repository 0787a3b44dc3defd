// The import graph of src/modules, read with a plain regex (no compiler): every relative
// `import … from`, `export … from`, side-effect `import '…'` and `import('…')`, type-only ones
// included. Used by boundaries.test.ts for two rules: a module's repo.ts is private to it, and
// no import cycle among the files of src/modules.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface Import {
  /** Path of the importing file, relative to the scanned root's parent (e.g. `modules/chat/service.ts`). */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The file it resolves to (same form as `from`). */
  to: string;
  /** The line the specifier is on. */
  line: number;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(join(dir, e.name))
        : /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

/** `./x.js` → `./x.ts` (or the file as written, or its index.ts); undefined when nothing is there. */
function resolveFile(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(m?js|ts)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Every relative import of every source file under `root` that lands inside `root`. */
export function scanImports(root: string): Import[] {
  const top = dirname(resolve(root));
  const name = (file: string) => relative(top, file).split(sep).join('/');
  const out: Import[] = [];
  for (const file of sourceFiles(resolve(root))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const specifier = m[1]!;
      if (!specifier.startsWith('.')) continue;
      const target = resolveFile(file, specifier);
      if (!target?.startsWith(resolve(root) + sep)) continue;
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ from: name(file), specifier, to: name(target), line });
    }
  }
  return out;
}

/** The top-level module a path belongs to: `modules/executions/journal/repo.ts` → `executions`. */
export const moduleOf = (path: string) => path.split('/')[1]!;

/** Imports of another module's repo.ts (any file named repo.ts, nested ones too). */
export function repoViolations(imports: Import[]): Import[] {
  return imports.filter((i) => i.to.endsWith('/repo.ts') && moduleOf(i.from) !== moduleOf(i.to));
}

/** Each import cycle once, as the list of files around it (the first file repeated at the end). */
export function findCycles(imports: Import[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const i of imports) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of new Set(edges.get(file) ?? [])) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/** How a failure names a repo violation: the file, its line, the import as written and what it reaches. */
export const describeImport = (i: Import) => `${i.from}:${i.line} imports '${i.specifier}' (${i.to})`;

/** How a failure names a cycle: each file and the import that leads on to the next. */
export function describeCycle(cycle: string[], imports: Import[]): string {
  return cycle
    .slice(0, -1)
    .map((file, k) => {
      const i = imports.find((x) => x.from === file && x.to === cycle[k + 1])!;
      return describeImport(i);
    })
    .join('\n    → ');
}
