import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { ErrorBox, Field, useAction, useAsync } from '../../ui';
import type { KindConfig } from './kinds';

/** Install with an optional JSON configuration; validation failures are shown in plain words. */
export function InstallForm({
  k,
  id,
  schema,
  onDone,
}: {
  k: KindConfig;
  id: string;
  schema: unknown;
  onDone: () => void;
}) {
  const [config, setConfig] = useState('{}');
  const [done, setDone] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [newTarget, setNewTarget] = useState('');
  const action = useAction();
  const targets = useAsync(() => (k.target ? api('GET', k.target.list) : Promise.resolve(null)), [k.id]);
  const targetList = k.target && targets.data ? k.target.items(targets.data) : [];
  const hasSchema = !!schema && typeof schema === 'object' && Object.keys(schema as object).length > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    let parsed: Record<string, unknown>;
    try {
      parsed = config.trim() ? JSON.parse(config) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    } catch {
      action.setError('The configuration must be a JSON object, like {"region": "eu"}.');
      return;
    }
    const res = await action.run(async () => {
      let targetId = target;
      if (k.target && !targetId)
        targetId = k.target.createdId(
          await api('POST', k.target.create, { name: newTarget || `My ${k.target.label.toLowerCase()}` }),
        );
      const req = k.install!(id, parsed, targetId || undefined);
      return api<any>(req.method, req.path, req.body);
    });
    if (res) {
      setDone(res.message ?? `Installed${res.status ? ` (${res.status})` : ''}.`);
      onDone();
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-label={`Install this ${k.noun}`}>
      <h2>Install</h2>
      {k.id === 'skills' && (
        <Field
          label="Configuration (JSON)"
          hint={hasSchema ? 'This listing checks its configuration against the schema below.' : 'Optional.'}
        >
          <textarea value={config} onChange={(e) => setConfig(e.target.value)} spellCheck={false} />
        </Field>
      )}
      {k.target && (
        <div className="filters">
          <Field label={k.target.label}>
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">A new {k.target.label.toLowerCase()}…</option>
              {targetList.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          {!target && (
            <Field label={`Name of the new ${k.target.label.toLowerCase()}`}>
              <input
                value={newTarget}
                maxLength={200}
                onChange={(e) => setNewTarget(e.target.value)}
                placeholder={`My ${k.target.label.toLowerCase()}`}
              />
            </Field>
          )}
        </div>
      )}
      {hasSchema && (
        <details>
          <summary>Configuration schema</summary>
          <pre>{JSON.stringify(schema, null, 2)}</pre>
        </details>
      )}
      <ErrorBox error={action.error} title="Not installed" />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={action.busy}>
        Install
      </button>
    </form>
  );
}

export function RateForm({ k, id, onDone }: { k: KindConfig; id: string; onDone: () => void }) {
  const [rating, setRating] = useState(5);
  const [review, setReview] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const req = k.rate!(id, rating, review);
    const res = await action.run(() => api<any>(req.method, req.path, req.body));
    if (res) {
      setDone(
        `Thanks: your ${rating}-star rating is ` +
          `saved${typeof res.new_average === 'number' ? `; the average is now ${res.new_average.toFixed(1)}` : ''}.`,
      );
      onDone();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Rate and review">
      <h2>Rate and review</h2>
      <fieldset className="row" style={{ border: 0, padding: 0 }}>
        <legend>Your rating</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className="inline">
            <input
              type="radio"
              name="rating"
              value={n}
              checked={rating === n}
              onChange={() => setRating(n)}
              style={{ width: 'auto', minHeight: 0 }}
            />
            {n} star{n > 1 ? 's' : ''}
          </label>
        ))}
      </fieldset>
      <Field label="Review (optional)">
        <textarea maxLength={5000} value={review} onChange={(e) => setReview(e.target.value)} />
      </Field>
      <ErrorBox error={action.error} title="Rating not saved" />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={action.busy}>
        Submit rating
      </button>
    </form>
  );
}
