#!/bin/sh
# A row the API holds locked longer than LOCK_TIMEOUT_MS: the batch is
# retried MAX_RETRIES times, then its rows are skipped and reported; other
# customers' batches are still corrected, the job exits 0, and the next run
# corrects the skipped rows.  Also: an empty database is a clean run.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

# Empty database: nothing to check, nothing written, exit 0.
for gen in 2026 legacy; do
	new_db $gen
	for job in entity-counter-recalculator customer-storage-recalculator; do
		run_job $job
		assert_status 0 "$status" "$gen empty $job"
		assert_contains "$TMP/err" '"rows_checked":0,"rows_changed":0' "$gen empty $job"
	done
done

new_db 2026
pg_psql >/dev/null <<'SQL'
SELECT test_add_space(c, 1), test_add_images(c, 1, 4) FROM generate_series(1, 2) c;
INSERT INTO "EntityCounters" VALUES
    ('space-images', '1', 1, 9), ('space-images', '1', 2, 9),
    ('customer-images', '1', 0, 4), ('customer-images', '2', 0, 4);
SQL

# Another session holds customer 1's counter, as a slow API request would.
lock_sql="BEGIN; SELECT * FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Customer\" = 1 FOR UPDATE; SELECT pg_sleep(20); COMMIT;"
pg_psql -c "$lock_sql" >/dev/null 2>&1 &
locker=$!
tries=0
until [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'transactionid' AND a.query LIKE '%pg_sleep(20)%'")" -gt 0 ]; do
	tries=$((tries + 1))
	[ $tries -lt 100 ] || fail "the locking session did not start"
	sleep 0.1
done

JOB_ENV="LOCK_TIMEOUT_MS=100 MAX_RETRIES=2" run_job entity-counter-recalculator
assert_status 0 "$status" "run with a locked row"
assert_contains "$TMP/err" 'skipped after 2 retries' "batch skipped"
assert_contains "$TMP/err" '"msg":"row skipped: still locked or conflicting after retries","type":"space-images","customer":1' "row reported"
assert_contains "$TMP/err" '"rows_skipped":1' "summary counts it"
assert_eq 4 "$(q "SELECT \"Next\" FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Customer\" = 2")" "other customer corrected"
kill "$locker" 2>/dev/null || true
wait "$locker" 2>/dev/null || true
q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null

run_job entity-counter-recalculator
assert_status 0 "$status" "next run"
assert_eq 4 "$(q "SELECT \"Next\" FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Customer\" = 1")" "skipped row corrected next time"
