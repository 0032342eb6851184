#!/bin/sh
# `make lint` stays clean: clang-format, clang-tidy, cppcheck, shellcheck and
# the banned-function check.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

make -C "$ROOT" --no-print-directory lint >"$TMP/lint.log" 2>&1 || {
	grep -E 'error|warning|SC[0-9]|lint-banned' "$TMP/lint.log" | head -40 >&2
	fail "make lint is not clean"
}
