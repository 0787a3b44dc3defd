import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { decryptSecret, encryptSecret } from '../../platform/crypto.js';
import { SYSTEM } from '../../platform/db/index.js';
import * as repo from './repo.js';

/** A published verification key: `public_key` is the raw 32-byte Ed25519 key, base64url (= JWK `x`). */
export interface PublicKeyInfo {
  key_id: string;
  alg: 'ed25519';
  public_key: string;
}

const aad = (keyId: string) => `federation-instance-key:${keyId}`;
/** key_id: the first 16 bytes of SHA-256 over the raw public key, base64url. */
export const keyIdOf = (raw: Buffer) => createHash('sha256').update(raw).digest().subarray(0, 16).toString('base64url');

export function publicKeyFromRaw(b64url: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url }, format: 'jwk' });
}

/** Ed25519 over the 32 raw digest bytes (the hex `digest.value` decoded). */
export function verifyDigest(publicKey: string, digestHex: string, signatureB64url: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(digestHex, 'hex'),
      publicKeyFromRaw(publicKey),
      Buffer.from(signatureB64url, 'base64url'),
    );
  } catch {
    return false;
  }
}

/**
 * This instance's signing key: generated on first start, the private half sealed with the
 * encryption key in the database, so every process of the instance signs with the same key.
 */
export function instanceKeys(ctx: AppContext) {
  const sys = ctx.db.as(SYSTEM);
  let cached: { keyId: string; privateKey: KeyObject } | null = null;

  async function ensure(): Promise<void> {
    if (await repo.activeInstanceKey(sys)) return;
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const keyId = keyIdOf(raw);
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    // Two processes starting together: the unique index keeps one, the other's insert is dropped.
    await repo.insertInstanceKey(sys, {
      key_id: keyId,
      public_key: raw.toString('base64url'),
      private_key_sealed: encryptSecret(ctx.config.encryptionKey, pem, aad(keyId)),
    });
  }

  async function signer() {
    if (cached) return cached;
    await ensure();
    const row = (await repo.activeInstanceKey(sys))!;
    const privateKey = createPrivateKey(
      decryptSecret(ctx.config.encryptionKey, row.private_key_sealed, aad(row.key_id)),
    );
    cached = { keyId: row.key_id, privateKey };
    return cached;
  }

  return {
    ensure,
    /** Signs a hex digest; returns the signature (base64url) and the key id that made it. */
    async sign(digestHex: string): Promise<{ key_id: string; value: string }> {
      const s = await signer();
      return { key_id: s.keyId, value: sign(null, Buffer.from(digestHex, 'hex'), s.privateKey).toString('base64url') };
    },
    async published(): Promise<PublicKeyInfo[]> {
      await ensure();
      return (await repo.instanceKeys(sys)).map((k) => ({
        key_id: k.key_id,
        alg: 'ed25519' as const,
        public_key: k.public_key,
      }));
    },
  };
}
