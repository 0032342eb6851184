#!/bin/sh
# A run stopped midway: SIGTERM (activeDeadlineSeconds, eviction) and a
# connection killed by the server.  The job exits promptly with its code,
# says what it had done, and leaves no half-written batch.  While it runs it
# is visible in pg_stat_activity under its application_name.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

new_db 2026
pg_psql -f "$ROOT/tests/fixtures/entity.sql" >/dev/null
pg_psql -f "$ROOT/tests/fixtures/storage-2026.sql" >/dev/null
pg_psql -At -c 'SELECT * FROM "EntityCounters" ORDER BY 1, 2, 3' >"$TMP/before"

# start_job JOB [PAUSE_MS]: in the background; returns once look 1 is done
# and the job pauses before look 2 (30 s unless told).
start_job() {
	env -i CONNECTION_STRING="$(APP_URL)" ENABLE_CLOUDWATCH_INTEGRATION=false AWS_EC2_METADATA_DISABLED=true \
		CONFIRM_DELAY_MS="${2:-30000}" "$BIN_DIR/$1" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	tries=0
	until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1'")" = 2 ]; do
		tries=$((tries + 1))
		[ $tries -lt 100 ] || fail "$1 never showed in pg_stat_activity"
		sleep 0.1
	done
	# In the pause: look 1 done, nothing written yet.
	until grep -q 'looking again in' "$TMP/err"; do sleep 0.1; done
}

wait_status() {
	status=0
	wait "$pid" || status=$?
}

start_job entity-counter-recalculator
t0=$(date +%s)
kill -TERM "$pid"
wait_status
t1=$(date +%s)
assert_status 5 "$status" "SIGTERM"
[ $((t1 - t0)) -le 5 ] || fail "SIGTERM took $((t1 - t0)) s"
assert_contains "$TMP/err" '"msg":"run failed"' "summary after SIGTERM"
assert_contains "$TMP/err" '"error":"interrupted"' "summary says why"
assert_contains "$TMP/err" '"rows_checked":15,"rows_changed":0' "what was done"
pg_psql -At -c 'SELECT * FROM "EntityCounters" ORDER BY 1, 2, 3' >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "SIGTERM left writes"

# The server drops the job's connections.
start_job customer-storage-recalculator
q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'customer-storage-recalculator'" >/dev/null
kill -TERM "$pid" 2>/dev/null || true
wait_status
[ "$status" -ne 0 ] || fail "dropped connection: exit 0"
assert_eq 0 "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%recalculator' AND state LIKE 'idle in transaction%'")" "transaction left open"

# A dropped connection mid-run, without SIGTERM: exit 3, nothing written.
start_job entity-counter-recalculator 2000
q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'entity-counter-recalculator'" >/dev/null
wait_status
assert_status 3 "$status" "dropped connection"
assert_contains "$TMP/err" "connection to the database lost" "dropped connection"
pg_psql -At -c 'SELECT * FROM "EntityCounters" ORDER BY 1, 2, 3' >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "dropped connection left writes"
