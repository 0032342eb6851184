#!/bin/sh
# `make bench`'s harness at a toy size, so it cannot rot unnoticed between
# benchmark runs.  No timing is asserted: only that every figure is there,
# and what the benchmark promises regardless of speed: a run with nothing
# to change writes nothing to "EntityCounters", and only the
# "LastCalculated" stamps to "CustomerStorage".
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

BENCH_IMAGES=3000 BENCH_SCALING=0 BENCH_BASELINE_S=2 BENCH_OUT="$TMP/bench" \
	sh "$ROOT/tests/bench/run.sh" >"$TMP/out" 2>&1 || {
	tail -n 30 "$TMP/out"
	fail "tests/bench/run.sh failed"
}
cat "$TMP/bench/bench.md"
[ -s "$TMP/bench/scaling.png" ] || fail "no chart"

/usr/bin/python3 - "$TMP/bench/bench.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
size, = result['sizes']
runs = {(r['job'], r['phase'], r['probe']): r for r in size['runs']}
assert len(runs) == 8, sorted(runs)
def check(cond, what):
    if not cond:
        sys.exit(f'FAIL: {what}')
for (job, phase, probe), r in runs.items():
    name = f'{job} {phase}{" with probe" if probe else ""}'
    s = r['summary']
    check(r['peak_rss_kb'] > 0 and r['wal_bytes'] >= 0, f'{name}: figures')
    if probe:
        # Rows the probe moved between the looks are left for the next
        # run, so the figures are checked here, not the rows changed.
        check(r['stall']['ops'] > 0 and r['stall']['errors'] == 0,
              f'{name}: probe {r["stall"]}')
        continue
    check(s['rows_skipped'] == 0, f'{name}: rows skipped')
    if phase == 'drift':
        check(s['rows_changed'] > 0, f'{name}: the drift was not repaired')
    else:
        check(s['rows_changed'] == 0, f'{name}: changed rows a second time')
    check(r['floor_s'] > 0 and r['ratio'] > 0, f'{name}: floor')
    written = (r['inserted'], r['updated'], r['deleted'])
    if phase == 'clean' and job.startswith('entity'):
        check(written == (0, 0, 0), f'{name}: wrote {written}')
    if phase == 'clean' and job.startswith('customer'):
        check(written == (0, s['rows_stamped'], 0) and s['rows_stamped'] > 0,
              f'{name}: wrote {written}, stamped {s["rows_stamped"]}')
check(size['probe_baseline']['ops'] > 0, 'probe baseline')
print('bench smoke: all figures present')
PY
