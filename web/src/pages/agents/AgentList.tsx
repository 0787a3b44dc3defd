import { useState } from 'react';
import { api, qs } from '../../api';
import { Link, navigate } from '../../router';
import { can, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Field, Loading, statusTone, useAsync, when } from '../../ui';
import { AgentForm } from './AgentForm';
import { type Agent, MATURITY, STATUSES } from './types';

export function AgentList() {
  const { session } = useSession();
  const [q, setQ] = useState('');
  const [maturity, setMaturity] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState('created_at');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useAsync(() => {
    const query = qs({
      q,
      maturity_level: maturity,
      status,
      sort,
      order: sort === 'name' ? 'asc' : 'desc',
      page,
      limit: 20,
    });
    return api<{ data: { agents: Agent[]; pagination: { page: number; pages: number; total: number } } }>(
      'GET',
      `/api/agents${query}`,
    );
  }, [q, maturity, status, sort, page]);
  const data = list.data?.data;

  const create = async (body: Record<string, unknown>) => {
    const res = await api<{ data: { agent: Agent } }>('POST', '/api/agents', body);
    navigate(`/agents/${res.data.agent.id}`);
  };

  return (
    <>
      <div className="row">
        <h1>Agents</h1>
        {can(session, 'AGENT_MANAGE') && !creating && (
          <button type="button" onClick={() => setCreating(true)} style={{ marginLeft: 'auto' }}>
            New agent
          </button>
        )}
      </div>
      {creating && <AgentForm onSave={create} onCancel={() => setCreating(false)} />}
      <search aria-label="Filter agents">
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search">
            <input
              type="search"
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                setPage(1);
              }}
              placeholder="Name or description"
            />
          </Field>
          <Field label="Maturity">
            <select
              value={maturity}
              onChange={(e) => {
                setMaturity(e.target.value);
                setPage(1);
              }}
            >
              <option value="">Any</option>
              {MATURITY.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
          <Field label="Status">
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setPage(1);
              }}
            >
              <option value="">Any</option>
              {STATUSES.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
          <Field label="Sort by">
            <select value={sort} onChange={(e) => setSort(e.target.value)}>
              <option value="created_at">Newest</option>
              <option value="updated_at">Recently changed</option>
              <option value="name">Name</option>
            </select>
          </Field>
        </form>
      </search>
      <ErrorBox error={list.error} title="Agents could not be loaded" />
      {list.loading && !data && <Loading what="Loading agents" />}
      {data && data.agents.length === 0 && (
        <Empty>
          {q || maturity || status
            ? 'No agent matches these filters.'
            : 'No agents yet. Create the first one with “New agent”.'}
        </Empty>
      )}
      {data && data.agents.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Agents</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Maturity</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {data.agents.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/agents/${a.id}`}>{a.name}</Link>
                    {a.description && <div className="muted">{a.description}</div>}
                  </td>
                  <td>{a.role}</td>
                  <td>
                    <Badge>{a.maturity_level}</Badge>
                  </td>
                  <td>
                    <Badge tone={statusTone(a.status)}>{a.status}</Badge>
                  </td>
                  <td>{when(a.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.pagination.pages > 1 && (
        <nav className="row" aria-label="Pages">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {data.pagination.page} of {data.pagination.pages}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={page >= data.pagination.pages}
            onClick={() => setPage(page + 1)}
          >
            Next
          </button>
        </nav>
      )}
    </>
  );
}
