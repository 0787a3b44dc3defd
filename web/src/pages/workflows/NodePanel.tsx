import { Link } from '../../router';
import { when } from '../../ui';
import { duration } from './RunHistory';
import type { NodeRun } from './types';

/** A node's state in words, coloured as the graph colours it. */
export function NodeBadge({ state }: { state: string }) {
  return <span className={`badge node-${state}`}>{state.replace('_', ' ')}</span>;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
const present = (v: unknown) => v !== null && v !== undefined;

function Json({ label, value }: { label: string; value: unknown }) {
  if (!present(value)) return null;
  return (
    <>
      <h4>{label}</h4>
      <pre data-testid={`node-${label.toLowerCase()}`}>{show(value)}</pre>
    </>
  );
}

function errorMessage(e: unknown): unknown {
  if (e && typeof e === 'object' && 'message' in e && Object.keys(e).length <= 2)
    return (e as { message: unknown }).message;
  return e;
}

/** The picked node of a run: its state, attempts, timing, input, output and error. */
export function NodePanel({ node, name, onClose }: { node: NodeRun | null; name: string; onClose: () => void }) {
  if (!node) {
    return (
      <aside className="card wf-panel" aria-label="Node details">
        <p className="muted">Pick a node in the graph or the list to see its input, output and error.</p>
      </aside>
    );
  }
  return (
    <aside className="card wf-panel" aria-labelledby="node-panel-h" data-testid="node-panel">
      <div className="row">
        <h3 id="node-panel-h" style={{ margin: 0 }}>
          {name}
        </h3>
        <NodeBadge state={node.state} />
        <button
          type="button"
          className="secondary"
          style={{ marginLeft: 'auto' }}
          onClick={onClose}
          aria-label="Close node details"
        >
          ×
        </button>
      </div>
      <dl className="kv" style={{ marginTop: '.5rem' }}>
        <dt>Node</dt>
        <dd>
          <code>{node.node_id}</code>
        </dd>
        <dt>Type</dt>
        <dd>
          {node.type || '—'}
          {node.runs_as && node.runs_as !== node.type ? ` (runs as ${node.runs_as})` : ''}
        </dd>
        <dt>Attempts</dt>
        <dd>{node.attempts}</dd>
        <dt>Started</dt>
        <dd>{when(node.started_at)}</dd>
        <dt>Took</dt>
        <dd>{duration(node.duration_ms)}</dd>
        {node.execution_id && (
          <>
            <dt>Agent execution</dt>
            <dd>
              <code>{node.execution_id}</code>
            </dd>
          </>
        )}
        {node.approval_id && (
          <>
            <dt>Approval</dt>
            <dd>
              <Link to="/approvals">{node.approval_id}</Link>
            </dd>
          </>
        )}
      </dl>
      {present(node.error) && (
        <div className="error">
          <strong>Failed.</strong> {show(errorMessage(node.error))}
        </div>
      )}
      <Json label="Input" value={node.input} />
      <Json label="Output" value={node.output} />
    </aside>
  );
}
