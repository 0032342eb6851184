#!/bin/sh
# Bad configuration: exit 2 and exactly one line naming the variable and the
# problem, before any connection is made (the database here would accept
# one, so a connection attempt would show as a different outcome), and no
# secret in the output.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

new_db 2026
pg_psql -f "$ROOT/tests/fixtures/entity.sql" >/dev/null
good_url=$(APP_URL)
echo "$good_url" >"$TMP/conn"
chmod 600 "$TMP/conn"

# expect_config_error "what the line must say" VAR=value...
expect_config_error() {
	want=$1
	shift
	for job in entity-counter-recalculator customer-storage-recalculator; do
		status=0
		env -i PATH=/usr/bin:/bin ENABLE_CLOUDWATCH_INTEGRATION=false AWS_EC2_METADATA_DISABLED=true \
			"$@" "$BIN_DIR/$job" >"$TMP/out" 2>"$TMP/err" || status=$?
		assert_status 2 "$status" "$job with $*"
		assert_eq 1 "$(wc -l <"$TMP/err")" "$job with $*: lines on stderr"
		assert_contains "$TMP/err" "$want" "$job with $*"
		assert_not_contains "$TMP/err" "recalc-secret-pw" "$job: password"
		assert_not_contains "$TMP/out" "recalc-secret-pw" "$job: password"
	done
}

expect_config_error "CONNECTION_STRING: not a valid postgresql:// URL" \
	CONNECTION_STRING='postgresql://recalc:recalc-secret-pw@[::1/db'
expect_config_error "CONNECTION_STRING: the port is not a number" \
	CONNECTION_STRING="postgresql://recalc:recalc-secret-pw@localhost:54x/$PGDB"
expect_config_error "CONNECTION_STRING: not a valid" \
	CONNECTION_STRING="host=localhost password=recalc-secret-pw bogus_option=1"
expect_config_error "CONNECTION_STRING: sslmode 'sometimes'" \
	CONNECTION_STRING="$good_url&sslmode=sometimes"
expect_config_error "CONNECTION_TIMEOUT: 'ten' is not a whole number" \
	CONNECTION_STRING="$good_url" CONNECTION_TIMEOUT=ten
expect_config_error "CONNECTION_TIMEOUT: '0' is not a whole number from 2" \
	CONNECTION_STRING="$good_url" CONNECTION_TIMEOUT=0
expect_config_error "SCAN_PARALLEL_WORKERS: '-2' is not a whole number from -1" \
	CONNECTION_STRING="$good_url" SCAN_PARALLEL_WORKERS=-2
expect_config_error "BUFFER_ROWS: '0' is not a whole number from 1" \
	CONNECTION_STRING="$good_url" BUFFER_ROWS=0
expect_config_error "DRY_RUN: 'maybe' is not a boolean" \
	CONNECTION_STRING="$good_url" DRY_RUN=maybe
expect_config_error "ENABLE_CLOUDWATCH_INTEGRATION: 'sure' is not a boolean" \
	CONNECTION_STRING="$good_url" ENABLE_CLOUDWATCH_INTEGRATION=sure
expect_config_error "CONNECTION_STRING_FILE: cannot read '$TMP/missing'" \
	CONNECTION_STRING_FILE="$TMP/missing"
expect_config_error "CONNECTION_STRING and CONNECTION_STRING_FILE are both set" \
	CONNECTION_STRING="$good_url" CONNECTION_STRING_FILE="$TMP/conn"
expect_config_error "PGPASSWORD and PGPASSWORD_FILE are both set" \
	CONNECTION_STRING="$good_url" PGPASSWORD=x PGPASSWORD_FILE="$TMP/conn"
expect_config_error "LOG_LEVEL: 'loud' is not a level" \
	CONNECTION_STRING="$good_url" LOG_LEVEL=loud
expect_config_error "CONNECTION_STRING is not set" LOG_FORMAT=text

# A flag the job does not know.
status=0
env -i CONNECTION_STRING="$good_url" ENABLE_CLOUDWATCH_INTEGRATION=false AWS_EC2_METADATA_DISABLED=true \
	"$BIN_DIR/entity-counter-recalculator" --frobnicate >"$TMP/out" 2>"$TMP/err" || status=$?
assert_status 2 "$status" "unknown flag"
assert_contains "$TMP/err" "unknown argument '--frobnicate'" "unknown flag"

# Credentials that must come in pairs.
expect_config_error "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together" \
	CONNECTION_STRING="$good_url" AWS_ACCESS_KEY_ID=AKIDX
expect_config_error "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must be set together" \
	CONNECTION_STRING="$good_url" AWS_ROLE_ARN=arn:aws:iam::1:role/x
expect_config_error "AWS_STS_REGIONAL_ENDPOINTS: 'global' is not regional or legacy" \
	CONNECTION_STRING="$good_url" AWS_STS_REGIONAL_ENDPOINTS=global

# Nothing above touched the database.
assert_eq 6 "$(q "SELECT \"Next\" FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Scope\" = '5'")" "untouched"

# The _FILE forms work: the connection string from a secret file, with a
# trailing newline as Kubernetes secret files may have.
status=0
env -i CONNECTION_STRING_FILE="$TMP/conn" ENABLE_CLOUDWATCH_INTEGRATION=0 AWS_EC2_METADATA_DISABLED=true \
	"$BIN_DIR/entity-counter-recalculator" --dry-run >"$TMP/out" 2>"$TMP/err" || status=$?
assert_status 0 "$status" "CONNECTION_STRING_FILE"
assert_contains "$TMP/err" '"dry_run":true' "CONNECTION_STRING_FILE"

# --help lists every variable with its default and the exit codes, and
# prints no secret even when one is set.
env -i CONNECTION_STRING="$good_url" "$BIN_DIR/entity-counter-recalculator" --help >"$TMP/help"
for v in CONNECTION_STRING CONNECTION_TIMEOUT DRY_RUN DELETE_STALE_COUNTERS \
	ENABLE_CLOUDWATCH_INTEGRATION AWS_REGION APP_VERSION LOG_FORMAT LOG_LEVEL \
	CLOUDWATCH_SPACE_DIFFERENCE_METRIC_NAME CLOUDWATCH_SPACE_DELETE_METRIC_NAME \
	CLOUDWATCH_CUSTOMER_DIFFERENCE_METRIC_NAME CLOUDWATCH_CUSTOMER_DELETE_METRIC_NAME; do
	assert_contains "$TMP/help" "  $v" "--help lists $v"
done
assert_contains "$TMP/help" "AWS_REGION [eu-west-1]" "--help default"
assert_contains "$TMP/help" "Exit codes:" "--help exit codes"
assert_not_contains "$TMP/help" "recalc-secret-pw" "--help secret"
"$BIN_DIR/customer-storage-recalculator" --help >"$TMP/help"
assert_contains "$TMP/help" "CLOUDWATCH_SPACE_ADJUNCT_NUMBER_DIFFERENCE_METRIC_NAME [SpaceAdjunctNumberDelta]" "storage --help"
"$BIN_DIR/entity-counter-recalculator" --version >"$TMP/version"
assert_contains "$TMP/version" "libpq    17.11" "--version"
