# shellcheck shell=sh disable=SC2034 # status is read by the tests
# Sourced by every integration test (tests/integration/tNNNN-*.sh).  The
# runner (tests/run.sh) has started one PostgreSQL for the whole suite and
# exported its PGHOST/PGPORT/PG_*; each test gets its own database and
# temporary directory, both removed on exit.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN_DIR=${BIN_DIR:-$ROOT/build/bin}
TEST_NAME=$(basename "$0" .sh)
# shellcheck source=tests/lib/pg.sh
. "$ROOT/tests/lib/pg.sh"
# shellcheck source=tests/lib/assert.sh
. "$ROOT/tests/lib/assert.sh"

[ -n "${PGPORT:-}" ] || fail "no test PostgreSQL: run this through tests/run.sh"

TMP=$(mktemp -d)
chmod 755 "$TMP"
PGDB=$(echo "$TEST_NAME" | tr -c 'a-z0-9\n' '_')
export PGDB

# Runs SQL on the maintenance database "postgres".
admin_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "$1"
}

cleanup() {
	admin_sql "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# new_db 2026|legacy: a fresh database with the schema and the helpers, and
# the role "recalc" with exactly the grants deployments give the jobs.
new_db() {
	admin_sql "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1
	admin_sql "CREATE DATABASE $PGDB" >/dev/null
	pg_psql -f "$ROOT/tests/sql/schema-common.sql" >/dev/null
	pg_psql -f "$ROOT/tests/sql/schema-$1.sql" >/dev/null
	pg_psql -f "$ROOT/tests/sql/functions.sql" >/dev/null
	pg_psql -f "$ROOT/tests/sql/grants.sql" >/dev/null
}

# The connection string of the restricted role, over TCP with TLS verified.
APP_URL() {
	echo "postgresql://recalc:recalc-secret-pw@localhost:$PGPORT/$PGDB?sslmode=verify-full&sslrootcert=$PG_CA"
}

# The exit status of the last run_job, read by the tests.
# shellcheck disable=SC2034
status=0

# run_job NAME [ARGS...]: runs a job against the test database; stdout in
# $TMP/out, stderr in $TMP/err, the exit status in $status.  Extra
# environment comes from JOB_ENV (a list of NAME=value words).
run_job() {
	name=$1
	shift
	# shellcheck disable=SC2034 # read by the tests
	status=0
	# shellcheck disable=SC2086
	env -i PATH=/usr/bin:/bin \
		CONNECTION_STRING="$(APP_URL)" \
		ENABLE_CLOUDWATCH_INTEGRATION=false AWS_EC2_METADATA_DISABLED=true \
		CONFIRM_DELAY_MS=50 \
		${JOB_ENV:-} \
		"$BIN_DIR/$name" "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
}
