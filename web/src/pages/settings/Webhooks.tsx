import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { Badge, Empty, ErrorBox, Field, Loading, SecretOnce, statusTone, useAction, useAsync, when } from '../../ui';

interface Hook {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  status: string;
  disabled_reason: string | null;
  created_at: string;
}
interface Delivery {
  id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

function Deliveries({ hook }: { hook: Hook }) {
  const list = useAsync(
    () => api<{ data: { deliveries: Delivery[] } }>('GET', `/api/webhooks/${hook.id}/deliveries?limit=20`),
    [hook.id],
  );
  const action = useAction();
  const redeliver = async (d: Delivery) => {
    if (await action.run(() => api('POST', `/api/webhooks/${hook.id}/deliveries/${d.id}/redeliver`))) list.reload();
  };
  const test = async () => {
    if (await action.run(() => api('POST', `/api/webhooks/${hook.id}/test`))) window.setTimeout(list.reload, 800);
  };
  const rows = list.data?.data.deliveries;
  return (
    <section aria-label={`Deliveries to ${hook.url}`}>
      <div className="row">
        <h3 style={{ margin: '.5rem 0' }}>Delivery log</h3>
        <button type="button" className="secondary" onClick={list.reload}>
          Refresh
        </button>
        <button type="button" className="secondary" onClick={test} disabled={action.busy}>
          Send test event
        </button>
      </div>
      <ErrorBox error={list.error ?? action.error} title="Deliveries" />
      {list.loading && !rows && <Loading />}
      {rows && rows.length === 0 && <Empty>No deliveries yet. Events you subscribed to will appear here.</Empty>}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>{d.event_type}</td>
                  <td>
                    <Badge tone={statusTone(d.status)}>{d.status}</Badge>
                  </td>
                  <td>{d.attempts}</td>
                  <td>
                    {d.last_status_code ?? '—'}
                    {d.last_error && <div className="muted">{d.last_error}</div>}
                  </td>
                  <td>{when(d.created_at)}</td>
                  <td>
                    {d.status !== 'pending' && (
                      <button type="button" className="secondary" onClick={() => redeliver(d)}>
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function Webhooks() {
  const list = useAsync(() => api<{ data: { webhooks: Hook[] } }>('GET', '/api/webhooks?limit=100'), []);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('agent.created, agent.executed');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const action = useAction();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      url,
      events: events
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      description: description || undefined,
    };
    const res = await action.run(() => api<{ data: { webhook: Hook; secret: string } }>('POST', '/api/webhooks', body));
    if (res) {
      setSecret(res.data.secret);
      setOpen(res.data.webhook.id);
      setUrl('');
      list.reload();
    }
  };
  const remove = async (h: Hook) => {
    if (!window.confirm(`Delete the webhook to ${h.url}?`)) return;
    if (await action.run(() => api('DELETE', `/api/webhooks/${h.id}`))) list.reload();
  };
  const hooks = list.data?.data.webhooks;
  return (
    <>
      <h1>Webhooks</h1>
      <form className="card" onSubmit={create} aria-label="Create a webhook">
        <h2>New webhook</h2>
        <Field label="URL">
          <input
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://example.com/atom-events"
          />
        </Field>
        <Field label="Events" hint="Comma-separated event types, or * for every event">
          <input required value={events} onChange={(e) => setEvents(e.target.value)} />
        </Field>
        <Field label="Description (optional)">
          <input maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <button type="submit" disabled={action.busy}>
          Create webhook
        </button>
      </form>
      {secret && <SecretOnce label="Signing secret" value={secret} onDone={() => setSecret(null)} />}
      <ErrorBox error={list.error ?? action.error} title="Webhooks" />
      {list.loading && !hooks && <Loading />}
      {hooks && hooks.length === 0 && <Empty>No webhooks yet.</Empty>}
      {hooks?.map((h) => (
        <article className="card" key={h.id} aria-labelledby={`h-${h.id}`}>
          <div className="row">
            <strong id={`h-${h.id}`} style={{ wordBreak: 'break-all' }}>
              {h.url}
            </strong>
            <Badge tone={statusTone(h.status)}>{h.status}</Badge>
          </div>
          <p className="muted">
            {h.events.join(', ')}
            {h.description && ` · ${h.description}`}
            {h.disabled_reason && ` · ${h.disabled_reason}`}
          </p>
          <div className="row">
            <button
              type="button"
              className="secondary"
              aria-expanded={open === h.id}
              onClick={() => setOpen(open === h.id ? null : h.id)}
            >
              {open === h.id ? 'Hide deliveries' : 'Show deliveries'}
            </button>
            <button type="button" className="danger" onClick={() => remove(h)}>
              Delete
            </button>
          </div>
          {open === h.id && <Deliveries hook={h} />}
        </article>
      ))}
    </>
  );
}
