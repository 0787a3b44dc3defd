import { type FormEvent, useState } from 'react';
import { api, qs } from '../../api';
import { can, useSession } from '../../session';
import { Empty, ErrorBox, Field, useAction, useAsync, when } from '../../ui';

interface Version {
  version_id: string;
  version_name: string;
  description: string;
  created_at: string;
}

/** A skill's frozen versions; its publisher can cut a new one or roll back to an older one. */
export function Versions({ id, version, onChanged }: { id: string; version: number; onChanged: () => void }) {
  const { session } = useSession();
  const list = useAsync(
    () => api<{ history: Version[] }>('GET', `/api/skills/history/${encodeURIComponent(id)}`),
    [id, version],
  );
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const manage = can(session, 'SKILL_MANAGE');

  const cut = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (
      await action.run(() => api('POST', `/api/skills/version${qs({ skill_id: id, version_name: name, description })}`))
    ) {
      setDone(`Version ${name} saved.`);
      setName('');
      setDescription('');
      list.reload();
      onChanged();
    }
  };
  const rollback = async (v: Version) => {
    setDone(null);
    if (
      await action.run(() =>
        api('POST', `/api/skills/rollback/${encodeURIComponent(id)}${qs({ version_id: v.version_id })}`),
      )
    ) {
      setDone(`Rolled back to ${v.version_name}.`);
      onChanged();
    }
  };

  return (
    <section aria-labelledby="ver-h">
      <h2 id="ver-h">Versions</h2>
      {list.error ? <p className="muted">Version history is visible to the publisher only.</p> : null}
      {list.data &&
        (list.data.history.length === 0 ? (
          <Empty>No versions.</Empty>
        ) : (
          <ul>
            {list.data.history.map((v) => (
              <li key={v.version_id} className="row">
                <span>
                  <strong>{v.version_name}</strong> — {v.description || <span className="muted">no description</span>}{' '}
                  <span className="muted">({when(v.created_at)})</span>
                </span>
                {manage && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => rollback(v)}
                    disabled={action.busy}
                    aria-label={`Roll back to ${v.version_name}`}
                  >
                    Roll back
                  </button>
                )}
              </li>
            ))}
          </ul>
        ))}
      {list.data && manage && (
        <form onSubmit={cut} className="card" aria-label="New version">
          <div className="filters">
            <Field label="Version name">
              <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="v2" />
            </Field>
            <Field label="What changed">
              <input maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
            </Field>
          </div>
          <button type="submit" disabled={action.busy}>
            Save a version
          </button>
        </form>
      )}
      <ErrorBox error={action.error} title="Versions" />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
