#!/bin/sh
# Rehearsal accuracy bench (docs/performance.md, "Rehearsal"): a live table
# of LIVE_ROWS rows, a plan that rewrites it (integer -> bigint) and builds
# an index; `strata rehearse` on REHEARSE_ROWS rows estimates the times at
# LIVE_ROWS, then the same statements run for real on the live table.
# Usage: STRATA=target/debug/strata sh benches/rehearse.sh
set -eu
STRATA=${STRATA:-target/release/strata}
ADMIN=${STRATA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
LIVE_ROWS=${LIVE_ROWS:-10000000}
REHEARSE_ROWS=${REHEARSE_ROWS:-1000000}
DB=strata_bench_rehearse
BASE=${ADMIN%/*}
LIVE="$BASE/$DB"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null' EXIT
psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql "$LIVE" -q <<SQL
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE NOT NULL);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id), total integer CHECK (total >= 0));
INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100000) g;
INSERT INTO orders (user_id, total) SELECT 1 + g % 100000, g % 1000 FROM generate_series(1, $LIVE_ROWS) g;
ANALYZE;
SQL
cat > "$WORK/desired.sql" <<SQL
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE NOT NULL);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id), total bigint CHECK (total >= 0));
CREATE INDEX orders_user ON orders (user_id);
SQL
echo "== rehearsal: orders at $REHEARSE_ROWS rows, estimated at $LIVE_ROWS"
"$STRATA" rehearse --url "$LIVE" --to "$WORK/desired.sql" --dev-url "$ADMIN" \
  --rows "orders=$REHEARSE_ROWS"
echo "== real run at $LIVE_ROWS rows"
"$STRATA" plan --url "$LIVE" --to "$WORK/desired.sql" --dev-url "$ADMIN" > "$WORK/up.sql"
grep -v '^--' "$WORK/up.sql" | grep -v '^BEGIN\|^COMMIT\|^SET\|^$' > "$WORK/steps.sql" || true
cat "$WORK/steps.sql"
(printf '%s\n' '\timing on'; cat "$WORK/steps.sql") | psql "$LIVE" -q
