#!/bin/sh
# A short libFuzzer run over each parser of untrusted AWS input (STS XML,
# credentials JSON, times), from the seed corpus in tests/fuzz/corpus.  Any
# crash, leak or sanitizer report fails the test and leaves the input in the
# log.  FUZZ_SECONDS sets the time per target.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

seconds=${FUZZ_SECONDS:-20}
for target in sts_xml:sts credentials_json:json; do
	bin=$ROOT/build/fuzz/fuzz_${target%%:*}
	corpus=$TMP/corpus-${target##*:}
	[ -x "$bin" ] || fail "$bin not built (make fuzz)"
	cp -r "$ROOT/tests/fuzz/corpus/${target##*:}" "$corpus"
	(cd "$TMP" && "$bin" -max_total_time="$seconds" -max_len=4096 \
		"$corpus" >"$TMP/fuzz.log" 2>&1) || {
		tail -n 40 "$TMP/fuzz.log" >&2
		fail "fuzz_${target%%:*} found a problem"
	}
	echo "fuzz_${target%%:*}: $(grep -E '^Done [0-9]+ runs' "$TMP/fuzz.log")"
done
