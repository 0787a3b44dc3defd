import { useCallback, useMemo, useState } from 'react';
import { setApiSession } from './api';
import { SignIn } from './pages/SignIn';
import { navigate } from './router';
import { Shell } from './Shell';
import { loadSession, type Session, SessionContext, saveSession } from './session';

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const signOut = useCallback(() => {
    saveSession(null);
    setApiSession(null);
    setSession(null);
    navigate('/', true);
  }, []);
  const signIn = useCallback(
    (s: Session) => {
      saveSession(s);
      setApiSession(s, signOut);
      setSession(s);
    },
    [signOut],
  );
  setApiSession(session, signOut);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return (
    <SessionContext.Provider value={value}>
      {session ? <Shell key={`${session.mode}:${session.tenantId}`} /> : <SignIn />}
    </SessionContext.Provider>
  );
}
