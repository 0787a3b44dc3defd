import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { navigate } from '../../router';
import { ErrorBox, errorText, Field } from '../../ui';
import { FieldControl } from './FieldControl';
import { type FormValues, fieldErrors, formInput, initialValues } from './inputForm';
import type { RunView, Workflow } from './types';

/** Without an input schema the input is free JSON, an object. */
function parseFree(text: string): { input?: Record<string, unknown>; error?: string } {
  if (!text.trim()) return { input: {} };
  try {
    const v = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return { input: v };
    return { error: 'The input must be a JSON object, like {"name": "Ada"}.' };
  } catch {
    return { error: 'The input is not valid JSON.' };
  }
}

/**
 * The Run form: a control per input_schema field (or a JSON box when the workflow has none).
 * Starting the run goes to its page; a 400 stays here, its message beside the field it names.
 */
export function RunForm({ workflow, onCancel }: { workflow: Workflow; onCancel: () => void }) {
  const fields = workflow.input_schema;
  const [values, setValues] = useState<FormValues>(() => initialValues(fields ?? []));
  const [free, setFree] = useState('{}');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = fields ? formInput(fields, values) : parseFree(free);
    const local = 'errors' in parsed ? (parsed.errors ?? {}) : {};
    setErrors(local);
    const localError = 'error' in parsed ? parsed.error : Object.values(local)[0];
    setError(localError ?? null);
    if (localError) return;
    setBusy(true);
    try {
      // async: answered at once (202), so the run page shows the nodes progress live.
      const res = await api<{ run: RunView }>('POST', `/api/workflows/${workflow.id}/run`, {
        input: parsed.input,
        async: true,
      });
      navigate(`/workflow-runs/${res.run.id}`);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-labelledby="run-form-h" onSubmit={submit} noValidate>
      <h2 id="run-form-h" style={{ marginTop: 0 }}>
        Run {workflow.name}
      </h2>
      {fields && fields.length === 0 && <p className="muted">This workflow takes no input.</p>}
      {fields?.map((f) => (
        <FieldControl
          key={f.name}
          field={f}
          value={values[f.name]}
          error={errors[f.name]}
          onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))}
        />
      ))}
      {!fields && (
        <Field label="Input (JSON)" hint="The workflow has no input schema: its trigger receives this object as it is.">
          <textarea value={free} onChange={(e) => setFree(e.target.value)} spellCheck={false} />
        </Field>
      )}
      <ErrorBox error={error} title="The run did not start" />
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}
