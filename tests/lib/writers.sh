# shellcheck shell=sh disable=SC2034,SC2154 # RUNS, TRANSIENT, BUSY are for the tests; status comes from run_job
# API-like writers for the concurrency tests (source after setup.sh).
#
#   with_writers MODE JOB   starts WRITERS (default 4) tests/lib/api_writer.py
#                           processes of MODE (OPS operations each) and runs
#                           JOB again and again until they finish; fails on
#                           a failed run or writer, or fewer than 2 runs.
#                           Sets RUNS, and TRANSIENT and BUSY summed over
#                           the runs' summary lines.

with_writers() {
	mode=$1
	job=$2
	dsn="host=127.0.0.1 port=$PGPORT dbname=$PGDB user=postgres password=pg-admin-secret"
	pids=""
	for w in $(seq 1 "${WRITERS:-4}"); do
		/usr/bin/python3 "$ROOT/tests/lib/api_writer.py" --dsn "$dsn" \
			--mode "$mode" --ops "${OPS:-1500}" --seed "$w" >"$TMP/writer-$w" &
		pids="$pids $!"
	done
	RUNS=0
	TRANSIENT=0
	BUSY=0
	# shellcheck disable=SC2086 # one word per process
	while kill -0 $pids 2>/dev/null; do
		JOB_ENV="CONFIRM_DELAY_MS=200" run_job "$job"
		assert_status 0 "$status" "$mode: run $RUNS"
		RUNS=$((RUNS + 1))
		t=$(sed -n 's/.*"rows_transient":\([0-9]*\).*/\1/p' "$TMP/err")
		TRANSIENT=$((TRANSIENT + ${t:-0}))
		b=$(sed -n 's/.*"rows_busy":\([0-9]*\).*/\1/p' "$TMP/err")
		BUSY=$((BUSY + ${b:-0}))
	done
	for p in $pids; do wait "$p" || fail "$mode: a writer failed"; done
	cat "$TMP"/writer-*
	[ "$RUNS" -ge 2 ] || fail "$mode: the job ran only $RUNS times during the writers"
}
