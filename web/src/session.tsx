import { createContext, useContext } from 'react';

export interface Membership {
  tenant_id: string;
  tenant_name: string;
  plan: string;
  role: string;
}

/** Who is signed in. `secret` is the API key, the user's bearer token, or the platform admin key. */
export interface Session {
  mode: 'key' | 'password' | 'admin';
  secret: string;
  tenantId: string | null;
  email?: string;
  role: string | null;
  plan: string | null;
  permissions: string[];
  tenants: Membership[];
}

const STORAGE_KEY = 'atom.console.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null) {
  if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(STORAGE_KEY);
}

export interface SessionApi {
  session: Session | null;
  signIn(s: Session): void;
  signOut(): void;
}

export const SessionContext = createContext<SessionApi>({ session: null, signIn: () => {}, signOut: () => {} });
export const useSession = () => useContext(SessionContext);

export const can = (s: Session | null, permission: string) =>
  !!s && (s.mode === 'admin' || s.permissions.includes(permission));
export const isPlatformAdmin = (s: Session | null) => s?.mode === 'admin';
