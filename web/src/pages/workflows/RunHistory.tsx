import { useState } from 'react';
import { api, qs } from '../../api';
import { Link } from '../../router';
import { Badge, Empty, ErrorBox, Field, Loading, statusTone, useAsync, when } from '../../ui';
import { type Page, RUN_STATUSES, type RunView } from './types';
import { Pager } from './WorkflowList';

const LIMIT = 10;

/** "1.2 s", "3 min 4 s": how long something took. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const runDuration = (r: Pick<RunView, 'started_at' | 'finished_at'>) =>
  r.started_at && r.finished_at ? duration(Date.parse(r.finished_at) - Date.parse(r.started_at)) : '—';

function RunsTable({ runs }: { runs: RunView[] }) {
  return (
    <div className="table-wrap">
      <table data-testid="run-history">
        <caption className="sr-only">Runs</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Nodes done</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/workflow-runs/${r.id}`}>{when(r.created_at)}</Link>
                <div className="muted">
                  <code>{r.id}</code>
                </div>
              </td>
              <td>
                <Badge tone={statusTone(r.status)}>{r.status.replace('_', ' ')}</Badge>
                {r.error && <div className="muted">{r.error.message}</div>}
              </td>
              <td>{r.trigger}</td>
              <td>{r.progress ? `${r.progress.done} of ${r.progress.total}` : '—'}</td>
              <td>{runDuration(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The workflow's runs, newest first, filtered by status. */
export function RunHistory({ workflowId }: { workflowId: string }) {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useAsync(
    () =>
      api<Page & { runs: RunView[] }>(
        'GET',
        `/api/workflows/${workflowId}/runs${qs({ limit: LIMIT, offset, status })}`,
      ),
    [workflowId, status, offset],
  );
  const data = list.data;
  return (
    <section aria-labelledby="runs-h">
      <div className="row">
        <h2 id="runs-h">Run history</h2>
        <button type="button" className="secondary" style={{ marginLeft: 'auto' }} onClick={list.reload}>
          Refresh
        </button>
      </div>
      <search aria-label="Filter runs">
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label="Run status">
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setOffset(0);
              }}
            >
              <option value="">Any</option>
              {RUN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replace('_', ' ')}
                </option>
              ))}
            </select>
          </Field>
        </form>
      </search>
      <ErrorBox error={list.error} title="Runs could not be loaded" />
      {list.loading && !data && <Loading what="Loading runs" />}
      {data && data.runs.length === 0 && (
        <Empty>{status ? `No ${status.replace('_', ' ')} runs.` : 'No runs yet. Start one with Run.'}</Empty>
      )}
      {data && data.runs.length > 0 && <RunsTable runs={data.runs} />}
      {data && <Pager page={data} onOffset={setOffset} label="Run pages" />}
    </section>
  );
}
