-- What was added to 0800_marketplace_catalogue.sql after it had been committed (and applied),
-- moved here when that file went back to its original text: a committed migration never changes
-- (CONTRIBUTING.md). A database may have applied any of the three texts 0800 had on main: the
-- original (no count table, no name_search), the second (count table and its triggers, category
-- index) or the third (also name_search). Every statement below leaves the same schema after any
-- of them: IF NOT EXISTS, CREATE OR REPLACE, and DO blocks that look before they create.

-- A category narrows a common word before its rows are read (the two indexes are ANDed).
CREATE INDEX IF NOT EXISTS marketplace_catalogue_category ON marketplace_catalogue (kind, category);

-- The name's words: the part of `search` weighted A (see nameTierSql in search.ts).
ALTER TABLE marketplace_catalogue ADD COLUMN IF NOT EXISTS name_search tsvector;
-- The listings' policy shows no rows outside a tenant context: read them in the platform context.
SELECT set_config('app.tenant_id', '*', true);
UPDATE marketplace_catalogue c SET name_search = to_tsvector('english', coalesce(l.name, ''))
  FROM marketplace_listings l WHERE l.id = c.id AND c.name_search IS NULL;
ALTER TABLE marketplace_catalogue ALTER COLUMN name_search SET NOT NULL;
CREATE INDEX IF NOT EXISTS marketplace_catalogue_name_search ON marketplace_catalogue USING GIN (name_search) WITH (fastupdate = off);

CREATE OR REPLACE FUNCTION marketplace_catalogue_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
    DELETE FROM marketplace_catalogue WHERE id = OLD.id;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN NULL; END IF;
  IF NOT (NEW.status = 'approved' AND NEW.marketplace_type = 'public') THEN
    DELETE FROM marketplace_catalogue WHERE id = NEW.id;
    RETURN NULL;
  END IF;
  INSERT INTO marketplace_catalogue (id, kind, category, subtype, tags, price, featured, rating_avg, rating_count,
    installs, created_at, updated_at, sort_name, search, name_search)
  VALUES (NEW.id, NEW.kind, NEW.category, NEW.subtype, NEW.tags, NEW.price, NEW.featured,
    CASE WHEN NEW.rating_count > 0 THEN NEW.rating_sum::float8 / NEW.rating_count ELSE 0 END, NEW.rating_count,
    NEW.installs, NEW.created_at, NEW.updated_at, lower(NEW.name), NEW.search, to_tsvector('english', coalesce(NEW.name, '')))
  ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, category = EXCLUDED.category, subtype = EXCLUDED.subtype,
    tags = EXCLUDED.tags, price = EXCLUDED.price, featured = EXCLUDED.featured, rating_avg = EXCLUDED.rating_avg,
    rating_count = EXCLUDED.rating_count, installs = EXCLUDED.installs, created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at, sort_name = EXCLUDED.sort_name, search = EXCLUDED.search,
    name_search = EXCLUDED.name_search;
  RETURN NULL;
END $$;

-- How many catalogue listings of each kind hold each word (lexeme), and ('' as the word) how many
-- there are in all: the total of a one-word query or of a browse without filters, read in one row
-- instead of counting every match (14,000 for a common word; 100,000 for a browse). Filled from
-- the catalogue only when this migration creates it; where it exists its triggers kept it.
DO $$
BEGIN
  IF to_regclass('marketplace_catalogue_counts') IS NULL THEN
    CREATE TABLE marketplace_catalogue_counts (
      kind text NOT NULL,
      lexeme text NOT NULL,
      listings int NOT NULL,
      PRIMARY KEY (kind, lexeme)
    );
    -- Done before its triggers exist; the advisory lock the runner holds keeps other starts out.
    INSERT INTO marketplace_catalogue_counts (kind, lexeme, listings)
    SELECT c.kind, w, count(*) FROM marketplace_catalogue c,
      LATERAL (SELECT '' UNION ALL SELECT unnest(tsvector_to_array(c.search))) AS x(w) GROUP BY c.kind, w;
  END IF;
END $$;

-- The counts change once per statement, by the net number of listings that entered or left the
-- catalogue (a listing updated in place, e.g. its installs, nets to nothing and writes nothing).
-- A row-level +1 would update the kind's row once per listing: for one statement that approves
-- 100,000 listings that grows quadratically (each update walks the row's earlier versions).
-- Rows are written in key order, so two approvals at once cannot deadlock on them.
CREATE OR REPLACE FUNCTION marketplace_catalogue_words(search tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT '' UNION ALL SELECT unnest(tsvector_to_array(search))
$$;
CREATE OR REPLACE FUNCTION marketplace_catalogue_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  listed CONSTANT text := $q$status = 'approved' AND marketplace_type = 'public'$q$;
  entered CONSTANT text := format('SELECT kind, search, 1 AS d FROM entered WHERE %s', listed);
  gone CONSTANT text := format('SELECT kind, search, -1 AS d FROM gone WHERE %s', listed);
BEGIN
  EXECUTE format($q$
    INSERT INTO marketplace_catalogue_counts AS t (kind, lexeme, listings)
    SELECT c.kind, w, sum(c.d) FROM (%s) c, marketplace_catalogue_words(c.search) w
    GROUP BY c.kind, w HAVING sum(c.d) <> 0 ORDER BY c.kind, w
    ON CONFLICT (kind, lexeme) DO UPDATE SET listings = t.listings + EXCLUDED.listings$q$,
    CASE TG_OP WHEN 'INSERT' THEN entered WHEN 'DELETE' THEN gone ELSE entered || ' UNION ALL ' || gone END);
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS marketplace_catalogue_count_insert ON marketplace_listings;
CREATE TRIGGER marketplace_catalogue_count_insert AFTER INSERT ON marketplace_listings
  REFERENCING NEW TABLE AS entered FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalogue_count();
DROP TRIGGER IF EXISTS marketplace_catalogue_count_delete ON marketplace_listings;
CREATE TRIGGER marketplace_catalogue_count_delete AFTER DELETE ON marketplace_listings
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalogue_count();
DROP TRIGGER IF EXISTS marketplace_catalogue_count_update ON marketplace_listings;
CREATE TRIGGER marketplace_catalogue_count_update AFTER UPDATE ON marketplace_listings
  REFERENCING NEW TABLE AS entered OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalogue_count();
