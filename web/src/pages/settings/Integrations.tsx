import { api } from '../../api';
import { can, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Loading, statusTone, useAction, useAsync, when } from '../../ui';

interface Integration {
  provider: string;
  name: string;
  configured: boolean;
  status: string;
  connected: boolean;
  scopes: string[];
  connected_at: string | null;
  expires_at: string | null;
  last_error: string | null;
}

/** OAuth integrations: connect sends the browser to the provider and back to this page. */
export function Integrations() {
  const { session } = useSession();
  const list = useAsync(() => api<{ data: { integrations: Integration[] } }>('GET', '/api/integrations'), []);
  const action = useAction();
  const params = new URLSearchParams(location.search);
  const connect = async (p: Integration) => {
    const res = await action.run(() =>
      api<{ data: { authorization_url: string } }>('POST', `/api/integrations/${p.provider}/connect`, {
        return_to: '/settings/integrations',
      }),
    );
    if (res) window.location.assign(res.data.authorization_url);
  };
  const disconnect = async (p: Integration) => {
    if (await action.run(() => api('POST', `/api/integrations/${p.provider}/disconnect`))) list.reload();
  };
  const items = list.data?.data.integrations;
  const manage = can(session, 'INTEGRATION_MANAGE');
  return (
    <>
      <h1>Integrations</h1>
      {params.get('status') === 'connected' && (
        <p className="notice" role="status">
          {params.get('integration')} is connected.
        </p>
      )}
      <ErrorBox error={list.error ?? action.error} title="Integrations" />
      {list.loading && !items && <Loading />}
      {items && items.length === 0 && <Empty>No integration providers are set up on this server.</Empty>}
      <div className="grid">
        {items?.map((p) => (
          <article className="card" key={p.provider} aria-labelledby={`i-${p.provider}`}>
            <div className="row">
              <h2 id={`i-${p.provider}`} style={{ margin: 0 }}>
                {p.name}
              </h2>
              <Badge tone={statusTone(p.status)}>{p.status.replace(/_/g, ' ')}</Badge>
            </div>
            {p.connected && (
              <p className="muted">
                Connected {when(p.connected_at)}
                {p.scopes.length > 0 && ` · ${p.scopes.join(', ')}`}
              </p>
            )}
            {p.last_error && <p className="error">{p.last_error}</p>}
            {!p.configured && (
              <p className="muted">
                Not configured on this server: the operator must set this provider's OAuth client id and secret.
              </p>
            )}
            {manage &&
              (p.connected ? (
                <button type="button" className="danger" onClick={() => disconnect(p)} disabled={action.busy}>
                  Disconnect
                </button>
              ) : (
                <button type="button" onClick={() => connect(p)} disabled={action.busy || !p.configured}>
                  Connect
                </button>
              ))}
          </article>
        ))}
      </div>
    </>
  );
}
