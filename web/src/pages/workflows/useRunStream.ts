import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api';
import { readEvents, type SseMessage } from '../../sse';
import { type NodeRun, RUN_FINISHED, type RunView } from './types';

const DONE_STATES = new Set(['completed', 'failed', 'skipped', 'cancelled']);
const RETRY_MS = [500, 1000, 2000, 4000];
const POLL_MS = 1000;
const REFRESH_MS = 400;

/** What a `node` event carries: the state, the attempt, and what changed with it. */
export type NodeEvent = Partial<NodeRun> & { node_id: string; attempt?: number };

/** A `node` event folded into the run: the node's new state, and the run's progress with it. */
export function applyNodeEvent(run: RunView, d: NodeEvent): RunView {
  const known = run.nodes.some((n) => n.node_id === d.node_id);
  const base: NodeRun = {
    node_id: d.node_id,
    type: '',
    runs_as: null,
    label: null,
    state: 'pending',
    attempts: 0,
    input: null,
    output: null,
    error: null,
    started_at: null,
    finished_at: null,
    duration_ms: null,
    execution_id: null,
    approval_id: null,
  };
  const patch = (n: NodeRun): NodeRun => ({
    ...n,
    state: d.state ?? n.state,
    attempts: d.attempt ?? d.attempts ?? n.attempts,
    ...('error' in d ? { error: d.error } : {}),
    ...('output' in d ? { output: d.output } : {}),
    ...(d.execution_id ? { execution_id: d.execution_id } : {}),
    ...(d.approval_id ? { approval_id: d.approval_id } : {}),
  });
  const nodes = known ? run.nodes.map((n) => (n.node_id === d.node_id ? patch(n) : n)) : [...run.nodes, patch(base)];
  const done = nodes.filter((n) => DONE_STATES.has(n.state)).length;
  return { ...run, nodes, progress: { done, total: Math.max(run.progress?.total ?? 0, nodes.length) } };
}

function reduce(run: RunView | null, m: SseMessage): RunView | null {
  if (m.event === 'done') return m.data as RunView;
  if (!run) return run;
  if (m.event === 'node') return applyNodeEvent(run, m.data);
  if (m.event === 'run' && m.data?.status) return { ...run, status: m.data.status };
  return run;
}

/**
 * A run, live: read once, then followed over its Server-Sent Events stream (`node`, `run`,
 * `done`). A dropped stream is reopened with Last-Event-ID; when it cannot be opened at all the
 * run is polled instead. After node events the full run is re-read (debounced) for the details
 * the events do not carry (inputs, times).
 */
export function useRunStream(id: string) {
  const [run, setRun] = useState<RunView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState(false);
  const alive = useRef(true);
  const refreshTimer = useRef<number | undefined>(undefined);

  const fetchRun = useCallback(async () => {
    const res = await api<{ run: RunView }>('GET', `/api/workflow-runs/${id}`);
    if (alive.current)
      setRun((r) => (r && RUN_FINISHED.has(r.status) && !RUN_FINISHED.has(res.run.status) ? r : res.run));
    return res.run;
  }, [id]);

  const refreshSoon = useCallback(() => {
    window.clearTimeout(refreshTimer.current);
    refreshTimer.current = window.setTimeout(() => {
      fetchRun().catch(() => undefined);
    }, REFRESH_MS);
  }, [fetchRun]);

  useEffect(() => {
    alive.current = true;
    const controller = new AbortController();
    follow(id, { fetchRun, refreshSoon, setRun, setError, setLive, signal: controller.signal });
    return () => {
      alive.current = false;
      controller.abort();
      window.clearTimeout(refreshTimer.current);
    };
  }, [id, fetchRun, refreshSoon]);

  return { run, error, live, setRun, reload: fetchRun };
}

interface FollowDeps {
  fetchRun: () => Promise<RunView>;
  refreshSoon: () => void;
  setRun: (f: (r: RunView | null) => RunView | null) => void;
  setError: (e: unknown) => void;
  setLive: (on: boolean) => void;
  signal: AbortSignal;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = window.setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        window.clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Reads the run, then streams until `done`, reconnecting with the last event id; polls as a fallback. */
async function follow(id: string, d: FollowDeps) {
  let run: RunView;
  try {
    run = await d.fetchRun();
  } catch (e) {
    if (!d.signal.aborted) d.setError(e);
    return;
  }
  let lastId: string | null = null;
  let finished = RUN_FINISHED.has(run.status);
  for (let attempt = 0; !finished && !d.signal.aborted; attempt++) {
    const onMessage = (m: SseMessage) => {
      lastId = m.id ?? lastId;
      attempt = 0;
      if (m.event === 'done') finished = true;
      if (m.event === 'node') d.refreshSoon();
      d.setRun((r) => reduce(r, m));
    };
    try {
      d.setLive(true);
      await readEvents(`/api/workflow-runs/${id}/stream`, onMessage, d.signal, lastId);
    } catch {
      if (attempt >= RETRY_MS.length) return poll(d);
    } finally {
      d.setLive(false);
    }
    if (!finished) await pause(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)], d.signal);
  }
}

async function poll(d: FollowDeps) {
  while (!d.signal.aborted) {
    try {
      if (RUN_FINISHED.has((await d.fetchRun()).status)) return;
    } catch (e) {
      if (!d.signal.aborted) d.setError(e);
      return;
    }
    await pause(POLL_MS, d.signal);
  }
}
