/** A chat model that can call tools. The OpenAI chat-completions protocol is the lingua franca. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: ToolCallRequest[];
  tool_call_id?: string;
  name?: string;
}

export interface ToolCallRequest {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export interface ChatResult {
  message: ChatMessage;
  finish_reason: string | null;
  usage?: Usage;
  /** True when the answer arrived as a stream of deltas (false: the server refused streaming). */
  streamed?: boolean;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Each piece of the answer's text as it arrives; the pieces concatenated are the final content. */
  onDelta?: (text: string) => void;
}

export interface LlmProvider {
  readonly name: string;
  readonly model: string;
  chat(messages: ChatMessage[], tools: ToolSpec[], options?: ChatOptions): Promise<ChatResult>;
}
