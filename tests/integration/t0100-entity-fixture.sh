#!/bin/sh
# entity-counter-recalculator on the fixture: a dry run changes nothing and
# reports what a real run does; the real run leaves exactly the expected
# table, with the metrics and summary figures that match; a second run
# changes nothing.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

dump() {
	pg_psql -At -c 'SELECT "Type", "Scope", "Customer", "Next"
	                  FROM "EntityCounters"
	                 ORDER BY "Type" COLLATE "C", "Scope" COLLATE "C",
	                          "Customer"' >"$1"
}

new_db 2026
pg_psql -f "$ROOT/tests/fixtures/entity.sql" >/dev/null
dump "$TMP/before"

JOB_ENV="ENABLE_EMF_METRICS=true" run_job entity-counter-recalculator --dry-run
assert_status 0 "$status" "dry run"
dump "$TMP/after-dry"
cmp -s "$TMP/before" "$TMP/after-dry" || fail "dry run wrote to the table"
assert_contains "$TMP/err" '"msg":"would correct row","type":"space-images","customer":1,"space":2,"old":7,"new":3,"delta":-4' "dry-run row line"
assert_contains "$TMP/err" '"rows_changed":8' "dry-run summary"
cp "$TMP/out" "$TMP/dry-emf"

JOB_ENV="ENABLE_EMF_METRICS=true" run_job entity-counter-recalculator
assert_status 0 "$status" "real run"
dump "$TMP/after"
diff -u "$ROOT/tests/fixtures/entity.expected" "$TMP/after" >&2 ||
	fail "table after the run differs from tests/fixtures/entity.expected"
assert_contains "$TMP/err" '"msg":"corrected row","type":"space-images","customer":1,"space":3,"old":1,"new":4,"delta":3' "row line"
assert_contains "$TMP/err" '"msg":"created missing row","type":"customer-images","customer":2,"old":0,"new":2,"delta":2' "created row line"
assert_contains "$TMP/err" '"msg":"deletion required' "deleted space reported"
assert_contains "$TMP/err" '"rows_checked":10,"rows_changed":8,"rows_inserted":2,"rows_deleted":0,"rows_skipped":0' "summary"
assert_contains "$TMP/err" '"total_drift":30,"deletions_required":1' "summary drift"

# The metrics a real run publishes are those the dry run predicted.
/usr/bin/python3 - "$TMP/out" "$TMP/dry-emf" <<'PY'
import json, sys
real = json.loads(open(sys.argv[1]).read())
dry = json.loads(open(sys.argv[2]).read())
want = {"SpaceTotalDelta": 18, "CustomerDeleteMetrics": 2,
        "CustomerTotalDelta": 12, "CustomerImagesDeleteRequired": 1}
for doc in (real, dry):
    got = {k: doc[k] for k in want}
    assert got == want, got
    cw = doc["_aws"]["CloudWatchMetrics"][0]
    assert cw["Namespace"] == "Protagonist Recalculator", cw
    assert cw["Dimensions"] == [["DATABASE_NAME", "APP_VERSION", "RECALCULATOR_NAME"]], cw
    assert doc["RECALCULATOR_NAME"] == "entity_counter_recalculator"
    assert doc["APP_VERSION"] == "1.0"
    assert doc["DATABASE_NAME"] == "t0100_entity_fixture", doc["DATABASE_NAME"]
    assert all(m["Unit"] == "Count" for m in cw["Metrics"]), cw
PY

# A second run finds nothing and writes nothing.
before_tup=$(q "SELECT n_tup_upd + n_tup_ins + n_tup_del FROM pg_stat_user_tables WHERE relname = 'EntityCounters'")
run_job entity-counter-recalculator
assert_status 0 "$status" "second run"
assert_contains "$TMP/err" '"rows_changed":0' "second run summary"
sleep 0.6 # statistics are flushed at most every 500 ms
after_tup=$(q "SELECT n_tup_upd + n_tup_ins + n_tup_del FROM pg_stat_user_tables WHERE relname = 'EntityCounters'")
assert_eq "$before_tup" "$after_tup" "rows written by the second run"
dump "$TMP/again"
cmp -s "$TMP/after" "$TMP/again" || fail "second run changed the table"
