import type { ExecutionRow } from '../repo.js';

export interface TokenChunk {
  /** The model turn the text belongs to (the last turn's text is the final answer). */
  turn: number;
  /** Order within the execution, from 1. */
  seq: number;
  text: string;
}

export type TokenListener = (e: ExecutionRow, chunk: TokenChunk) => Promise<void>;

const FLUSH_MS = 40;

/**
 * The model's answer as it streams: deltas are gathered for a few milliseconds (a model may send a
 * delta per character) and handed on in order, one chunk at a time. `drain` waits until every
 * delta received so far has been handed on.
 */
export class TokenStream {
  private buffer = '';
  private turn = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deliver: (chunk: TokenChunk) => Promise<void>) {}

  push(turn: number, text: string) {
    if (!text) return;
    if (turn !== this.turn) this.flush();
    this.turn = turn;
    this.buffer += text;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer) return;
    const chunk = { turn: this.turn, seq: ++this.seq, text: this.buffer };
    this.buffer = '';
    this.chain = this.chain.then(() => this.deliver(chunk)).catch(() => undefined);
  }

  async drain() {
    this.flush();
    await this.chain;
  }
}
