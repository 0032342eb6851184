#!/bin/sh
# customer-storage-recalculator on the fixtures of both schema generations:
# a dry run writes nothing; the real run leaves the expected figures and
# policies and stamps "LastCalculated" on every row it verified; a second
# run changes only "LastCalculated".
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

dump() { # generation file
	adj='"TotalSizeOfStoredAdjuncts", "NumberOfStoredAdjuncts"'
	[ "$1" = 2026 ] || adj="0, 0"
	pg_psql -At -c "SELECT \"Customer\", coalesce(\"Space\"::text, '-'),
	                       \"StoragePolicy\", \"NumberOfStoredImages\",
	                       \"TotalSizeOfStoredImages\",
	                       \"TotalSizeOfThumbnails\", $adj
	                  FROM \"CustomerStorage\"
	                 ORDER BY 1, \"Space\" NULLS FIRST" >"$2"
}

for gen in 2026 legacy; do
	new_db $gen
	pg_psql -f "$ROOT/tests/fixtures/storage-$gen.sql" >/dev/null
	dump $gen "$TMP/before"

	JOB_ENV="ENABLE_EMF_METRICS=true" run_job customer-storage-recalculator --dry-run
	assert_status 0 "$status" "$gen dry run"
	dump $gen "$TMP/after-dry"
	cmp -s "$TMP/before" "$TMP/after-dry" || fail "$gen: dry run wrote"
	assert_eq 0 "$(q 'SELECT count(*) FROM "CustomerStorage" WHERE "LastCalculated" IS NOT NULL')" "$gen: dry run stamped"
	assert_contains "$TMP/err" "\"schema generation: $gen\"" "$gen detected"
	cp "$TMP/out" "$TMP/dry-emf"

	JOB_ENV="ENABLE_EMF_METRICS=true" run_job customer-storage-recalculator
	assert_status 0 "$status" "$gen real run"
	dump $gen "$TMP/after"
	diff -u "$ROOT/tests/fixtures/storage-$gen.expected" "$TMP/after" >&2 ||
		fail "$gen: figures differ from tests/fixtures/storage-$gen.expected"
	assert_eq 0 "$(q 'SELECT count(*) FROM "CustomerStorage" WHERE "LastCalculated" IS NULL')" "$gen: rows left unstamped"
	assert_contains "$TMP/err" '"msg":"corrected row","type":"space","customer":10,"space":1,"images_old":5,"images_new":3' "$gen: row line"

	/usr/bin/python3 - "$TMP/out" "$TMP/dry-emf" "$gen" <<'PY'
import json, sys
gen = sys.argv[3]
want = {"2026": {"SpaceImageSizeDelta": 400 + 50 + 5 + 1000 + 2 ** 54 + 2
                 + 30, "SpaceImageNumberDelta": 2 + 2 + 1 + 1 + 3,
                 "SpaceThumbnailSizeDelta": 5 + 4 + 100 + 3,
                 "SpaceAdjunctSizeDelta": 3,
                 "SpaceAdjunctNumberDelta": 2 + 1 + 3},
        "legacy": {"SpaceImageSizeDelta": 400 + 50 + 1000 + 2 ** 54 + 2
                   + 30, "SpaceImageNumberDelta": 2 + 2 + 1 + 2 + 3,
                   "SpaceThumbnailSizeDelta": 5 + 100 + 3,
                   "SpaceAdjunctSizeDelta": 0,
                   "SpaceAdjunctNumberDelta": 0}}[gen]
units = {"SpaceImageSizeDelta": "Bytes", "SpaceImageNumberDelta": "Count",
         "SpaceThumbnailSizeDelta": "Bytes", "SpaceAdjunctSizeDelta": "Bytes",
         "SpaceAdjunctNumberDelta": "Count"}
for path in sys.argv[1:3]:
    doc = json.loads(open(path).read())
    got = {k: doc[k] for k in want}
    assert got == want, (path, got, want)
    metrics = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    assert {m["Name"]: m["Unit"] for m in metrics} == units, metrics
    assert doc["RECALCULATOR_NAME"] == "customer_storage_recalculator"
PY

	pg_psql -c 'CREATE TABLE stamps AS SELECT "Customer", "Space", "LastCalculated" FROM "CustomerStorage"'
	run_job customer-storage-recalculator
	assert_status 0 "$status" "$gen second run"
	assert_contains "$TMP/err" '"rows_changed":0' "$gen second run"
	dump $gen "$TMP/again"
	cmp -s "$TMP/after" "$TMP/again" || fail "$gen: second run changed figures"
	assert_eq 0 "$(q 'SELECT count(*) FROM "CustomerStorage" c JOIN stamps s USING ("Customer") WHERE c."Space" IS NOT DISTINCT FROM s."Space" AND c."LastCalculated" <= s."LastCalculated"')" "$gen: rows not re-stamped"
done
