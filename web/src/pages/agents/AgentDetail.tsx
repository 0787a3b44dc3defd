import { useState } from 'react';
import { api } from '../../api';
import { Link, navigate } from '../../router';
import { can, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Loading, statusTone, useAsync, when } from '../../ui';
import { AgentForm } from './AgentForm';
import { ExecutePanel } from './ExecutePanel';
import { Graduation } from './Graduation';
import type { Agent, Execution } from './types';

interface Episode {
  id: string;
  task: string;
  outcome: string;
  success: boolean;
  confidence: number | null;
  created_at: string;
  maturity_level: string;
}

export function AgentDetail({ id }: { id: string }) {
  const { session } = useSession();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const bump = () => setVersion((v) => v + 1);
  const agent = useAsync(() => api<{ data: { agent: Agent } }>('GET', `/api/agents/${id}`), [id, version]);
  const executions = useAsync(
    () => api<{ data: { executions: Execution[] } }>('GET', `/api/agents/${id}/executions?limit=10`),
    [id, version],
  );
  const episodes = useAsync(
    () => api<{ data: { episodes: Episode[] } }>('GET', `/api/graduation/agents/${id}/episodes?limit=10`),
    [id, version],
  );

  if (agent.error)
    return (
      <>
        <p>
          <Link to="/agents">← Agents</Link>
        </p>
        <ErrorBox error={agent.error} title="This agent could not be loaded" />
      </>
    );
  if (!agent.data) return <Loading what="Loading agent" />;
  const a = agent.data.data.agent;
  const remove = async () => {
    if (!window.confirm(`Delete the agent “${a.name}”? Its executions and episodes go with it.`)) return;
    try {
      await api('DELETE', `/api/agents/${id}`);
      navigate('/agents');
    } catch (e) {
      setDeleteError(e);
    }
  };
  const save = async (body: Record<string, unknown>) => {
    await api('PUT', `/api/agents/${id}`, body);
    setEditing(false);
    bump();
  };

  return (
    <>
      <p>
        <Link to="/agents">← Agents</Link>
      </p>
      <div className="row">
        <h1>{a.name}</h1>
        <Badge>{a.maturity_level}</Badge>
        <Badge tone={statusTone(a.status)}>{a.status}</Badge>
        {can(session, 'AGENT_MANAGE') && !editing && (
          <span className="row" style={{ marginLeft: 'auto' }}>
            <button type="button" className="secondary" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="danger" onClick={remove}>
              Delete
            </button>
          </span>
        )}
      </div>
      <ErrorBox error={deleteError} title="Not deleted" />
      {editing ? (
        <AgentForm agent={a} onSave={save} onCancel={() => setEditing(false)} />
      ) : (
        <dl className="kv card">
          <dt>Description</dt>
          <dd>{a.description ?? '—'}</dd>
          <dt>Role</dt>
          <dd>{a.role}</dd>
          <dt>Capabilities</dt>
          <dd>{a.capabilities.join(', ') || '—'}</dd>
          <dt>Executions</dt>
          <dd>
            {a.statistics
              ? `${a.statistics.total_executions} (${Math.round(a.statistics.success_rate * 100)}% successful)`
              : '—'}
          </dd>
          <dt>Id</dt>
          <dd>
            <code>{a.id}</code>
          </dd>
        </dl>
      )}
      {can(session, 'AGENT_EXECUTE') && <ExecutePanel agentId={id} onFinished={bump} />}
      <section aria-labelledby="execs-h">
        <h2 id="execs-h">Recent executions</h2>
        <ErrorBox error={executions.error} title="Executions could not be loaded" />
        {executions.data && executions.data.data.executions.length === 0 && (
          <Empty>No executions yet. Run a task above.</Empty>
        )}
        {executions.data && executions.data.data.executions.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Status</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {executions.data.data.executions.map((x) => (
                  <tr key={x.execution_id}>
                    <td>
                      {x.task}
                      {x.result?.summary && <div className="muted">{x.result.summary}</div>}
                    </td>
                    <td>
                      <Badge tone={statusTone(x.status)}>{x.status}</Badge>
                    </td>
                    <td>{x.confidence === null ? '—' : `${Math.round(x.confidence * 100)}%`}</td>
                    <td>{when(x.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="epi-h">
        <h2 id="epi-h">Episodes</h2>
        <ErrorBox error={episodes.error} title="Episodes could not be loaded" />
        {episodes.data && episodes.data.data.episodes.length === 0 && (
          <Empty>No episodes yet: each finished execution becomes one.</Empty>
        )}
        {episodes.data && episodes.data.data.episodes.length > 0 && (
          <ul>
            {episodes.data.data.episodes.map((e) => (
              <li key={e.id}>
                <Badge tone={e.success ? 'good' : 'bad'}>{e.outcome}</Badge> {e.task}{' '}
                <span className="muted">
                  ({e.maturity_level}, {when(e.created_at)})
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Graduation agentId={id} version={version} onChanged={bump} />
    </>
  );
}
