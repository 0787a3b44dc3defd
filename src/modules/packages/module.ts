import { readFile } from 'node:fs/promises';
import type { AppContext } from '../../platform/context.js';
import { type AdvisoryInput, packagesService } from './service.js';

const ADVISORIES_FILE = new URL('./advisories.json', import.meta.url);

/** Loads the advisory file into the database; entries already there (perhaps corrected by an admin) are kept. */
export async function setupPackages(ctx: AppContext): Promise<void> {
  const { advisories } = JSON.parse(await readFile(ADVISORIES_FILE, 'utf8')) as { advisories: AdvisoryInput[] };
  const packages = packagesService(ctx);
  for (const a of advisories) await packages.upsertAdvisory(a, 'seed');
}
