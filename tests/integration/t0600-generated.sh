#!/bin/sh
# On generated DLCS-shaped databases of both generations, with every kind
# of drift injected, one run of each job leaves no row wrong, and a second
# run changes nothing; drift injected again is repaired again, also when
# the buffer of drifted rows fills many times mid-scan.  The generator is
# deterministic from its seed.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

IMAGES=${GENERATED_IMAGES:-20000}

report() { # gen -> "entity storage" wrong-row counts
	pg_psql -v gen="$1" -f "$ROOT/tests/sql/drift-report.sql" |
		awk -F': *' '{ printf "%s ", $2 }'
}

generate() { # gen images seed
	new_db "$1"
	pg_psql -v gen="$1" -v images="$2" -v seed="$3" \
		-f "$ROOT/tests/sql/generate.sql" >/dev/null
	inject_drift "$1" "$3"
}

inject_drift() { # gen seed
	pg_psql -v gen="$1" -v seed="$2" -f "$ROOT/tests/sql/drift.sql" >/dev/null
}

repair() { # gen: both jobs, then no row wrong
	for job in entity-counter-recalculator customer-storage-recalculator; do
		run_job $job
		assert_status 0 "$status" "$1 $job"
		grep '"run complete"' "$TMP/err"
	done
	assert_eq "0 0 " "$(report "$1")" "$1: rows still wrong"
}

fingerprint() {
	for table in Images ImageStorage Adjuncts EntityCounters CustomerStorage; do
		q "SELECT md5(string_agg(x::text, ',' ORDER BY x::text))
		     FROM \"$table\" x"
	done >"$1"
}

# Same seed, same database.
generate 2026 2000 7
fingerprint "$TMP/a"
generate 2026 2000 7
fingerprint "$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "the generator is not deterministic"

for gen in 2026 legacy; do
	generate $gen "$IMAGES" 42
	before=$(report $gen)
	echo "$gen before: $before"
	entity=${before%% *}
	storage=${before#* }
	storage=${storage%% *}
	if [ "$entity" -eq 0 ] || [ "$storage" -eq 0 ]; then
		fail "$gen: the generator injected no drift ($before)"
	fi
	repair $gen
	for job in entity-counter-recalculator customer-storage-recalculator; do
		run_job $job
		assert_contains "$TMP/err" '"rows_changed":0' "$gen $job second run"
	done
	# Drift injected again into the repaired database (as the benchmark
	# does between its runs) is repaired again, this time with a buffer
	# so small that the scan stops for a pause, look 2 and writes dozens
	# of times mid-stream, and with a scan that runs without parallel
	# workers.
	inject_drift $gen 43
	again=$(report $gen)
	[ "$again" != "0 0 " ] || fail "$gen: drift.sql injected nothing the second time"
	JOB_ENV="BUFFER_ROWS=7 SCAN_PARALLEL_WORKERS=0" repair $gen
	rounds=$(grep -c 'rows drifted at the first look' "$TMP/err")
	echo "$gen: BUFFER_ROWS=7, storage job: $rounds rounds"
	[ "$rounds" -gt 5 ] || fail "$gen: BUFFER_ROWS=7 gave only $rounds rounds"
done
