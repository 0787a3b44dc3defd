import { useState } from 'react';
import { api } from '../../api';
import { Link } from '../../router';
import { Badge, Empty, ErrorBox, Loading, useAsync, when } from '../../ui';
import { itemOf, kindById } from './kinds';
import { InstallForm, RateForm } from './ListingActions';
import { Stars } from './Stars';
import { Versions } from './Versions';

interface Review {
  id?: string;
  rating: number;
  review: string | null;
  created_at: string;
}

export function ListingPage({ kind, id }: { kind: string; id: string }) {
  const k = kindById(kind);
  const [version, setVersion] = useState(0);
  const detail = useAsync(async () => {
    if (!k) return null;
    const main = await api<any>('GET', k.detail(id));
    const extra = k.extra ? await api<any>('GET', k.extra(id)).catch(() => null) : null;
    return extra ? { ...extra, ...itemOf(main).raw } : main;
  }, [kind, id, version]);
  const reviews = useAsync(async () => (k?.reviews ? api<any>('GET', k.reviews(id)) : null), [kind, id, version]);
  if (!k) return <ErrorBox error={`There is no marketplace called “${kind}”.`} />;
  const back = (
    <p>
      <Link to={`/marketplace/${k.id}`}>← {k.title}</Link>
    </p>
  );
  if (detail.error)
    return (
      <>
        {back}
        <ErrorBox error={detail.error} title={`This ${k.noun} could not be loaded`} />
      </>
    );
  if (!detail.data)
    return (
      <>
        {back}
        <Loading />
      </>
    );
  const it = itemOf(detail.data);
  const reviewList: Review[] =
    reviews.data?.reviews ?? reviews.data?.ratings ?? reviews.data?.data?.ratings ?? it.raw.recent_reviews ?? [];
  const refresh = () => setVersion((v) => v + 1);

  return (
    <>
      {back}
      <div className="row">
        <h1>{it.name}</h1>
        {it.category && <Badge>{it.category}</Badge>}
        {it.type && <Badge>{it.type}</Badge>}
      </div>
      <p>{it.description}</p>
      {it.raw.long_description && <p>{it.raw.long_description}</p>}
      <dl className="kv card">
        <dt>Rating</dt>
        <dd data-testid="listing-rating">
          <Stars rating={it.rating} count={it.rating_count} />
        </dd>
        <dt>Installs</dt>
        <dd data-testid="listing-installs">{it.installs ?? '—'}</dd>
        <dt>Tags</dt>
        <dd>{it.tags.join(', ') || '—'}</dd>
        <dt>Published</dt>
        <dd>{when(it.raw.created_at)}</dd>
        {it.raw.documentation_url && (
          <>
            <dt>Documentation</dt>
            <dd>
              <a href={it.raw.documentation_url} rel="noreferrer noopener" target="_blank">
                {it.raw.documentation_url}
              </a>
            </dd>
          </>
        )}
      </dl>
      {k.install && <InstallForm k={k} id={id} schema={it.raw.config_schema} onDone={refresh} />}
      {k.rate && <RateForm k={k} id={id} onDone={refresh} />}
      {k.reviews && (
        <section aria-labelledby="rev-h">
          <h2 id="rev-h">Reviews</h2>
          <ErrorBox error={reviews.error} title="Reviews could not be loaded" />
          {reviewList.length === 0 ? (
            <Empty>No reviews yet.</Empty>
          ) : (
            <ul data-testid="reviews">
              {reviewList.map((r, i) => (
                <li key={r.id ?? i}>
                  <Stars rating={r.rating} /> {r.review ?? <span className="muted">(no text)</span>}{' '}
                  <span className="muted">— {when(r.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {k.versions && <Versions id={id} version={version} onChanged={refresh} />}
    </>
  );
}
