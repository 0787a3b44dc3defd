import { type FormEvent, useState } from 'react';
import { signInAsAdmin, signInWithKey, signInWithPassword } from '../auth';
import { useSession } from '../session';
import { ErrorBox, Field, Tabs, useAction } from '../ui';

type Method = 'key' | 'password' | 'admin';
const METHODS: { id: Method; label: string }[] = [
  { id: 'key', label: 'API key' },
  { id: 'password', label: 'Email and password' },
  { id: 'admin', label: 'Platform admin' },
];

export function SignIn() {
  const { signIn } = useSession();
  const [method, setMethod] = useState<Method>('key');
  const [key, setKey] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState('');
  const action = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const s = await action.run(() =>
      method === 'key'
        ? signInWithKey(key)
        : method === 'password'
          ? signInWithPassword(email, password)
          : signInAsAdmin(key, tenant.trim() || null),
    );
    if (s) signIn(s);
  };

  return (
    <main className="signin" id="main">
      <h1>Sign in to ATOM</h1>
      <Tabs
        label="Sign-in method"
        tabs={METHODS}
        value={method}
        controls="signin-panel"
        onChange={(m) => {
          setMethod(m);
          action.setError(null);
        }}
      />
      <form onSubmit={submit} className="card" aria-label="Sign in" id="signin-panel" role="tabpanel">
        {method !== 'password' && (
          <Field
            label={method === 'admin' ? 'Admin key' : 'API key'}
            hint={
              method === 'key'
                ? 'Starts with sk-atom. Kept only for this browser tab.'
                : "The server's ATOM_ADMIN_KEY: reviews marketplace submissions."
            }
          >
            <input type="password" autoComplete="off" required value={key} onChange={(e) => setKey(e.target.value)} />
          </Field>
        )}
        {method === 'admin' && (
          <Field label="Act in tenant (optional)" hint="A tenant id; leave empty for the review queue only.">
            <input value={tenant} onChange={(e) => setTenant(e.target.value)} />
          </Field>
        )}
        {method === 'password' && (
          <>
            <Field label="Email">
              <input
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
            <Field label="Password">
              <input
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </Field>
          </>
        )}
        <ErrorBox error={action.error} title="Could not sign in" />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
