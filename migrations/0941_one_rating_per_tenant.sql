-- One rating per tenant per listing (was one per user): a second member of the same tenant
-- replaces the tenant's rating. Duplicates are collapsed first, keeping each tenant's latest
-- rating; the votes on the dropped ones go with them; every listing's running sum and count are
-- then recomputed from the ratings that remain.
SELECT set_config('app.tenant_id', '*', true);

DELETE FROM marketplace_review_votes v
 USING marketplace_ratings r
 WHERE v.review_id = r.id
   AND EXISTS (SELECT 1 FROM marketplace_ratings n
                WHERE n.listing_id = r.listing_id AND n.tenant_id = r.tenant_id
                  AND (n.updated_at, n.created_at, n.id) > (r.updated_at, r.created_at, r.id));
DELETE FROM marketplace_ratings r
 WHERE EXISTS (SELECT 1 FROM marketplace_ratings n
                WHERE n.listing_id = r.listing_id AND n.tenant_id = r.tenant_id
                  AND (n.updated_at, n.created_at, n.id) > (r.updated_at, r.created_at, r.id));

ALTER TABLE marketplace_ratings DROP CONSTRAINT IF EXISTS marketplace_ratings_listing_id_rater_key;
CREATE UNIQUE INDEX marketplace_ratings_one_per_tenant ON marketplace_ratings (listing_id, tenant_id);

UPDATE marketplace_listings l
   SET rating_sum = coalesce(s.total, 0), rating_count = coalesce(s.n, 0)
  FROM (SELECT l2.id, sum(r.rating) AS total, count(r.id) AS n
          FROM marketplace_listings l2 LEFT JOIN marketplace_ratings r ON r.listing_id = l2.id
         GROUP BY l2.id) s
 WHERE s.id = l.id AND (l.rating_sum <> coalesce(s.total, 0) OR l.rating_count <> coalesce(s.n, 0));
