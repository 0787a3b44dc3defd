import { useState } from 'react';
import { api, qs } from '../../api';
import { Link } from '../../router';
import { Badge, Empty, ErrorBox, Loading, useAsync, when } from '../../ui';
import type { Page, Workflow } from './types';

const LIMIT = 20;

/** Previous / Next over a limit-offset list. */
export function Pager({ page, onOffset, label }: { page: Page; onOffset: (offset: number) => void; label: string }) {
  if (page.offset === 0 && !page.has_more) return null;
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = Math.min(page.total, page.offset + page.limit);
  return (
    <nav className="row" aria-label={label}>
      <button
        type="button"
        className="secondary"
        disabled={page.offset <= 0}
        onClick={() => onOffset(Math.max(0, page.offset - page.limit))}
      >
        Previous
      </button>
      <span>
        {first}–{last} of {page.total}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={!page.has_more}
        onClick={() => onOffset(page.offset + page.limit)}
      >
        Next
      </button>
    </nav>
  );
}

/** The tenant's workflows, newest first, a page at a time. */
export function WorkflowList() {
  const [offset, setOffset] = useState(0);
  const list = useAsync(
    () => api<Page & { workflows: Workflow[] }>('GET', `/api/workflows${qs({ limit: LIMIT, offset })}`),
    [offset],
  );
  const data = list.data;
  return (
    <>
      <h1>Workflows</h1>
      <ErrorBox error={list.error} title="Workflows could not be loaded" />
      {list.loading && !data && <Loading what="Loading workflows" />}
      {data && data.workflows.length === 0 && (
        <Empty>
          No workflows yet. Install a workflow template from the{' '}
          <Link to="/marketplace/workflows">Workflow templates</Link> marketplace, or create one through the API.
        </Empty>
      )}
      {data && data.workflows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Workflows</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Nodes</th>
                <th scope="col">Triggers</th>
                <th scope="col">Source</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {data.workflows.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={`/workflows/${w.id}`}>{w.name}</Link>
                    {w.description && <div className="muted">{w.description}</div>}
                  </td>
                  <td>{w.nodes.length}</td>
                  <td>{w.active ? <Badge tone="good">active</Badge> : <Badge>manual only</Badge>}</td>
                  <td>{w.source}</td>
                  <td>{when(w.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager page={data} onOffset={setOffset} label="Workflow pages" />}
    </>
  );
}
