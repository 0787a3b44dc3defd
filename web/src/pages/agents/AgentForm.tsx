import { type FormEvent, useState } from 'react';
import { ErrorBox, Field, useAction } from '../../ui';
import { type Agent, MATURITY, ROLES, STATUSES } from './types';

/** Create (no agent) or edit (agent given). Role and maturity are fixed after creation. */
export function AgentForm({
  agent,
  onSave,
  onCancel,
}: {
  agent?: Agent;
  onSave: (body: Record<string, unknown>) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(agent?.name ?? '');
  const [description, setDescription] = useState(agent?.description ?? '');
  const [role, setRole] = useState<string>(agent?.role ?? ROLES[0]);
  const [maturity, setMaturity] = useState<string>(agent?.maturity_level ?? MATURITY[0]);
  const [status, setStatus] = useState(agent?.status ?? 'active');
  const [capabilities, setCapabilities] = useState((agent?.capabilities ?? []).join(', '));
  const action = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const caps = capabilities
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const body: Record<string, unknown> = agent
      ? { name, description: description || null, capabilities: caps, status }
      : { name, description: description || undefined, role, maturity_level: maturity, capabilities: caps };
    await action.run(() => onSave(body));
  };

  return (
    <form className="card" onSubmit={submit} aria-label={agent ? 'Edit agent' : 'New agent'}>
      <h2>{agent ? 'Edit agent' : 'New agent'}</h2>
      <Field label="Name">
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Description">
        <input maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {!agent && (
        <div className="row">
          <Field label="Role">
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
          <Field label="Starting maturity">
            <select value={maturity} onChange={(e) => setMaturity(e.target.value)}>
              {MATURITY.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
        </div>
      )}
      {agent && (
        <Field label="Status">
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
      )}
      <Field label="Capabilities" hint="Comma-separated, e.g. search, summarise">
        <input value={capabilities} onChange={(e) => setCapabilities(e.target.value)} />
      </Field>
      <ErrorBox error={action.error} title="Not saved" />
      <div className="row">
        <button type="submit" disabled={action.busy}>
          {agent ? 'Save changes' : 'Create agent'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
