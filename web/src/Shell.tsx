import { useEffect, useRef, useState } from 'react';
import { switchTenant } from './auth';
import { KINDS } from './pages/marketplace/kinds';
import { Link, match, navigate, useLocation } from './router';
import { ROUTES } from './routes';
import { isPlatformAdmin, useSession } from './session';
import { ErrorBox, errorText } from './ui';

const NAV = (admin: boolean, hasTenant: boolean) => [
  ...(hasTenant
    ? [
        { to: '/agents', label: 'Agents' },
        { to: '/approvals', label: 'Approvals' },
        { to: '/workflows', label: 'Workflows' },
        ...KINDS.map((k) => ({ to: `/marketplace/${k.id}`, label: k.nav })),
      ]
    : []),
  ...(admin ? [{ to: '/marketplace/review', label: 'Review queue' }] : []),
  ...(hasTenant
    ? [
        { to: '/settings/api-keys', label: 'API keys' },
        { to: '/settings/webhooks', label: 'Webhooks' },
        { to: '/settings/integrations', label: 'Integrations' },
        { to: '/settings/usage', label: 'Usage' },
      ]
    : []),
  ...(admin ? [{ to: '/settings/federation', label: 'Federation peers' }] : []),
];

export function Shell() {
  const { session, signIn, signOut } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const admin = isPlatformAdmin(session);
  const hasTenant = !!session?.tenantId;
  const items = NAV(admin, hasTenant);

  useEffect(() => {
    if (path === '/' || path === '') navigate(hasTenant ? '/agents' : '/marketplace/review', true);
  }, [path, hasTenant]);
  // After a client-side navigation, move focus to the new page so screen readers announce it.
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `path` is the trigger (each navigation), not a value the effect reads
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  const route = ROUTES.map((r) => ({ r, p: match(r.pattern, path) })).find((x) => x.p);
  const current = session?.tenants.find((t) => t.tenant_id === session.tenantId);

  const onSwitch = async (tenantId: string) => {
    setSwitchError(null);
    try {
      signIn(await switchTenant(session!, tenantId));
      // The open page may show another tenant's object: start again from home.
      navigate('/', true);
    } catch (e) {
      setSwitchError(errorText(e));
    }
  };

  return (
    <div className="layout">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <strong className="brand">ATOM</strong>
        <button
          type="button"
          className="menu-toggle secondary"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <div className="who">
          {session!.tenants.length > 1 || (admin && session!.tenants.length > 0) ? (
            <label className="inline">
              <span className="sr-only">Tenant</span>
              <select aria-label="Tenant" value={session!.tenantId ?? ''} onChange={(e) => onSwitch(e.target.value)}>
                {admin && <option value="">No tenant (review only)</option>}
                {session!.tenants.map((t) => (
                  <option key={t.tenant_id} value={t.tenant_id}>
                    {t.tenant_name} ({t.plan})
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="muted">{current?.tenant_name ?? session!.tenantId ?? ''}</span>
          )}
          <span className="badge neutral" title="How you are signed in">
            {admin ? 'platform admin' : `${session!.role ?? ''}${session!.plan ? ` · ${session!.plan}` : ''}`}
          </span>
          <button type="button" className="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="nav" aria-label="Main" className={menuOpen ? 'side open' : 'side'}>
        <ul>
          {items.map((i) => (
            <li key={i.to}>
              <Link to={i.to} aria-current={path === i.to || path.startsWith(`${i.to}/`) ? 'page' : undefined}>
                {i.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} className="content">
        <ErrorBox error={switchError} title="Could not switch tenant" />
        {route ? (
          route.r.tenant && !hasTenant ? (
            <p className="empty">This page works inside a tenant. Choose one in the tenant menu at the top.</p>
          ) : (
            route.r.render(route.p!)
          )
        ) : (
          <p className="empty">
            Page not found. <Link to="/">Go home</Link>
          </p>
        )}
      </main>
    </div>
  );
}
