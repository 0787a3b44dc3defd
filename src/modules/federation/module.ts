import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { federationService } from './service.js';
import { instanceKeys } from './signing.js';

/**
 * Makes sure this instance has a signing key, and answers the credential resolver for
 * X-Federation-Key. Failures are logged with the claimed source; the resolver then answers
 * 401 FEDERATION_KEY_INVALID.
 */
export async function setupFederation(ctx: AppContext, log: FastifyBaseLogger): Promise<void> {
  await instanceKeys(ctx).ensure();
  const svc = federationService(ctx);
  ctx.resolver.federation = async (key, source) => {
    const { principal, reason } = await svc.authenticate(key, source);
    if (!principal)
      log.warn({ federation_source: source ?? null, reason, key_prefix: key.slice(0, 14) }, 'federation key refused');
    return principal;
  };
}
