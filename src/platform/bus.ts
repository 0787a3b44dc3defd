import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/**
 * Broadcast between server processes: in-process by default, Redis pub/sub when REDIS_URL is set.
 * Used for cache invalidation (revoked keys) and streaming fan-out.
 */
export interface Bus {
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function memoryBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(channel, message) {
      emitter.emit(channel, message);
    },
    async subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export function redisBus(url: string): Bus {
  const pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const local = new EventEmitter();
  local.setMaxListeners(0);
  sub.on('message', (channel: string, message: string) => local.emit(channel, message));
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  return {
    async publish(channel, message) {
      await pub.publish(channel, message);
    },
    async subscribe(channel, handler) {
      if (local.listenerCount(channel) === 0) await sub.subscribe(channel);
      local.on(channel, handler);
      return () => {
        local.off(channel, handler);
        if (local.listenerCount(channel) === 0) sub.unsubscribe(channel).catch(() => undefined);
      };
    },
    async close() {
      local.removeAllListeners();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
