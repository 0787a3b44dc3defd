import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedRange, isAllowedAddress, isLoopback } from './address-policy.js';

export interface SafeFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole request deadline. Default 10 s. */
  timeoutMs?: number;
  /** Bytes of response body kept; the rest is read and dropped. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Development and tests only: allow plain http and loopback targets. */
  allowLoopback?: boolean;
  signal?: AbortSignal;
  /**
   * Reuse connections from a keep-alive pool per destination (origin), at most POOL_SOCKETS open
   * to one destination; the pinned lookup and the connect-time address check apply to each new
   * connection, and a reused one was checked when it connected.
   */
  pooled?: boolean;
}

/** Connections a pooled agent keeps open to one destination (origin) at most; more requests wait for one. */
export const POOL_SOCKETS = 32;

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The address actually connected to. */
  address: string;
}

export class BlockedDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedDestinationError';
  }
}

/** Checks a URL's form before any network use: scheme, credentials, https outside loopback. */
export function checkUrl(raw: string, allowLoopback = false): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedDestinationError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BlockedDestinationError('only http(s) URLs are allowed');
  if (url.username || url.password) throw new BlockedDestinationError('URLs must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:' && !(allowLoopback && (isLoopback(host) || host === 'localhost'))) {
    throw new BlockedDestinationError('https is required (plain http only to loopback in development)');
  }
  if (isIP(host) && !isAllowedAddress(host, allowLoopback)) {
    const range = blockedRange(host);
    throw new BlockedDestinationError(
      `destination ${host} is not a public address${range ? ` (${range.name}, ${range.rfc})` : ''}`,
    );
  }
  return url;
}

/**
 * Resolves the host and refuses it when any address is private, then connects to that same
 * address (no second lookup, so DNS rebinding cannot swap it). Redirects are not followed.
 */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => !isAllowedAddress(a.address, allowLoopback));
      if (bad || addresses.length === 0) {
        return callback(new BlockedDestinationError(`destination ${hostname} resolves to a non-public address`), '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

const pools = new Map<string, http.Agent>();
/** Sockets of the pooled agents whose address passed the check (each agent has one policy). */
const checked = new WeakSet<object>();

/** One keep-alive agent per scheme and policy: its sockets are pooled per origin by Node. */
function pooledAgent(https_: boolean, allowLoopback: boolean): http.Agent {
  const key = `${https_ ? 'https' : 'http'}:${allowLoopback}`;
  let agent = pools.get(key);
  if (!agent) {
    const lookup = guardedLookup(allowLoopback);
    const options = {
      keepAlive: true,
      maxSockets: POOL_SOCKETS,
      maxTotalSockets: 1024,
      scheduling: 'lifo' as const,
      lookup,
    };
    agent = https_ ? new https.Agent(options) : new http.Agent(options);
    pools.set(key, agent);
  }
  return agent;
}

export async function safeFetch(rawUrl: string, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
  const allowLoopback = opts.allowLoopback ?? false;
  const url = checkUrl(rawUrl, allowLoopback);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const max = opts.maxResponseBytes ?? 1024 * 1024;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: opts.method ?? 'GET',
      // A body goes with its Content-Length, never chunked: receivers that read Content-Length get it whole.
      headers: {
        'user-agent': 'ATOM/0.1',
        ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}),
        ...(opts.headers ?? {}),
      },
      lookup: guardedLookup(allowLoopback),
      timeout: timeoutMs,
      signal: opts.signal,
      ...(opts.pooled ? { agent: pooledAgent(url.protocol === 'https:', allowLoopback) } : {}),
    });
    const deadline = setTimeout(() => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('socket', (socket) => {
      const check = () => {
        const address = socket.remoteAddress ?? '';
        if (!isAllowedAddress(address, allowLoopback))
          req.destroy(new BlockedDestinationError(`connected to non-public address ${address}`));
        else if (opts.pooled) checked.add(socket);
      };
      // A kept-alive socket was checked when it connected: nothing to add to it.
      if (socket.connecting) socket.once('connect', check);
      else if (!checked.has(socket)) check();
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    req.on('error', (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < max) {
          chunks.push(chunk.subarray(0, max - kept));
          kept += Math.min(chunk.length, max - kept);
        }
      });
      res.on('end', () => {
        clearTimeout(deadline);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          address: res.socket?.remoteAddress ?? '',
        });
      });
      res.on('error', (err) => {
        clearTimeout(deadline);
        reject(err);
      });
    });
    req.end(opts.body);
  });
}
