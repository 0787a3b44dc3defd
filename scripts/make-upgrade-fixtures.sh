#!/usr/bin/env bash
# Writes the upgrade test's fixtures (test/platform/migration-upgrade.test.ts): a database as an
# older ATOM left it, made by running that commit's migration files the way its runner did (each in
# a transaction as the application role, its name recorded without a checksum), with a little data,
# then dumped as plain SQL. Needs git, psql and pg_dump, and a PostgreSQL superuser URL:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/make-upgrade-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
ADMIN="${BASE%/*}/postgres"

# fixture <name> <commit> <data.sql>: the schema at <commit> plus the data, into test/fixtures/<name>.sql
fixture() {
  local name=$1 commit=$2 data=$3 db="atom_fixture_$$_$RANDOM"
  local url="${BASE%/*}/$db"
  psql -q "$ADMIN" -c "CREATE DATABASE $db"
  trap "psql -q '$ADMIN' -c 'DROP DATABASE IF EXISTS $db WITH (FORCE)'" RETURN EXIT
  {
    echo "\\set ON_ERROR_STOP on"
    echo "DO \$\$ BEGIN CREATE ROLE atom_app NOLOGIN NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;"
    echo "GRANT CREATE, CONNECT, TEMPORARY ON DATABASE $db TO atom_app; GRANT ALL ON SCHEMA public TO atom_app;"
    echo "SET ROLE atom_app;"
    # The runner applies migrations in the platform context (Database.exec).
    echo "SELECT set_config('app.tenant_id', '*', false);"
    echo "CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
    for f in $(git ls-tree --name-only "$commit" migrations/ | grep -E '/[0-9]{4}_[a-z0-9_]+\.sql$' | sort); do
      echo "BEGIN;"
      git show "$commit:$f"
      echo ";INSERT INTO schema_migrations (name) VALUES ('$(basename "$f")'); COMMIT;"
    done
    echo "$data"
  } | psql -q "$url" >/dev/null
  {
    echo "-- A database as ATOM left it at commit $(git rev-parse --short "$commit") (migrations applied by name, no checksums),"
    echo "-- with a little data. Made by scripts/make-upgrade-fixtures.sh; load it as the application role."
    pg_dump --inserts --no-owner --no-privileges --no-comments "$url" | grep -v '^--' | grep -v '^$' | grep -Ev '^\\(un)?restrict' | grep -v '^SET default_table_access_method'
  } > "test/fixtures/$name.sql"
  echo "test/fixtures/$name.sql: $(wc -c < "test/fixtures/$name.sql") bytes"
}

TENANT="INSERT INTO tenants (id, name, slug, plan) VALUES ('tnt_fixture_old', 'Old Tenant', 'old-tenant', 'team');"

# Before 0800_marketplace_catalogue.sql was edited (it then had no count table and no name_search).
fixture upgrade-before-0800-edits 091b4f8^ "$TENANT
INSERT INTO marketplace_listings (tenant_id, id, kind, name, description, long_description, category, subtype, tags,
  marketplace_type, status, content, installs, approved_at)
VALUES
  ('tnt_fixture_old', 'mkt_fixture_ledger', 'skill', 'Ledger Reconciler', 'Matches bank lines to invoices', 'Reconciles a ledger',
   'finance', 'function', ARRAY['finance'], 'public', 'approved', '{\"code\": \"function execute(i) { return i; }\", \"input_schema\": {}}', 3, now()),
  ('tnt_fixture_old', 'mkt_fixture_draft', 'skill', 'Ledger Draft', 'Not published yet', '',
   'finance', 'function', ARRAY['finance'], 'public', 'draft', '{\"code\": \"function execute(i) { return i; }\", \"input_schema\": {}}', 0, NULL);"

# Before 0001_platform.sql was edited (it then had no atom_tenant_table, which 0002 onwards call).
fixture upgrade-before-0001-edits 4d4079a^ "$TENANT"
