/**
 * `npm run sdk:types`: writes sdk/src/generated/openapi.ts (every path and operation, with its
 * parameters, request body and responses as TypeScript types) from the server's OpenAPI document.
 *
 * The document comes from a running server when ATOM_URL is set (GET $ATOM_URL/api/openapi.json),
 * else from a fresh in-process server on an in-memory database, built with the test settings
 * (test-mode login on) so the output is the same on every machine. test/sdk/openapi.test.ts
 * regenerates it and fails when the committed file differs: the SDK and the server cannot drift.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './repo-root.js';

type Schema = Record<string, any>;
export const GENERATED_FILE = join(REPO_ROOT, 'sdk/src/generated/openapi.ts');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The OpenAPI document of a fresh server (no network), or of ATOM_URL when given. */
export async function fetchOpenApi(url = process.env.ATOM_URL): Promise<Schema> {
  if (url) {
    const res = await fetch(new URL('/api/openapi.json', url));
    if (!res.ok) throw new Error(`GET ${url}/api/openapi.json answered ${res.status}`);
    return (await res.json()) as Schema;
  }
  const { buildApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'atom-sdk-types-'));
  const config = loadConfig({
    ATOM_ADMIN_KEY: 'adm_sdk_types_generation_only',
    ATOM_TEST_SECRET: 'sdk-types',
    ATOM_DATA_DIR: dataDir,
    DATABASE_URL: 'memory://',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const built = await buildApp(config);
  try {
    const res = await built.app.inject({ method: 'GET', url: '/api/openapi.json' });
    return JSON.parse(res.body) as Schema;
  } finally {
    await built.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
const pad = (n: number) => '  '.repeat(n);

/** A JSON Schema (OpenAPI 3.0 flavour) as a TypeScript type. */
export function tsType(s: Schema | undefined, depth = 0): string {
  if (!s || typeof s !== 'object' || Object.keys(s).length === 0) return 'unknown';
  let t = baseType(s, depth);
  if (s.nullable === true && t !== 'unknown') t = `${t} | null`;
  return t;
}

function baseType(s: Schema, depth: number): string {
  if (s.$ref) return `components['schemas'][${JSON.stringify(String(s.$ref).split('/').pop())}]`;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts)) return union(alts.map((a: Schema) => tsType(a, depth)));
  if (Array.isArray(s.allOf)) return s.allOf.map((a: Schema) => `(${tsType(a, depth)})`).join(' & ');
  if (Array.isArray(s.type)) return union(s.type.map((type: string) => tsType({ ...s, type }, depth)));
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${tsType(s.items, depth)}>`;
    case 'object':
      return objectType(s, depth);
    default:
      return s.properties ? objectType(s, depth) : 'unknown';
  }
}

function union(parts: string[]): string {
  const uniq = [...new Set(parts)];
  return uniq.length === 1 ? uniq[0] : uniq.map((p) => (p.includes('=>') ? `(${p})` : p)).join(' | ');
}

function objectType(s: Schema, depth: number): string {
  const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
  const required = new Set<string>(s.required ?? []);
  const extra = s.additionalProperties;
  const lines = props.map(
    ([k, v]) => `${pad(depth + 1)}${key(k)}${required.has(k) ? '' : '?'}: ${tsType(v, depth + 1)};`,
  );
  if (extra && typeof extra === 'object' && Object.keys(extra).length > 0) {
    lines.push(`${pad(depth + 1)}[key: string]: ${props.length ? 'unknown' : tsType(extra, depth + 1)};`);
  } else if (extra !== false && (extra === true || props.length === 0)) {
    lines.push(`${pad(depth + 1)}[key: string]: unknown;`);
  }
  return lines.length ? `{\n${lines.join('\n')}\n${pad(depth)}}` : '{}';
}

function params(op: Schema, where: string, depth: number): string {
  const list = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === where);
  if (!list.length) return 'never';
  const lines = list.map(
    (p) => `${pad(depth + 1)}${key(p.name)}${p.required ? '' : '?'}: ${tsType(p.schema, depth + 1)};`,
  );
  return `{\n${lines.join('\n')}\n${pad(depth)}}`;
}

function operation(op: Schema, depth: number): string {
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Schema>).map(
    ([code, r]) =>
      `${pad(depth + 2)}${JSON.stringify(code)}: ${tsType(r.content?.['application/json']?.schema, depth + 2)};`,
  );
  return [
    '{',
    `${pad(depth + 1)}parameters: {`,
    `${pad(depth + 2)}path: ${params(op, 'path', depth + 2)};`,
    `${pad(depth + 2)}query: ${params(op, 'query', depth + 2)};`,
    `${pad(depth + 1)}};`,
    `${pad(depth + 1)}requestBody: ${body ? tsType(body, depth + 1) : 'never'};`,
    `${pad(depth + 1)}responses: {`,
    ...responses,
    `${pad(depth + 1)}};`,
    `${pad(depth)}}`,
  ].join('\n');
}

/** The whole generated module, deterministic for one document. */
export function renderOpenApiTypes(doc: Schema): string {
  const paths = Object.keys(doc.paths ?? {}).sort();
  const ops: string[] = [];
  const pathLines: string[] = [];
  for (const p of paths) {
    const item = doc.paths[p] as Schema;
    const methods = METHODS.filter((m) => item[m]);
    pathLines.push(`  ${JSON.stringify(p)}: {`);
    for (const m of methods) {
      ops.push(`${m.toUpperCase()} ${p}`);
      pathLines.push(`    ${m}: ${operation(item[m], 2)};`);
    }
    pathLines.push('  };');
  }
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return [
    '/* eslint-disable */',
    "// Generated by `npm run sdk:types` from the server's GET /api/openapi.json. Do not edit by hand:",
    '// test/sdk/openapi.test.ts fails when this file and a fresh server disagree.',
    '',
    `export const OPENAPI_VERSION = ${JSON.stringify(`${doc.info?.title ?? ''} ${doc.info?.version ?? ''}`.trim())};`,
    '',
    '/** Every operation the server documents, as "METHOD /path". */',
    `export const OPERATIONS = [\n${ops.map((o) => `  ${JSON.stringify(o)},`).join('\n')}\n] as const;`,
    'export type Operation = (typeof OPERATIONS)[number];',
    '',
    'export interface components {',
    '  schemas: {',
    ...schemas.map(([name, s]) => `    ${key(name)}: ${tsType(s, 2)};`),
    '  };',
    '}',
    '',
    'export interface paths {',
    ...pathLines,
    '}',
    '',
  ].join('\n');
}

async function main() {
  const doc = await fetchOpenApi();
  writeFileSync(GENERATED_FILE, renderOpenApiTypes(doc));
  console.log(`wrote ${GENERATED_FILE} (${Object.keys(doc.paths ?? {}).length} paths)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
