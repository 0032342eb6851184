#!/bin/sh
# Database failures: one clear line, the database exit code (3), no secret
# in the output, and nothing written.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

new_db 2026
pg_psql -f "$ROOT/tests/fixtures/entity.sql" >/dev/null
pg_psql -f "$ROOT/tests/fixtures/storage-2026.sql" >/dev/null
pg_psql -At -c 'SELECT * FROM "EntityCounters" ORDER BY 1, 2, 3' >"$TMP/entity-before"

unchanged() { # what
	pg_psql -At -c 'SELECT * FROM "EntityCounters" ORDER BY 1, 2, 3' >"$TMP/entity-now"
	cmp -s "$TMP/entity-before" "$TMP/entity-now" || fail "$1: EntityCounters changed"
}

# expect_db_error JOB "text" [ARGS...]: exit 3 with text and no password.
expect_db_error() {
	job=$1
	want=$2
	shift 2
	run_job "$job" "$@"
	assert_status 3 "$status" "$job: $want"
	assert_contains "$TMP/err" "$want" "$job"
	assert_contains "$TMP/err" '"level":"error"' "$job: error level"
	for secret in recalc-secret-pw wrong-pw-1234; do
		assert_not_contains "$TMP/err" "$secret" "$job: password in stderr"
		assert_not_contains "$TMP/out" "$secret" "$job: password in stdout"
	done
}

free_port=$(pg_free_port)

# Unreachable, refused login, unknown database, untrusted server certificate.
JOB_ENV="CONNECTION_STRING=postgresql://recalc:recalc-secret-pw@127.0.0.1:$free_port/$PGDB" \
	expect_db_error entity-counter-recalculator "cannot connect to the database"
JOB_ENV="CONNECTION_STRING=postgresql://recalc:wrong-pw-1234@localhost:$PGPORT/$PGDB?sslmode=require" \
	expect_db_error entity-counter-recalculator "password authentication failed"
JOB_ENV="CONNECTION_STRING=postgresql://recalc:recalc-secret-pw@localhost:$PGPORT/nosuchdb?sslmode=require" \
	expect_db_error customer-storage-recalculator "cannot connect to the database"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other-ca \
	-keyout "$TMP/other.key" -out "$TMP/other.crt" >/dev/null 2>&1
JOB_ENV="CONNECTION_STRING=postgresql://recalc:recalc-secret-pw@localhost:$PGPORT/$PGDB?sslmode=verify-full&sslrootcert=$TMP/other.crt" \
	expect_db_error entity-counter-recalculator "certificate verify failed"
# libpq's own variables apply: the password from PGPASSWORD_FILE, TLS from
# PGSSLMODE/PGSSLROOTCERT.
echo "recalc-secret-pw" >"$TMP/pw"
JOB_ENV="CONNECTION_STRING=host=localhost PGPORT=$PGPORT PGUSER=recalc PGDATABASE=$PGDB PGPASSWORD_FILE=$TMP/pw PGSSLMODE=verify-full PGSSLROOTCERT=$PG_CA" \
	run_job entity-counter-recalculator --dry-run
assert_status 0 "$status" "PG* variables"
unchanged "connection failures"

# Missing grants, for the write and for the read side of each job.
pg_psql -c 'REVOKE UPDATE ON "EntityCounters" FROM recalc'
expect_db_error entity-counter-recalculator 'the database role lacks UPDATE on \"EntityCounters\"'
# A dry run needs no write grant.
run_job entity-counter-recalculator --dry-run
assert_status 0 "$status" "dry run without UPDATE"
pg_psql -c 'GRANT UPDATE ON "EntityCounters" TO recalc'
pg_psql -c 'REVOKE SELECT ON "Images" FROM recalc'
expect_db_error entity-counter-recalculator 'lacks SELECT on \"Images\"'
pg_psql -c 'GRANT SELECT ON "Images" TO recalc'
pg_psql -c 'REVOKE SELECT ON "Adjuncts" FROM recalc'
expect_db_error customer-storage-recalculator 'lacks SELECT on \"Adjuncts\"'
pg_psql -c 'GRANT SELECT ON "Adjuncts" TO recalc'

# Deleting stale counters needs DELETE, which deployments did not grant.
expect_db_error entity-counter-recalculator 'lacks DELETE on \"EntityCounters\"' --delete-stale
unchanged "missing grants"
pg_psql -c 'GRANT DELETE ON "EntityCounters" TO recalc'
JOB_ENV="DELETE_STALE_COUNTERS=true" run_job entity-counter-recalculator
assert_status 0 "$status" "delete stale"
assert_contains "$TMP/err" '"msg":"deleted stale row","type":"space-images","customer":1,"space":6' "stale row deleted"
assert_eq 0 "$(q "SELECT count(*) FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Scope\" = '6'")" "stale row gone"
assert_eq 1 "$(q "SELECT count(*) FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Scope\" = '5'")" "emptied space kept"
pg_psql -At -c 'SELECT * FROM "EntityCounters" ORDER BY 1, 2, 3' >"$TMP/entity-before"

# Without SELECT on "Spaces" deleted spaces cannot be told apart: deletion
# is refused, a plain run warns and goes on.
pg_psql -c 'REVOKE SELECT ON "Spaces" FROM recalc'
expect_db_error entity-counter-recalculator 'needs SELECT on \"Spaces\"' --delete-stale
run_job entity-counter-recalculator
assert_status 0 "$status" "no SELECT on Spaces"
assert_contains "$TMP/err" 'no SELECT on \"Spaces\"' "warning"
pg_psql -c 'GRANT SELECT ON "Spaces" TO recalc'

# A database that is not DLCS-shaped.
pg_psql -c 'ALTER TABLE "Images" RENAME COLUMN "Space" TO "SpaceId"'
expect_db_error entity-counter-recalculator 'table \"Images\" has no column \"Space\"'
pg_psql -c 'ALTER TABLE "Images" RENAME COLUMN "SpaceId" TO "Space"'
pg_psql -c 'ALTER TABLE "ImageStorage" RENAME TO "ImageStore"'
expect_db_error customer-storage-recalculator 'table \"ImageStorage\" not found'
pg_psql -c 'ALTER TABLE "ImageStore" RENAME TO "ImageStorage"'
unchanged "schema errors"
