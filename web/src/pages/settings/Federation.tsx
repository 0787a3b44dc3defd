import { type FormEvent, useState } from 'react';
import { api, qs } from '../../api';
import { isPlatformAdmin, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Field, Loading, SecretOnce, statusTone, useAction, useAsync, when } from '../../ui';

interface Peer {
  id: string;
  name: string;
  base_url: string;
  has_outbound_key: boolean;
  public_keys: { key_id: string }[];
  status: string;
  created_at: string;
}
interface FedKey {
  id: string;
  peer_id: string;
  name: string;
  prefix: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  active: boolean;
}

/** The inbound keys issued to one peer: issue (shown once) and revoke. */
function PeerKeys({ peer }: { peer: Peer }) {
  const list = useAsync(
    () => api<{ data: { keys: FedKey[] } }>('GET', `/api/federation/keys${qs({ peer_id: peer.id, limit: 100 })}`),
    [peer.id],
  );
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();
  const issue = async () => {
    const res = await action.run(() =>
      api<{ data: { key: string } }>('POST', '/api/federation/keys', { peer_id: peer.id, name: `for ${peer.name}` }),
    );
    if (res) {
      setSecret(res.data.key);
      list.reload();
    }
  };
  const revoke = async (k: FedKey) => {
    if (!window.confirm(`Revoke ${k.prefix}…? ${peer.name} can no longer call this instance with it.`)) return;
    if (await action.run(() => api('DELETE', `/api/federation/keys/${k.id}`))) list.reload();
  };
  const keys = list.data?.data.keys;
  return (
    <section aria-label={`Keys issued to ${peer.name}`}>
      <div className="row">
        <h3 style={{ margin: '.5rem 0' }}>Keys issued to {peer.name}</h3>
        <button type="button" className="secondary" onClick={issue} disabled={action.busy}>
          Issue a key
        </button>
      </div>
      {secret && (
        <SecretOnce
          label={`Federation key for ${peer.name}: give it to its operator`}
          value={secret}
          onDone={() => setSecret(null)}
        />
      )}
      <ErrorBox error={list.error ?? action.error} title="Federation keys" />
      {list.loading && !keys && <Loading />}
      {keys && keys.length === 0 && <Empty>No key issued: {peer.name} cannot call this instance yet.</Empty>}
      {keys && keys.length > 0 && (
        <ul className="plain">
          {keys.map((k) => (
            <li key={k.id} className="row">
              <code>{k.prefix}…</code>
              <Badge tone={k.active ? 'good' : 'bad'}>
                {k.active ? 'active' : k.revoked_at ? 'revoked' : 'expired'}
              </Badge>
              <span className="muted">last used {when(k.last_used_at)}</span>
              {k.active && (
                <button type="button" className="danger" onClick={() => revoke(k)} aria-label={`Revoke ${k.prefix}`}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Platform admin: the peer instances this one shares components with, and the keys issued to them. */
export function Federation() {
  const { session } = useSession();
  const list = useAsync(
    () => api<{ data: { peers: Peer[]; total: number } }>('GET', '/api/federation/peers?limit=100'),
    [],
  );
  const [form, setForm] = useState({ name: '', base_url: '', outbound_key: '' });
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  if (!isPlatformAdmin(session))
    return <ErrorBox error="Federation peers are managed with the platform admin key: sign in as platform admin." />;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name: form.name,
      base_url: form.base_url,
      ...(form.outbound_key ? { outbound_key: form.outbound_key } : {}),
    };
    const res = await action.run(() =>
      api<{ data: { peer: Peer; public_key_status?: string } }>('POST', '/api/federation/peers', body),
    );
    if (res) {
      setNotice(
        `${res.data.peer.name} added` +
          `${res.data.public_key_status ? ` (public keys: ${res.data.public_key_status.replace(/_/g, ' ')})` : ''}.`,
      );
      setForm({ name: '', base_url: '', outbound_key: '' });
      list.reload();
    }
  };
  const update = async (p: Peer, body: Record<string, unknown>, done: string) => {
    if (await action.run(() => api('PATCH', `/api/federation/peers/${p.id}`, body))) {
      setNotice(done);
      list.reload();
    }
  };
  const remove = async (p: Peer) => {
    if (!window.confirm(`Remove ${p.name}? Every key issued to it is revoked.`)) return;
    if (await action.run(() => api('DELETE', `/api/federation/peers/${p.id}`))) {
      setNotice(`${p.name} removed.`);
      list.reload();
    }
  };
  const peers = list.data?.data.peers;
  return (
    <>
      <h1>Federation peers</h1>
      <form className="card" onSubmit={add} aria-label="Add a peer instance">
        <h2>Add a peer</h2>
        <div className="filters">
          <Field label="Peer name">
            <input
              required
              maxLength={200}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <Field label="Base URL" hint="Its public keys are fetched from its /.well-known/atom-federation.json">
            <input
              required
              type="url"
              maxLength={2000}
              value={form.base_url}
              onChange={(e) => setForm({ ...form, base_url: e.target.value })}
            />
          </Field>
          <Field label="Key it issued to us (optional)" hint="Sealed at rest, never shown again">
            <input
              type="password"
              maxLength={500}
              value={form.outbound_key}
              onChange={(e) => setForm({ ...form, outbound_key: e.target.value })}
            />
          </Field>
        </div>
        <button type="submit" disabled={action.busy}>
          Add peer
        </button>
      </form>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={list.error ?? action.error} title="Federation" />
      {list.loading && !peers && <Loading />}
      {peers && peers.length === 0 && (
        <Empty>No peers yet: add another ATOM instance to discover and install its components.</Empty>
      )}
      {peers?.map((p) => (
        <article className="card" key={p.id} aria-labelledby={`peer-${p.id}`}>
          <div className="row">
            <h2 id={`peer-${p.id}`} style={{ margin: 0 }}>
              {p.name}
            </h2>
            <Badge tone={statusTone(p.status)}>{p.status}</Badge>
          </div>
          <p className="muted">
            <code>{p.base_url}</code> · {p.public_keys.length} public key{p.public_keys.length === 1 ? '' : 's'} ·{' '}
            {p.has_outbound_key ? 'we hold a key for it' : 'no key for it yet'} · added {when(p.created_at)}
          </p>
          <div className="row">
            <button
              type="button"
              className="secondary"
              onClick={() => setOpen(open === p.id ? null : p.id)}
              aria-expanded={open === p.id}
            >
              {open === p.id ? 'Hide keys' : 'Keys'}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => update(p, { refresh_keys: true }, `Public keys of ${p.name} fetched again.`)}
              disabled={action.busy}
            >
              Refresh public keys
            </button>
            {p.status === 'active' ? (
              <button
                type="button"
                className="secondary"
                onClick={() => update(p, { status: 'disabled' }, `${p.name} disabled.`)}
                disabled={action.busy}
              >
                Disable
              </button>
            ) : (
              <button
                type="button"
                className="secondary"
                onClick={() => update(p, { status: 'active' }, `${p.name} enabled.`)}
                disabled={action.busy}
              >
                Enable
              </button>
            )}
            <button
              type="button"
              className="danger"
              onClick={() => remove(p)}
              disabled={action.busy}
              aria-label={`Remove ${p.name}`}
            >
              Remove
            </button>
          </div>
          {open === p.id && <PeerKeys peer={p} />}
        </article>
      ))}
    </>
  );
}
