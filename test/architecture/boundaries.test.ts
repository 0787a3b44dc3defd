// Module boundaries (issue 22), read from the import graph of src/modules (imports.ts):
// - a module's repo.ts (any file of that name, nested ones too) is private to its top-level module
//   (src/modules/<module>/...): other modules call its service or the exported functions it
//   publishes for them (queries.ts and files named for what they answer);
// - no import cycle among the files of src/modules, type-only imports included.
// The scanner itself is checked on a fixture, so these cannot pass by reading nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import { describeCycle, describeImport, findCycles, repoViolations, scanImports } from './imports.js';

const MODULES = join(REPO_ROOT, 'src/modules');

describe('module boundaries', () => {
  const imports = scanImports(MODULES);

  it('reads the import graph of src/modules', () => {
    // A scanner that found nothing would pass the rules below: the graph is hundreds of imports, some of them of repos.
    assert.ok(imports.length > 300, `only ${imports.length} imports found under ${MODULES}`);
    assert.ok(
      imports.some((i) => i.to.endsWith('/repo.ts')),
      'no import of any repo.ts found',
    );
  });

  it("no module imports another module's repo.ts", () => {
    const bad = repoViolations(imports);
    assert.equal(
      bad.length,
      0,
      `A module's repo.ts is private to it; call its service or an exported query ` +
        `instead:\n  ${bad.map(describeImport).join('\n  ')}`,
    );
  });

  it('no import cycle among the files of src/modules (type-only imports included)', () => {
    const cycles = findCycles(imports);
    assert.equal(cycles.length, 0, `Import cycles:\n  ${cycles.map((c) => describeCycle(c, imports)).join('\n  ')}`);
  });
});

describe('the import scanner, on a fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atom-boundaries-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  put('modules/b/repo.ts', 'export const x = 1;\nexport type Row = { id: string };\n');
  put('modules/b/journal/repo.ts', 'export const y = 2;\n');
  put(
    'modules/b/service.ts',
    "import { x } from './repo.js';\nimport { y } from './journal/repo.js';\nexport const z = x + y;\n",
  );
  put(
    'modules/a/service.ts',
    "import { z } from '../b/service.js';\nimport type {\n  Row,\n} from '../b/repo.js';\nexport const w: Row | " +
      'number = z;\n',
  );
  put('modules/a/deep/view.ts', "export { y } from '../../b/journal/repo.js';\n");
  put('modules/c/one.ts', "import type { Two } from './two.js';\nexport type One = { two?: Two };\n");
  put('modules/c/two.ts', "import type { One } from './one.js';\nexport type Two = { one?: One };\n");
  put('modules/c/lazy.ts', "export const load = () => import('../b/repo.js');\n");
  const found = scanImports(join(dir, 'modules'));

  it(
    "finds imports of another module's repo.ts (multi-line, type-only, re-exports, dynamic, nested repos), not a " +
      "module's own",
    () => {
      const bad = repoViolations(found).map(describeImport).sort();
      assert.deepEqual(bad, [
        "modules/a/deep/view.ts:1 imports '../../b/journal/repo.js' (modules/b/journal/repo.ts)",
        "modules/a/service.ts:4 imports '../b/repo.js' (modules/b/repo.ts)",
        "modules/c/lazy.ts:1 imports '../b/repo.js' (modules/b/repo.ts)",
      ]);
    },
  );

  it('finds a cycle of type-only imports and names each import in it', () => {
    const cycles = findCycles(found);
    assert.equal(cycles.length, 1);
    assert.equal(
      describeCycle(cycles[0]!, found),
      "modules/c/one.ts:1 imports './two.js' (modules/c/two.ts)\n    → modules/c/two.ts:1 imports './one.js' " +
        '(modules/c/one.ts)',
    );
  });
});
