import { useEffect, useState } from 'react';
import { api } from '../../api';
import { Link } from '../../router';
import { can, useSession } from '../../session';
import { Badge, ErrorBox, Loading, useAsync } from '../../ui';
import { Graph } from './Graph';
import { RunForm } from './RunForm';
import { RunHistory } from './RunHistory';
import { Triggers } from './Triggers';
import type { Workflow } from './types';

/** A workflow: its graph, how it is triggered, the Run form and its runs. */
export function WorkflowPage({ id }: { id: string }) {
  const { session } = useSession();
  const loaded = useAsync(() => api<{ workflow: Workflow }>('GET', `/api/workflows/${id}`), [id]);
  const [workflow, setWorkflow] = useState<Workflow | null>(null);
  const [running, setRunning] = useState(false);
  useEffect(() => setWorkflow(loaded.data?.workflow ?? null), [loaded.data]);

  if (loaded.error)
    return (
      <>
        <p>
          <Link to="/workflows">← Workflows</Link>
        </p>
        <ErrorBox error={loaded.error} title="This workflow could not be loaded" />
      </>
    );
  if (!workflow) return <Loading what="Loading workflow" />;
  const w = workflow;
  return (
    <>
      <p>
        <Link to="/workflows">← Workflows</Link>
      </p>
      <div className="row">
        <h1>{w.name}</h1>
        <Badge>{w.source}</Badge>
        <Badge>v{w.version}</Badge>
        {!running && can(session, 'AGENT_EXECUTE') && (
          <button type="button" style={{ marginLeft: 'auto' }} onClick={() => setRunning(true)}>
            Run
          </button>
        )}
      </div>
      {w.description && <p>{w.description}</p>}
      {running && <RunForm workflow={w} onCancel={() => setRunning(false)} />}
      <section aria-labelledby="graph-h">
        <h2 id="graph-h">
          Graph{' '}
          <span className="muted">
            ({w.nodes.length} nodes, {w.edges.length} edges)
          </span>
        </h2>
        <Graph nodes={w.nodes} edges={w.edges} label={`Graph of ${w.name}`} />
      </section>
      <Triggers
        workflow={w}
        canManage={can(session, 'AGENT_MANAGE')}
        onChanged={(next) => setWorkflow({ ...w, ...next })}
      />
      <RunHistory workflowId={w.id} />
    </>
  );
}
