-- Reviews: helpful / not helpful votes (one per voter and review) and the publisher's response.
ALTER TABLE marketplace_ratings ADD COLUMN not_helpful_count int NOT NULL DEFAULT 0;
ALTER TABLE marketplace_ratings ADD COLUMN author_response_at timestamptz;

CREATE TABLE marketplace_review_votes (
  tenant_id text NOT NULL REFERENCES tenants(id),
  review_id text NOT NULL,
  voter text NOT NULL,
  helpful boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, review_id, voter)
);
SELECT atom_tenant_table('marketplace_review_votes');
