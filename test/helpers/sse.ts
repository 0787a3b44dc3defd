/** A minimal SSE reader over fetch, for tests: collects events and comment lines. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: any;
}

export async function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let buffer = '';
  const pump = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split('\n');
          const comment = lines.find((l) => l.startsWith(':'));
          if (comment) comments.push(comment);
          const data = lines
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          const id = lines.find((l) => l.startsWith('id: '))?.slice(4) ?? null;
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          events.push({ id, event, data: JSON.parse(data) });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    comments,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}
