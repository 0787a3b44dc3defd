import type { ChatMessage, ChatOptions, ChatResult, LlmProvider, ToolSpec } from './provider.js';

export class LlmError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

/**
 * OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, LM Studio …): POST
 * {baseUrl}/chat/completions with function tools. Retries once on 429/5xx.
 */
export class OpenAiCompatible implements LlmProvider {
  readonly name = 'openai-compatible';

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | null,
    readonly model: string,
    private readonly timeoutMs = 60_000,
  ) {}

  async chat(messages: ChatMessage[], tools: ToolSpec[], { signal }: ChatOptions = {}): Promise<ChatResult> {
    const body = {
      model: this.model,
      messages,
      ...(tools.length ? { tools: tools.map((t) => ({ type: 'function', function: t })), tool_choice: 'auto' } : {}),
    };
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      if ((res.status === 429 || res.status >= 500) && attempt < 2) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!res.ok) throw new LlmError(`LLM answered HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
      const json = JSON.parse(text) as { choices?: { message: ChatMessage; finish_reason: string | null }[]; usage?: ChatResult['usage'] };
      const choice = json.choices?.[0];
      if (!choice?.message) throw new LlmError('LLM answer has no choices', res.status);
      return { message: choice.message, finish_reason: choice.finish_reason, usage: json.usage };
    }
  }
}
