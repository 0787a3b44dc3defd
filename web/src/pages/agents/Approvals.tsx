import { useState } from 'react';
import { api } from '../../api';
import { Link } from '../../router';
import { can, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Loading, statusTone, Tabs, useAction, useAsync, when } from '../../ui';

const STATUSES = (['pending', 'approved', 'rejected'] as const).map((id) => ({ id, label: id }));

interface Approval {
  id: string;
  agent_id: string;
  execution_id: string;
  action: string;
  tool: string | null;
  reason: string;
  status: string;
  decision_note: string | null;
  created_at: string;
}

/** Governance approvals: executions waiting for a human; approve resumes, reject fails them. */
export function Approvals() {
  const { session } = useSession();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected'>('pending');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const list = useAsync(
    () => api<{ data: { approvals: Approval[] } }>('GET', `/api/governance/approvals?status=${status}&limit=50`),
    [status],
  );
  const action = useAction();
  const decide = async (id: string, decision: 'approve' | 'reject') => {
    if (
      await action.run(() =>
        api('POST', `/api/governance/approvals/${id}/${decision}`, { note: notes[id] || undefined }),
      )
    )
      list.reload();
  };
  const rows = list.data?.data.approvals;
  return (
    <>
      <h1>Governance approvals</h1>
      <Tabs label="Approval status" tabs={STATUSES} value={status} controls="approvals-panel" onChange={setStatus} />
      <div id="approvals-panel" role="tabpanel" aria-label={`${status} approvals`}>
        <ErrorBox error={list.error ?? action.error} title="Approvals" />
        {list.loading && !rows && <Loading />}
        {rows && rows.length === 0 && <Empty>No {status} approvals.</Empty>}
        {rows?.map((a) => (
          <div className="card" key={a.id}>
            <div className="row">
              <strong>{a.action}</strong>
              {a.tool && <span className="muted">tool {a.tool}</span>}
              <Badge tone={statusTone(a.status)}>{a.status}</Badge>
            </div>
            <p>{a.reason}</p>
            <p className="muted">
              Agent <Link to={`/agents/${a.agent_id}`}>{a.agent_id}</Link> · execution {a.execution_id} ·{' '}
              {when(a.created_at)}
            </p>
            {a.decision_note && <p>Note: {a.decision_note}</p>}
            {a.status === 'pending' && can(session, 'GOVERNANCE_APPROVE') && (
              <div className="row">
                <label className="inline">
                  <span>Note</span>
                  <input value={notes[a.id] ?? ''} onChange={(e) => setNotes({ ...notes, [a.id]: e.target.value })} />
                </label>
                <button type="button" disabled={action.busy} onClick={() => decide(a.id, 'approve')}>
                  Approve
                </button>
                <button type="button" className="danger" disabled={action.busy} onClick={() => decide(a.id, 'reject')}>
                  Reject
                </button>
              </div>
            )}
          </div>
        ))}
      </div>
    </>
  );
}
