-- A search's second place, the viewer's own listings that are not in the public catalogue
-- (drafts, pending, rejected, private: search.ts), is found through this small index on
-- conditions that are all plain equalities: PostgreSQL uses them beneath row level security
-- (they are leakproof), so the text match is then checked on those few rows only, never on a
-- publisher's whole catalogue. The public part is matched in marketplace_catalogue, which has no
-- row level security, through its text index. Neither needs ts_match_vq marked LEAKPROOF.
CREATE INDEX IF NOT EXISTS marketplace_listings_unlisted ON marketplace_listings (tenant_id, kind)
  WHERE status <> 'unpublished' AND NOT (status = 'approved' AND marketplace_type = 'public');
