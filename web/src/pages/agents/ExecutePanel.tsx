import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../../api';
import { readEvents } from '../../sse';
import { Badge, ErrorBox, Field, statusTone, useAction } from '../../ui';
import { type Execution, FINISHED } from './types';

const POLL_MS = 400;

/**
 * Starts an execution (async, so progress is visible) and follows it live over Server-Sent Events
 * (`…/stream`: each reasoning step, progress, done); if the stream cannot be opened it polls the
 * poll_url instead.
 */
export function ExecutePanel({ agentId, onFinished }: { agentId: string; onFinished: () => void }) {
  const [task, setTask] = useState('');
  const [run, setRun] = useState<Execution | null>(null);
  const action = useAction();
  const timer = useRef<number | undefined>(undefined);
  const stream = useRef<AbortController | null>(null);
  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
      stream.current?.abort();
    },
    [],
  );

  const poll = (url: string) => {
    timer.current = window.setTimeout(async () => {
      try {
        const res = await api<{ data: Execution }>('GET', url);
        setRun(res.data);
        if (FINISHED.has(res.data.status)) onFinished();
        else poll(url);
      } catch (e) {
        action.setError(e instanceof Error ? e.message : String(e));
      }
    }, POLL_MS);
  };

  const follow = (url: string) => {
    stream.current?.abort();
    const controller = new AbortController();
    stream.current = controller;
    let finished = false;
    readEvents(
      `${url}/stream`,
      (m) => {
        if (m.event === 'step') setRun((r) => (r ? { ...r, reasoning_trace: [...r.reasoning_trace, m.data] } : r));
        if (m.event === 'progress')
          setRun((r) =>
            r
              ? { ...r, status: m.data.status, progress: m.data.progress, awaiting_approval: m.data.awaiting_approval }
              : r,
          );
        if (m.event === 'done') {
          finished = true;
          setRun(m.data);
          onFinished();
        }
      },
      controller.signal,
    ).then(
      () => {
        if (!finished && !controller.signal.aborted) poll(url);
      },
      () => {
        if (!controller.signal.aborted) poll(url);
      },
    );
  };

  const cancel = async () => {
    const res = await action.run(() =>
      api<{ data: Execution }>('POST', `/api/agents/${agentId}/executions/${run!.execution_id}/cancel`),
    );
    if (res) setRun(res.data);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    window.clearTimeout(timer.current);
    stream.current?.abort();
    const res = await action.run(() =>
      api<{ data: Execution }>('POST', `/api/agents/${agentId}/execute`, { task, parameters: { async: true } }),
    );
    if (!res) return;
    setRun({ ...res.data, reasoning_trace: [] });
    if (FINISHED.has(res.data.status)) {
      setRun(res.data);
      onFinished();
    } else follow(res.data.poll_url);
  };

  return (
    <section className="card" aria-labelledby="exec-h">
      <h2 id="exec-h">Run a task</h2>
      <form onSubmit={submit}>
        <Field label="Task">
          <textarea
            required
            maxLength={10000}
            value={task}
            onChange={(e) => setTask(e.target.value)}
            placeholder="e.g. Search for recent AI research papers"
          />
        </Field>
        <button type="submit" disabled={action.busy || (!!run && !FINISHED.has(run.status))}>
          Execute
        </button>
      </form>
      <ErrorBox error={action.error} title="Execution could not start" />
      {run && (
        <div aria-live="polite" data-testid="execution-progress" className="card" style={{ marginTop: '.75rem' }}>
          <div className="row">
            <strong>Execution {run.execution_id}</strong>
            <Badge tone={statusTone(run.status)}>{run.status}</Badge>
          </div>
          <div
            className="progress"
            role="progressbar"
            aria-label="Execution progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={FINISHED.has(run.status) ? 100 : run.progress}
          >
            <div style={{ width: `${FINISHED.has(run.status) ? 100 : Math.max(5, run.progress)}%` }} />
          </div>
          {run.awaiting_approval && (
            <p className="muted">Waiting for a human approval ({run.awaiting_approval}). See Approvals.</p>
          )}
          {run.result?.summary && <p>{run.result.summary}</p>}
          {run.error && run.status !== 'completed' && <p className="muted">Error: {run.error}</p>}
          {run.tools_used.length > 0 && <p className="muted">Tools used: {run.tools_used.join(', ')}</p>}
          {!FINISHED.has(run.status) && (
            <button type="button" className="secondary" onClick={cancel}>
              Cancel execution
            </button>
          )}
          {run.reasoning_trace.length > 0 && (
            <details>
              <summary>Reasoning trace ({run.reasoning_trace.length} steps)</summary>
              <pre>{JSON.stringify(run.reasoning_trace, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
