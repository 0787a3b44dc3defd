import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { Link, navigate } from '../../router';
import { ErrorBox, Field, useAction, useAsync } from '../../ui';
import { kindById } from './kinds';

const TYPES = ['function', 'api', 'script', 'docker', 'container'];
const EXAMPLE = 'function execute(input) {\n  return { echo: input };\n}';
/** A row of GET /api/governance/actions: the tenant's table. */
type ActionRule = { action: string; complexity: number; required_maturity: string };

function parseJson(text: string, what: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} must be a JSON object.`);
  return v as Record<string, unknown>;
}

/** Creates the private skill, then submits it for review: one form, two calls. */
export function Publish({ kind }: { kind: string }) {
  const k = kindById(kind);
  const [f, setF] = useState({
    name: '',
    description: '',
    skill_type: 'function',
    action: '',
    code: EXAMPLE,
    endpoint: '',
    category: '',
    tags: '',
    long_description: '',
    config_schema: '',
  });
  const set = (key: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [key]: e.target.value });
  const action = useAction();
  const rules = useAsync(() => api<{ data: { actions: ActionRule[] } }>('GET', '/api/governance/actions'), []);
  if (!k?.canPublish) return <ErrorBox error="Publishing from the console is available for skills only." />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await action.run(async () => {
      const tags = f.tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const configSchema = parseJson(f.config_schema, 'The configuration schema');
      const created = await api<{ skill_id: string }>('POST', '/api/v1/skills/private', {
        name: f.name,
        description: f.description,
        skill_type: f.skill_type,
        action: f.action,
        category: f.category || undefined,
        tags,
        ...(f.skill_type === 'api' ? { endpoint: f.endpoint } : { code: f.code }),
        ...(configSchema ? { config_schema: configSchema } : {}),
      });
      return api<{ marketplace_id: string; status: string }>('POST', '/api/skills/publish', {
        skill_id: created.skill_id,
        category: f.category || undefined,
        tags,
        long_description: f.long_description || undefined,
      });
    });
    if (res) navigate(`/marketplace/${k.id}/${encodeURIComponent(res.marketplace_id)}?published=${res.status}`);
  };

  return (
    <>
      <p>
        <Link to={`/marketplace/${k.id}`}>← {k.title}</Link>
      </p>
      <h1>Publish a skill</h1>
      <p className="muted">Public skills are reviewed by the platform before other tenants can install them.</p>
      <form className="card" onSubmit={submit} aria-label="Publish a skill">
        <Field label="Name">
          <input required maxLength={200} value={f.name} onChange={set('name')} />
        </Field>
        <Field label="Short description">
          <input required maxLength={2000} value={f.description} onChange={set('description')} />
        </Field>
        <Field label="Type">
          <select value={f.skill_type} onChange={set('skill_type')}>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field
          label="Governance action"
          hint={
            'What the skill does as governance sees it: it decides which agents may use it ' +
            '(student agents only level-1 actions).'
          }
        >
          <select required value={f.action} onChange={set('action')}>
            <option value="">Choose an action…</option>
            {rules.data?.data.actions.map((r) => (
              <option key={r.action} value={r.action}>
                {r.action} (level {r.complexity}, {r.required_maturity} agents and up)
              </option>
            ))}
          </select>
        </Field>
        <ErrorBox error={rules.error} title="Governance actions could not be loaded" />
        {f.skill_type === 'api' ? (
          <Field label="Endpoint URL">
            <input type="url" required value={f.endpoint} onChange={set('endpoint')} />
          </Field>
        ) : (
          <Field label="Code" hint="For function skills: JavaScript defining execute(input).">
            <textarea value={f.code} onChange={set('code')} spellCheck={false} />
          </Field>
        )}
        <Field label="Category">
          <input maxLength={100} value={f.category} onChange={set('category')} placeholder="e.g. productivity" />
        </Field>
        <Field label="Tags" hint="Comma-separated">
          <input value={f.tags} onChange={set('tags')} />
        </Field>
        <Field label="Long description">
          <textarea maxLength={20000} value={f.long_description} onChange={set('long_description')} />
        </Field>
        <Field
          label="Configuration schema (JSON Schema, optional)"
          hint="Installs must send a configuration that fits it."
        >
          <textarea value={f.config_schema} onChange={set('config_schema')} spellCheck={false} />
        </Field>
        <ErrorBox error={action.error} title="Not published" />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Publishing…' : 'Submit for review'}
        </button>
      </form>
    </>
  );
}
