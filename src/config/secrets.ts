import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './parse.js';
import type { EnvSettings } from './schema.js';

type Given = Pick<EnvSettings, 'ATOM_ADMIN_KEY' | 'ATOM_ENCRYPTION_KEY' | 'ATOM_JWT_SECRET'>;

interface Secrets {
  adminKey?: string;
  encryptionKey?: string;
  jwtSecret?: string;
}

/**
 * Secrets left unset are generated on first start and kept in the data directory, so a restart
 * keeps tokens and encrypted data valid. In production they must be given.
 */
export function loadSecrets(env: Given, dataDir: string, persist: boolean, production: boolean) {
  const missing = (['ATOM_ADMIN_KEY', 'ATOM_ENCRYPTION_KEY', 'ATOM_JWT_SECRET'] as const).filter((n) => !env[n]);
  if (production && missing.length > 0) {
    throw new ConfigError(`NODE_ENV=production requires ${missing.join(', ')} to be set`);
  }
  const file = join(dataDir, 'secrets.json');
  const existed = persist && existsSync(file);
  const stored: Secrets = existed ? (JSON.parse(readFileSync(file, 'utf8')) as Secrets) : {};
  let generatedAdmin = false;
  let next: Secrets = { ...stored };
  if (!env.ATOM_ADMIN_KEY && !next.adminKey) {
    next.adminKey = `adm_${randomBytes(24).toString('base64url')}`;
    generatedAdmin = true;
  }
  next.encryptionKey ??= randomBytes(32).toString('base64');
  next.jwtSecret ??= randomBytes(32).toString('base64');
  if (persist && JSON.stringify(next) !== JSON.stringify(stored)) {
    // Whether the file was there when read, not now: another process may have created it since,
    // and replacing it would leave the two with different secrets.
    const kept = saveSecrets(dataDir, file, next, existed);
    generatedAdmin &&= kept === next;
    next = kept;
  }
  const adminKey = env.ATOM_ADMIN_KEY || next.adminKey!;
  const encryptionKey = Buffer.from(env.ATOM_ENCRYPTION_KEY || next.encryptionKey!, 'base64');
  // A given key was checked with the other settings; this catches a damaged secrets file.
  if (encryptionKey.length !== 32)
    throw new ConfigError(`the encryption key in ${file} must be 32 bytes, base64-encoded`);
  const jwtSecret = new TextEncoder().encode(env.ATOM_JWT_SECRET || next.jwtSecret!);
  return { adminKey, adminKeyGenerated: generatedAdmin && !env.ATOM_ADMIN_KEY, encryptionKey, jwtSecret };
}

/**
 * Writes the secrets file whole (a temporary file moved into place), so processes starting
 * together on one data directory never read it half-written. The first to create it wins: the
 * others keep its secrets, or tokens signed by one would be refused by another.
 */
function saveSecrets(dataDir: string, file: string, next: Secrets, exists: boolean): Secrets {
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
  try {
    if (exists) {
      renameSync(tmp, file);
      return next;
    }
    linkSync(tmp, file); // fails if another process created it meanwhile
    return next;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  } finally {
    rmSync(tmp, { force: true });
  }
}
