import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.js';

const ISSUER = 'atom';

export interface AccessClaims {
  userId: string;
  tenantId: string;
}

export async function signAccessToken(secret: Uint8Array, claims: AccessClaims, ttlSeconds: number): Promise<string> {
  return new SignJWT({ tid: claims.tenantId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}

/** Only HS256 signed by us is accepted: `alg: none` and other algorithms fail verification. */
export async function verifyAccessToken(secret: Uint8Array, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw new Error('claims missing');
    return { userId: payload.sub, tenantId: payload.tid };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new AppError('EXPIRED_TOKEN', 'Invalid or expired token');
    throw new AppError('UNAUTHORIZED', 'Invalid bearer token');
  }
}
