import type { ChatMessage, ChatOptions, ChatResult, LlmProvider, ToolSpec } from './provider.js';
import { DEFAULT_RETRY, IdleTimeout, type RetryPolicy, retryAfterMs, retryDelayMs, sleep } from './retry.js';
import { addChunk, newAssembly, readChunks, result, StreamError } from './stream.js';

/**
 * The model call failed for good: `status` is the last HTTP status (null: no answer), `attempts` how many were made.
 */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    public attempts = 1,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

/** A failure worth another attempt: 429, 5xx, or no answer at all (unreachable, timed out before the headers). */
class Retryable extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

/** The server said it does not stream (answered the non-streaming call's way). */
const REFUSED = Symbol('streaming refused');
/** Statuses with which servers refuse `stream: true` (when their body mentions streaming). */
const REFUSAL_STATUSES = new Set([400, 404, 422, 501]);

export interface OpenAiOptions extends Partial<RetryPolicy> {
  /** Per attempt: how long to wait for the answer's headers, then for each next chunk of a stream (default 60 s). */
  timeoutMs?: number;
}

type Body = Record<string, unknown>;
const excerpt = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

/**
 * OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, LM Studio …): POST
 * {baseUrl}/chat/completions with function tools, streamed (`stream: true`, usage in the last
 * chunk). A server that refuses streaming is asked again without it, and this provider stops
 * asking it to stream; one that answers JSON anyway is read as JSON. 429, 5xx and unreachable
 * servers are retried (at most `maxRetries`, honouring Retry-After); a stream that breaks after it
 * began is not, since its deltas were already delivered.
 */
export class OpenAiCompatible implements LlmProvider {
  readonly name = 'openai-compatible';
  private streaming = true;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | null,
    readonly model: string,
    { timeoutMs = 60_000, ...retry }: OpenAiOptions = {},
  ) {
    this.timeoutMs = timeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  /** False once the server refused a streamed call: later calls go straight to non-streaming. */
  get streamingSupported(): boolean {
    return this.streaming;
  }

  async chat(messages: ChatMessage[], tools: ToolSpec[], options: ChatOptions = {}): Promise<ChatResult> {
    const body: Body = {
      model: this.model,
      messages,
      ...(tools.length ? { tools: tools.map((t) => ({ type: 'function', function: t })), tool_choice: 'auto' } : {}),
    };
    if (this.streaming) {
      const streamed = await this.withRetries(
        () => this.attempt({ ...body, stream: true, stream_options: { include_usage: true } }, options),
        options.signal,
      );
      if (streamed !== REFUSED) return streamed;
      this.streaming = false;
    }
    const plain = await this.withRetries(() => this.attempt(body, options), options.signal);
    if (plain === REFUSED) throw new LlmError('LLM refused a non-streaming call as if it were streamed', null);
    return plain;
  }

  private async withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (err instanceof LlmError) err.attempts = n;
        if (!(err instanceof Retryable)) throw err;
        if (n > this.retry.maxRetries) throw new LlmError(`${err.message} (after ${n} attempts)`, err.status, n);
        await sleep(retryDelayMs(this.retry, n, err.retryAfter), signal);
      }
    }
  }

  /** One request: the answer, REFUSED, or a Retryable / LlmError / the caller's abort reason. */
  private async attempt(body: Body, { signal, onDelta }: ChatOptions): Promise<ChatResult | typeof REFUSED> {
    const idle = new IdleTimeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
    try {
      const res = await this.post(body, combined, signal);
      if (!res.ok) return await this.refusalOrFailure(res, body.stream === true);
      idle.touch();
      const type = res.headers.get('content-type') ?? '';
      if (type.includes('text/event-stream')) return await this.readStream(res, idle, signal, onDelta);
      return await this.readJson(res, signal);
    } finally {
      idle.clear();
    }
  }

  private async post(body: Body, signal: AbortSignal, caller?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: body.stream ? 'text/event-stream' : 'application/json',
      ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
    };
    try {
      return await fetch(`${this.baseUrl.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (caller?.aborted) throw caller.reason;
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new Retryable(
        signal.aborted ? `LLM did not answer within ${this.timeoutMs} ms` : `LLM unreachable: ${cause}`,
        null,
        null,
      );
    }
  }

  private async refusalOrFailure(res: Response, streaming: boolean): Promise<typeof REFUSED> {
    const text = await res.text().catch(() => '');
    if (streaming && REFUSAL_STATUSES.has(res.status) && /stream/i.test(text)) return REFUSED;
    const message = `LLM answered HTTP ${res.status}: ${excerpt(text)}`;
    if (res.status === 429 || res.status >= 500)
      throw new Retryable(message, res.status, retryAfterMs(res.headers.get('retry-after')));
    throw new LlmError(message, res.status);
  }

  private async readStream(
    res: Response,
    idle: IdleTimeout,
    caller: AbortSignal | undefined,
    onDelta?: (text: string) => void,
  ): Promise<ChatResult> {
    if (!res.body) throw new LlmError('LLM answered a stream without a body', res.status);
    const a = newAssembly();
    let callbackError: unknown;
    try {
      const done = await readChunks(res.body, (chunk) => {
        idle.touch();
        const text = addChunk(a, chunk);
        if (!text || !onDelta) return;
        try {
          onDelta(text);
        } catch (err) {
          callbackError = err;
          throw err;
        }
      });
      if (!done && !a.finish_reason) throw new StreamError('the stream ended before the answer was complete');
    } catch (err) {
      if (caller?.aborted) throw caller.reason;
      if (callbackError !== undefined && err === callbackError) throw err;
      if (idle.fired) throw new LlmError(`LLM stream stalled: nothing for ${this.timeoutMs} ms`, res.status);
      throw new LlmError(`LLM stream broke: ${(err as Error).message}`, res.status);
    }
    return { ...result(a), streamed: true };
  }

  private async readJson(res: Response, caller?: AbortSignal): Promise<ChatResult> {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (caller?.aborted) throw caller.reason;
      throw new LlmError(`LLM answer broke off: ${(err as Error).message}`, res.status);
    }
    let json: { choices?: { message?: ChatMessage; finish_reason?: string | null }[]; usage?: ChatResult['usage'] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new LlmError(`LLM answer is not JSON: ${excerpt(text)}`, res.status);
    }
    const m = json?.choices?.[0]?.message;
    if (!m) throw new LlmError('LLM answer has no choices', res.status);
    const message: ChatMessage = { ...m, role: 'assistant', content: m.content ?? null };
    if (!message.tool_calls?.length) delete message.tool_calls;
    return {
      message,
      finish_reason: json.choices![0].finish_reason ?? null,
      ...(json.usage ? { usage: json.usage } : {}),
      streamed: false,
    };
  }
}
