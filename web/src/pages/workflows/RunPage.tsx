import { useMemo, useState } from 'react';
import { api } from '../../api';
import { Link } from '../../router';
import { can, useSession } from '../../session';
import { Badge, ErrorBox, Loading, statusTone, useAction, when } from '../../ui';
import { Graph } from './Graph';
import { nodeName } from './layout';
import { NodeBadge, NodePanel } from './NodePanel';
import { duration, runDuration } from './RunHistory';
import { type NodeRun, RUN_FINISHED, type RunView } from './types';
import { useRunStream } from './useRunStream';

/** The graph to colour: the one the run started with. */
function useGraph(run: RunView | null) {
  const graph = run?.graph;
  return useMemo(() => ({ nodes: graph?.nodes ?? [], edges: graph?.edges ?? [], loading: !graph }), [graph]);
}

function Outcome({ run }: { run: RunView }) {
  if (run.error) {
    const what = run.status === 'cancelled' ? 'The run was cancelled' : 'The run failed';
    return (
      <div className="error" role="alert" data-testid="run-error">
        <strong>
          {what}
          {run.error.node_id ? ` at node ${run.error.node_id}` : ''}.
        </strong>{' '}
        {run.error.message}
      </div>
    );
  }
  if (run.status !== 'completed') return null;
  return (
    <section aria-labelledby="output-h">
      <h2 id="output-h">Output</h2>
      <pre data-testid="run-output">{JSON.stringify(run.output, null, 2)}</pre>
    </section>
  );
}

function NodeList({
  nodes,
  selected,
  onSelect,
}: {
  nodes: NodeRun[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table data-testid="node-list">
        <caption className="sr-only">Nodes of this run</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.node_id} className={n.node_id === selected ? 'picked' : undefined}>
              <td>
                <button type="button" className="link" onClick={() => onSelect(n.node_id)}>
                  {nodeName({ id: n.node_id, label: n.label })}
                </button>{' '}
                <span className="muted">{n.runs_as ?? n.type}</span>
              </td>
              <td>
                <NodeBadge state={n.state} />
              </td>
              <td>{n.attempts}</td>
              <td>{duration(n.duration_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunHeader({
  run,
  live,
  onCancel,
  canCancel,
  busy,
}: {
  run: RunView;
  live: boolean;
  onCancel: () => void;
  canCancel: boolean;
  busy: boolean;
}) {
  const finished = RUN_FINISHED.has(run.status);
  const pct = run.progress?.total ? Math.round((100 * run.progress.done) / run.progress.total) : 0;
  return (
    <>
      <p>
        <Link to={`/workflows/${run.workflow_id}`}>← {run.workflow_name}</Link>
      </p>
      <div className="row">
        <h1>Run of {run.workflow_name}</h1>
        <Badge tone={run.status === 'awaiting_approval' ? 'warn' : statusTone(run.status)}>
          <span data-testid="run-status">{run.status.replace('_', ' ')}</span>
        </Badge>
        {live && (
          <span className="muted" role="status">
            live
          </span>
        )}
        {!finished && canCancel && (
          <button type="button" className="danger" style={{ marginLeft: 'auto' }} disabled={busy} onClick={onCancel}>
            Cancel run
          </button>
        )}
      </div>
      <dl className="kv card">
        <dt>Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt>Started</dt>
        <dd>{when(run.started_at ?? run.created_at)}</dd>
        <dt>Took</dt>
        <dd>{finished ? runDuration(run) : '…'}</dd>
        <dt>Nodes done</dt>
        <dd>{run.progress ? `${run.progress.done} of ${run.progress.total}` : '—'}</dd>
        <dt>Id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
      </dl>
      <div
        className="progress"
        role="progressbar"
        aria-label="Run progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={finished ? 100 : pct}
      >
        <div style={{ width: `${finished ? 100 : Math.max(3, pct)}%` }} />
      </div>
    </>
  );
}

/** A workflow run: its graph coloured by each node's state, live, with the picked node's details. */
export function RunPage({ id }: { id: string }) {
  const { session } = useSession();
  const { run, error, live, setRun } = useRunStream(id);
  const graph = useGraph(run);
  const [selected, setSelected] = useState<string | null>(null);
  const action = useAction();
  const byId = useMemo(() => new Map((run?.nodes ?? []).map((n) => [n.node_id, n])), [run?.nodes]);

  if (error && !run)
    return (
      <>
        <p>
          <Link to="/workflows">← Workflows</Link>
        </p>
        <ErrorBox error={error} title="This run could not be loaded" />
      </>
    );
  if (!run) return <Loading what="Loading run" />;
  const cancel = async () => {
    const res = await action.run(() => api<{ run?: RunView }>('POST', `/api/workflow-runs/${run.id}/cancel`));
    if (res?.run) setRun(() => res.run!);
  };
  const picked = selected ? (byId.get(selected) ?? null) : null;
  const pickedName = picked
    ? nodeName(graph.nodes.find((n) => n.id === picked.node_id) ?? { id: picked.node_id, label: picked.label })
    : '';
  return (
    <>
      <RunHeader run={run} live={live} onCancel={cancel} canCancel={can(session, 'AGENT_EXECUTE')} busy={action.busy} />
      <ErrorBox error={action.error} title="Not cancelled" />
      <ErrorBox error={error} title="Live updates stopped" />
      <Outcome run={run} />
      <h2>Graph</h2>
      <div className="wf-run-layout">
        {graph.loading ? (
          <Loading what="Loading the graph" />
        ) : (
          <Graph
            nodes={graph.nodes}
            edges={graph.edges}
            runs={byId}
            selected={selected}
            onSelect={setSelected}
            label={`Graph of this run of ${run.workflow_name}, nodes coloured by state`}
          />
        )}
        <NodePanel node={picked} name={pickedName} onClose={() => setSelected(null)} />
      </div>
      <h2>Nodes</h2>
      <NodeList nodes={run.nodes} selected={selected} onSelect={setSelected} />
    </>
  );
}
