import { useState } from 'react';
import { api, qs } from '../../api';
import { isPlatformAdmin, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Loading, useAction, useAsync, when } from '../../ui';
import { KINDS, kindByEngine } from './kinds';

interface Pending {
  id: string;
  kind: string;
  tenant_id: string;
  tenant_name: string | null;
  name: string;
  description: string;
  category: string;
  tags: string[];
  created_at: string;
}

/** Platform reviewer: every listing waiting for approval, approve or reject with a reason. */
export function ReviewQueue() {
  const { session } = useSession();
  const [kind, setKind] = useState('');
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const list = useAsync(
    () =>
      api<{ data: { items: Pending[]; total: number } }>(
        'GET',
        `/api/admin/marketplace/pending${qs({ kind, limit: 50 })}`,
      ),
    [kind],
  );
  const action = useAction();
  if (!isPlatformAdmin(session))
    return <ErrorBox error="The review queue needs the platform admin key: sign in as platform admin." />;

  const decide = async (p: Pending, approve: boolean) => {
    const k = kindByEngine(p.kind);
    if (!k?.review) return action.setError(`Listings of kind ${p.kind} cannot be reviewed from the console yet.`);
    const reason = reasons[p.id]?.trim() ?? '';
    if (!approve && !reason) return action.setError('Give a reason for the rejection: the publisher sees it.');
    const req = approve ? k.review.approve(p.id) : k.review.reject(p.id, reason);
    if (await action.run(() => api(req.method, req.path, req.body))) {
      setDone(`${p.name} ${approve ? 'approved' : 'rejected'}.`);
      list.reload();
    }
  };
  const items = list.data?.data.items;
  return (
    <>
      <h1>Review queue</h1>
      <div className="filters">
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {KINDS.map((k) => (
              <option key={k.id} value={k.engineKind}>
                {k.nav}
              </option>
            ))}
          </select>
        </label>
      </div>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <ErrorBox error={list.error ?? action.error} title="Review" />
      {list.loading && !items && <Loading />}
      {items && items.length === 0 && <Empty>Nothing waits for review.</Empty>}
      {items?.map((p) => (
        <article className="card" key={p.id} aria-labelledby={`p-${p.id}`}>
          <div className="row">
            <h2 id={`p-${p.id}`} style={{ margin: 0 }}>
              {p.name}
            </h2>
            <Badge tone="warn">pending</Badge>
            <Badge>{p.kind}</Badge>
          </div>
          <p>{p.description}</p>
          <p className="muted">
            From {p.tenant_name ? `${p.tenant_name} (${p.tenant_id})` : p.tenant_id} · {p.category} ·{' '}
            {p.tags.join(', ')} · submitted {when(p.created_at)}
          </p>
          <div className="row">
            <label className="inline">
              <span>Reason</span>
              <input value={reasons[p.id] ?? ''} onChange={(e) => setReasons({ ...reasons, [p.id]: e.target.value })} />
            </label>
            <button type="button" disabled={action.busy} onClick={() => decide(p, true)}>
              Approve
            </button>
            <button type="button" className="danger" disabled={action.busy} onClick={() => decide(p, false)}>
              Reject
            </button>
          </div>
        </article>
      ))}
    </>
  );
}
