import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { Badge, Empty, ErrorBox, Field, Loading, SecretOnce, statusTone, useAction, useAsync, when } from '../../ui';

interface Key {
  id: string;
  name: string;
  prefix: string;
  scope: string;
  role: string;
  status: string;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

export function ApiKeys() {
  const list = useAsync(() => api<{ data: { api_keys: Key[] } }>('GET', '/api/api-keys?limit=100'), []);
  const [name, setName] = useState('');
  const [scope, setScope] = useState('read_write');
  const [role, setRole] = useState('member');
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const res = await action.run(() =>
      api<{ data: { key: string } }>('POST', '/api/api-keys', {
        name,
        scope,
        role,
        ...(days ? { expires_in_days: Number(days) } : {}),
      }),
    );
    if (res) {
      setSecret(res.data.key);
      setName('');
      list.reload();
    }
  };
  const revoke = async (k: Key) => {
    if (!window.confirm(`Revoke the key “${k.name}”? Programs using it stop working at once.`)) return;
    if (await action.run(() => api('DELETE', `/api/api-keys/${k.id}`))) list.reload();
  };
  const keys = list.data?.data.api_keys;
  return (
    <>
      <h1>API keys</h1>
      <form className="card" onSubmit={create} aria-label="Create an API key">
        <h2>New key</h2>
        <div className="filters">
          <Field label="Name">
            <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Scope">
            <select value={scope} onChange={(e) => setScope(e.target.value)}>
              <option value="read_write">read and write</option>
              <option value="read">read only</option>
            </select>
          </Field>
          <Field label="Role">
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {['viewer', 'member', 'admin', 'owner'].map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
          <Field label="Expires in days (optional)">
            <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
          </Field>
        </div>
        <button type="submit" disabled={action.busy}>
          Create key
        </button>
      </form>
      {secret && <SecretOnce label="Your new API key" value={secret} onDone={() => setSecret(null)} />}
      <ErrorBox error={list.error ?? action.error} title="API keys" />
      {list.loading && !keys && <Loading />}
      {keys && keys.length === 0 && <Empty>No API keys.</Empty>}
      {keys && keys.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Access</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    {k.role}, {k.scope}
                  </td>
                  <td>
                    <Badge tone={statusTone(k.status)}>{k.status}</Badge>
                    {k.expires_at && <div className="muted">expires {when(k.expires_at)}</div>}
                  </td>
                  <td>{when(k.last_used_at)}</td>
                  <td>
                    {k.status === 'active' && (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => revoke(k)}
                        aria-label={`Revoke ${k.name}`}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
