import { authHeaders } from './api';

export interface SseMessage {
  id: string | null;
  event: string;
  data: any;
}

/**
 * Reads a Server-Sent Events response with the session's credentials (EventSource cannot send
 * headers, so this uses fetch and parses the stream). Resolves when the server ends the stream;
 * rejects when it cannot be opened. `lastEventId` resumes a stream after the event with that id.
 */
export async function readEvents(
  path: string,
  onMessage: (m: SseMessage) => void,
  signal: AbortSignal,
  lastEventId?: string | null,
): Promise<void> {
  const resume: Record<string, string> = lastEventId ? { 'Last-Event-ID': lastEventId } : {};
  const res = await fetch(path, { headers: { Accept: 'text/event-stream', ...resume, ...authHeaders() }, signal });
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, cut).split('\n');
      buffer = buffer.slice(cut + 2);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!data) continue;
      onMessage({
        id: lines.find((l) => l.startsWith('id: '))?.slice(4) ?? null,
        event: lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message',
        data: JSON.parse(data),
      });
    }
  }
}
