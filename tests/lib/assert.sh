# shellcheck shell=sh
# Assertions for the integration tests.  Each failure prints one line and
# exits the test with status 1.

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

assert_eq() { # expected actual what
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_contains() { # file text what
	grep -qF -- "$2" "$1" || {
		echo "--- $1:" >&2
		cat "$1" >&2
		fail "$3: '$2' not found"
	}
}

assert_not_contains() { # file text what
	! grep -qF -- "$2" "$1" || fail "$3: '$2' found in $1"
}

assert_status() { # expected actual what
	[ "$1" = "$2" ] && return 0
	if [ -n "${TMP:-}" ] && [ -s "$TMP/err" ]; then
		echo "--- last lines of the job's stderr:" >&2
		tail -n 15 "$TMP/err" >&2
	fi
	fail "$3: exit status $2, expected $1"
}

# The value of a single-row, single-column query.
q() {
	pg_psql -At -c "$1"
}
