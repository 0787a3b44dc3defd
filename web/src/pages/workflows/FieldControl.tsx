import { type ReactNode, useId } from 'react';
import { type FormValue, fieldLabel, JSON_TYPES, optionKey, optionLabel } from './inputForm';
import type { InputField } from './types';

interface Props {
  field: InputField;
  value: FormValue;
  error?: string;
  onChange: (v: FormValue) => void;
}

const INPUT_TYPE: Record<string, string> = {
  email: 'email',
  url: 'url',
  date: 'date',
  number: 'number',
  integer: 'number',
};

/** The label, the hint and the server's complaint, tied to the control by id. */
function Frame({
  field,
  id,
  error,
  children,
  hint,
}: {
  field: InputField;
  id: string;
  error?: string;
  children: ReactNode;
  hint?: string;
}) {
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>
        {fieldLabel(field)}
        {field.required && <span className="muted"> (required)</span>}
      </label>
      {children}
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

/** A group of checkboxes for a multiselect with options. */
function Checkboxes({ field, value, error, onChange, describedBy }: Props & { describedBy?: string }) {
  const picked = Array.isArray(value) ? value : [];
  const toggle = (k: string, on: boolean) => onChange(on ? [...picked, k] : picked.filter((p) => p !== k));
  return (
    <fieldset className={error ? 'field invalid' : 'field'} aria-describedby={describedBy}>
      <legend>
        {fieldLabel(field)}
        {field.required && <span className="muted"> (required)</span>}
      </legend>
      {field.options!.map((o) => (
        <label key={optionKey(o)} className="inline">
          <input
            type="checkbox"
            checked={picked.includes(optionKey(o))}
            onChange={(e) => toggle(optionKey(o), e.target.checked)}
            style={{ width: 'auto', minHeight: 0 }}
          />
          {optionLabel(o)}
        </label>
      ))}
      {field.description && <small className="muted">{field.description}</small>}
      {error && <small className="field-error">{error}</small>}
    </fieldset>
  );
}

function hintOf(f: InputField): string | undefined {
  if (JSON_TYPES.has(f.type))
    return [f.description, `JSON ${f.type === 'json' ? 'value' : f.type}`].filter(Boolean).join(' · ');
  if (f.type === 'multiselect' && !f.options?.length)
    return [f.description, 'Separate values with commas'].filter(Boolean).join(' · ');
  return f.description;
}

/** One input_schema field as a form control fitting its type. */
export function FieldControl(props: Props) {
  const { field: f, value, error, onChange } = props;
  const id = useId();
  const hint = hintOf(f);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'aria-required': f.required || undefined,
  };
  const text = typeof value === 'string' ? value : '';
  if (f.type === 'multiselect' && f.options?.length) return <Checkboxes {...props} describedBy={describedBy} />;
  let control: ReactNode;
  if (f.type === 'boolean') {
    control = (
      <input
        type="checkbox"
        {...common}
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
        style={{ width: 'auto', minHeight: 0 }}
      />
    );
  } else if (f.type === 'select' && f.options?.length) {
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {f.options.map((o) => (
          <option key={optionKey(o)} value={optionKey(o)}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    );
  } else if (f.type === 'textarea' || JSON_TYPES.has(f.type)) {
    control = (
      <textarea
        {...common}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={!JSON_TYPES.has(f.type)}
      />
    );
  } else {
    const numeric = f.type === 'number' || f.type === 'integer';
    control = (
      <input
        {...common}
        type={INPUT_TYPE[f.type] ?? 'text'}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        {...(numeric
          ? { min: f.min, max: f.max, step: f.type === 'integer' ? 1 : 'any' }
          : { minLength: f.min, maxLength: f.max })}
      />
    );
  }
  return (
    <Frame field={f} id={id} error={error} hint={hint}>
      {control}
    </Frame>
  );
}
