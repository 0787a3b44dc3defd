/** A tenant's share of the sandbox pool: runs in progress, and runs waiting beyond those. */
export interface Share {
  maxActive: number;
  maxQueued: number;
}

/**
 * Waiting runs, one queue per tenant, served round robin: the next free worker goes to the next
 * tenant in turn that has a run waiting and is below its `maxActive`; once served, a tenant goes
 * to the back of the turn. A tenant that floods the pool only lengthens its own queue.
 */
export class FairQueue<T> {
  private readonly queues = new Map<string, T[]>();
  private readonly active = new Map<string, number>();
  private readonly shares = new Map<string, Share>();
  /** Tenants with waiting runs, in turn order. */
  private ring: string[] = [];
  size = 0;

  /** Whether one more run of this tenant fits its share (in progress plus waiting). */
  admits(tenant: string, share: Share): boolean {
    const held = (this.active.get(tenant) ?? 0) + (this.queues.get(tenant)?.length ?? 0);
    return held < share.maxActive + share.maxQueued;
  }

  push(tenant: string, share: Share, item: T): void {
    this.shares.set(tenant, share);
    const q = this.queues.get(tenant);
    if (q) q.push(item);
    else this.queues.set(tenant, [item]);
    if (!this.ring.includes(tenant)) this.ring.push(tenant);
    this.size += 1;
  }

  /** The next run to start (counted as in progress for its tenant), or undefined when none may start. */
  take(): T | undefined {
    const i = this.ring.findIndex((t) => (this.active.get(t) ?? 0) < (this.shares.get(t)?.maxActive ?? 1));
    if (i < 0) return undefined;
    const tenant = this.ring[i];
    const q = this.queues.get(tenant)!;
    const item = q.shift()!;
    this.size -= 1;
    this.active.set(tenant, (this.active.get(tenant) ?? 0) + 1);
    this.ring.splice(i, 1);
    if (q.length) this.ring.push(tenant);
    else {
      this.queues.delete(tenant);
      this.shares.delete(tenant);
    }
    return item;
  }

  /** A run of this tenant ended. */
  done(tenant: string): void {
    const n = (this.active.get(tenant) ?? 1) - 1;
    if (n > 0) this.active.set(tenant, n);
    else this.active.delete(tenant);
  }
}
