import { useState } from 'react';
import { api } from '../../api';
import { Link } from '../../router';
import { can, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Field, Loading, useAsync } from '../../ui';
import { itemsOf, kindById, totalOf } from './kinds';
import { Stars } from './Stars';

const PAGE = 12;

/** Browse and search one marketplace kind; the same page for every kind. */
export function Browse({ kind }: { kind: string }) {
  const k = kindById(kind);
  const { session } = useSession();
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const [sort, setSort] = useState(k?.sorts[0]?.value ?? '');
  const [offset, setOffset] = useState(0);
  const list = useAsync(
    async () => (k ? api('GET', k.search({ query, category, sort, limit: PAGE, offset })) : null),
    [kind, query, category, sort, offset],
  );
  const cats = useAsync(async () => (k?.categories ? api<any>('GET', k.categories) : null), [kind]);
  if (!k) return <ErrorBox error={`There is no marketplace called “${kind}”.`} />;
  const items = list.data ? itemsOf(list.data) : [];
  const total = list.data ? totalOf(list.data) : null;
  const categories: string[] = ((cats.data?.categories ?? cats.data?.data?.categories ?? []) as unknown[])
    .map((c: any) => (typeof c === 'string' ? c : (c?.name ?? c?.id)))
    .filter(Boolean);

  return (
    <>
      <div className="row">
        <h1>{k.title}</h1>
        {k.canPublish && can(session, 'SKILL_MANAGE') && (
          <Link className="button" to={`/marketplace/${k.id}/publish`} style={{ marginLeft: 'auto' }}>
            Publish a {k.noun}
          </Link>
        )}
      </div>
      <search aria-label={`Search ${k.title}`}>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search">
            <input
              type="search"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setOffset(0);
              }}
              placeholder={`Find a ${k.noun}`}
            />
          </Field>
          <Field label="Category">
            {categories.length > 0 ? (
              <select
                value={category}
                onChange={(e) => {
                  setCategory(e.target.value);
                  setOffset(0);
                }}
              >
                <option value="">All</option>
                {categories.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            ) : (
              <input
                value={category}
                onChange={(e) => {
                  setCategory(e.target.value);
                  setOffset(0);
                }}
                placeholder="Any"
              />
            )}
          </Field>
          {k.sorts.length > 0 && (
            <Field label="Sort by">
              <select value={sort} onChange={(e) => setSort(e.target.value)}>
                {k.sorts.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </form>
      </search>
      <ErrorBox error={list.error} title={`The ${k.noun} marketplace could not be loaded`} />
      {list.loading && !list.data && <Loading what={`Loading ${k.nav.toLowerCase()}`} />}
      {list.data && items.length === 0 && (
        <Empty>{query || category ? `No ${k.noun} matches your search.` : `No ${k.noun}s are published yet.`}</Empty>
      )}
      <div className="grid">
        {items.map((it) => (
          <article className="card" key={it.id} aria-labelledby={`l-${it.id}`}>
            <h2 id={`l-${it.id}`} style={{ marginTop: 0 }}>
              <Link to={`/marketplace/${k.id}/${encodeURIComponent(it.id)}`}>{it.name}</Link>
            </h2>
            <p>{it.description || <span className="muted">No description.</span>}</p>
            <div className="row">
              <Stars rating={it.rating} count={it.rating_count} />
              {it.installs !== null && <span className="muted">{it.installs} installs</span>}
            </div>
            <div className="row" style={{ marginTop: '.4rem' }}>
              {it.category && <Badge>{it.category}</Badge>}
              {it.type && <Badge>{it.type}</Badge>}
              {it.raw.is_approved === false && <Badge tone="warn">not approved yet</Badge>}
            </div>
          </article>
        ))}
      </div>
      {total !== null && total > PAGE && (
        <nav className="row" aria-label="Pages">
          <button
            type="button"
            className="secondary"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(total, offset + PAGE)} of {total}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={offset + PAGE >= total}
            onClick={() => setOffset(offset + PAGE)}
          >
            Next
          </button>
        </nav>
      )}
    </>
  );
}
