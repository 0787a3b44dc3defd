import { useState } from 'react';
import { api } from '../../api';
import { Badge, ErrorBox, SecretOnce, useAction, when } from '../../ui';
import type { Activation, Schedule, Workflow } from './types';

function Schedules({ schedules, active }: { schedules: Schedule[]; active: boolean }) {
  if (!schedules.length) return null;
  return (
    <>
      <dt>Schedules</dt>
      <dd>
        <ul className="plain" data-testid="schedules">
          {schedules.map((s) => (
            <li key={`${s.node_id}:${s.cron}`}>
              <code>{s.cron}</code> <span className="muted">({s.timezone})</span>{' '}
              {active ? <>next run {when(s.next_at)}</> : <span className="muted">paused while inactive</span>}
              {s.last_fired_at && <span className="muted"> · last fired {when(s.last_fired_at)}</span>}
            </li>
          ))}
        </ul>
      </dd>
    </>
  );
}

/**
 * How the workflow starts: always by hand (Run), and while active by its webhook and schedules.
 * Activating answers the webhook's signing secret the first time only: it is shown once here.
 */
export function Triggers({
  workflow,
  canManage,
  onChanged,
}: {
  workflow: Workflow;
  canManage: boolean;
  onChanged: (w: Workflow) => void;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [last, setLast] = useState<Activation['triggers'] | null>(null);
  const action = useAction();
  const active = !!workflow.active;
  const webhook = workflow.webhook_url ?? last?.webhook?.url ?? null;
  const schedules = workflow.schedules?.length ? workflow.schedules : (last?.schedules ?? []);

  const activate = async () => {
    const res = await action.run(() => api<Activation>('POST', `/api/workflows/${workflow.id}/activate`));
    if (!res) return;
    setLast(res.triggers ?? null);
    if (res.triggers?.webhook?.secret) setSecret(res.triggers.webhook.secret);
    onChanged(res.workflow);
  };
  const deactivate = async () => {
    const res = await action.run(() => api<{ workflow: Workflow }>('POST', `/api/workflows/${workflow.id}/deactivate`));
    if (!res) return;
    setLast(null);
    onChanged(res.workflow);
  };

  return (
    <section className="card" aria-labelledby="triggers-h">
      <div className="row">
        <h2 id="triggers-h" style={{ margin: 0 }}>
          Triggers
        </h2>
        {active ? <Badge tone="good">active</Badge> : <Badge>inactive</Badge>}
        {canManage && (
          <span className="row" style={{ marginLeft: 'auto' }}>
            {active ? (
              <button type="button" className="secondary" disabled={action.busy} onClick={deactivate}>
                Deactivate
              </button>
            ) : (
              <button type="button" disabled={action.busy} onClick={activate}>
                Activate
              </button>
            )}
          </span>
        )}
      </div>
      <ErrorBox error={action.error} title={active ? 'Not deactivated' : 'Not activated'} />
      {secret && <SecretOnce label="Webhook signing secret" value={secret} onDone={() => setSecret(null)} />}
      <dl className="kv" style={{ marginTop: '.75rem' }}>
        <dt>Manual</dt>
        <dd>
          Run button below, or <code>POST /api/workflows/{workflow.id}/run</code>
        </dd>
        <dt>Webhook</dt>
        <dd>
          {active && webhook ? (
            <code data-testid="webhook-url">{webhook}</code>
          ) : (
            <span className="muted">Activate to receive signed webhook calls.</span>
          )}
        </dd>
        <Schedules schedules={schedules} active={active} />
        {active && (
          <>
            <dt>Active since</dt>
            <dd>{when(workflow.activated_at)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
