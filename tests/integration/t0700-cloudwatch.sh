#!/bin/sh
# Metrics to CloudWatch through a local fake of the AWS endpoints
# (tests/lib/fake_aws.py) that checks every signature with botocore: each
# credential provider end to end, the metrics received equal the job's
# figures, retries and deadlines, TLS verification, and no secret in any
# output.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

# shellcheck source=tests/lib/fake_aws.sh
. "$ROOT/tests/lib/fake_aws.sh"
fake_aws_start
HTTPS=$FAKE_HTTPS
HTTP=$FAKE_HTTP
mkdir -p "$TMP/other"
pg_make_certs "$TMP/other" || fail "cannot make certificates"

control() { fake_control "$1"; }
received() { fake_received; }
requests() { fake_requests; }

new_db 2026
pg_psql -f "$ROOT/tests/fixtures/entity.sql" >/dev/null
echo "$WEB_TOKEN" >"$TMP/web-token"
echo "$CTR_TOKEN" >"$TMP/ctr-token"
printf 'static-secret-key-1234\n' >"$TMP/secret-key"

AWS="ENABLE_CLOUDWATCH_INTEGRATION=true AWS_REGION=eu-west-1 AWS_ENDPOINT_URL=https://localhost:$HTTPS AWS_CA_BUNDLE=$FAKE_CA AWS_EC2_METADATA_DISABLED=true"
STATIC="AWS_ACCESS_KEY_ID=AKIDSTATIC AWS_SECRET_ACCESS_KEY=static-secret-key-1234 AWS_SESSION_TOKEN=static-session-token-5678"
IRSA="AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/web-token AWS_ROLE_ARN=$ROLE_ARN"

# publish JOB EXPECTED_STATUS "ENV WORDS" [ARGS...]: one run of JOB with
# the AWS settings plus ENV WORDS.
publish() {
	job=$1
	want=$2
	words=$3
	shift 3
	JOB_ENV="$AWS $words" run_job "$job" "$@"
	cat "$TMP/err" "$TMP/out" >>"$TMP/all-output"
	assert_status "$want" "$status" "$job with $words $*"
}

# The last request the fake accepted, checked against the job's figures.
check_last() { # akid-prefix
	received | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
last = doc["received"][-1]
assert last["akid"].startswith(sys.argv[1]), last["akid"]
assert last["Namespace"] == "Protagonist Recalculator", last
got = {m["MetricName"]: (m["Value"], m["Unit"]) for m in last["MetricData"]}
want = {"SpaceTotalDelta": ("18", "Count"), "CustomerDeleteMetrics": ("2", "Count"),
        "CustomerTotalDelta": ("12", "Count"),
        "CustomerImagesDeleteRequired": ("1", "Count")}
assert got == want, got
for m in last["MetricData"]:
    assert m["Dimensions"] == {"DATABASE_NAME": "t0700_cloudwatch",
                               "APP_VERSION": "1.0",
                               "RECALCULATOR_NAME": "entity_counter_recalculator"}, m
    assert m["Timestamp"].endswith("Z"), m
' "$1" || fail "metrics received differ (see above)"
}

# Static keys with a session token, signed; then the figures a dry run sees
# are what a real run publishes (the fixture's drift).
publish entity-counter-recalculator 0 "$STATIC" --dry-run
check_last AKIDSTATIC
received | grep -q '"x-amz-security-token"' || fail "session token not signed"
# Static keys from *_FILE, no token.
publish entity-counter-recalculator 0 "AWS_ACCESS_KEY_ID=AKIDNOTOKEN \
	AWS_SECRET_ACCESS_KEY=plain-secret-key-9999" --dry-run
check_last AKIDNOTOKEN
publish entity-counter-recalculator 0 "AWS_ACCESS_KEY_ID=AKIDSTATIC \
	AWS_SECRET_ACCESS_KEY_FILE=$TMP/secret-key \
	AWS_SESSION_TOKEN=static-session-token-5678" --dry-run
check_last AKIDSTATIC

# IRSA: STS AssumeRoleWithWebIdentity, unsigned, token from the file.
publish entity-counter-recalculator 0 "$IRSA" --dry-run
check_last ASIASTS
assert_contains "$TMP/err" "credentials from web-identity" "provider named"
# STS hiccups are retried.
control '{"sts_errors": ["IDPCommunicationError", "InvalidIdentityToken"]}'
publish entity-counter-recalculator 0 "$IRSA" --dry-run
check_last ASIASTS
# An expired token is refreshed once, then the request goes through.
control '{"faults": ["expired"]}'
publish entity-counter-recalculator 0 "$IRSA" --dry-run
check_last ASIASTS

# EKS Pod Identity / ECS container credentials.
publish entity-counter-recalculator 0 \
	"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$HTTP/container-credentials \
	AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/ctr-token" --dry-run
check_last ASIACTR
# Only the hosts the SDKs allow.
publish entity-counter-recalculator 4 \
	"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://example.invalid/creds" --dry-run
assert_contains "$TMP/err" "must be https, or http to loopback" "container host check"

# IMDSv2 (enabled here, pointed at the fake).
JOB_ENV="ENABLE_CLOUDWATCH_INTEGRATION=true AWS_ENDPOINT_URL=https://localhost:$HTTPS AWS_CA_BUNDLE=$FAKE_CA AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$HTTP" \
	run_job entity-counter-recalculator --dry-run
cat "$TMP/err" >>"$TMP/all-output"
assert_status 0 "$status" "IMDSv2"
check_last ASIAIMDS

# No provider: exit 4, every provider named with its reason, and the
# database corrections stand.
publish entity-counter-recalculator 4 ""
assert_contains "$TMP/err" '"msg":"no AWS credentials","environment":' "providers listed"
assert_contains "$TMP/err" '"imds":"AWS_EC2_METADATA_DISABLED=true"' "imds reason"
assert_contains "$TMP/err" "the database corrections of this run (8 rows) are committed" "committed said"
assert_eq 3 "$(q "SELECT \"Next\" FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Scope\" = '2' AND \"Customer\" = 1")" "corrected despite metrics"

# Retries: throttling and 5xx are retried, at most 3 attempts.
n0=$(requests)
control '{"faults": ["throttle", "500"]}'
publish entity-counter-recalculator 0 "$STATIC"
assert_eq $((n0 + 3)) "$(requests)" "attempts with two failures"
n0=$(requests)
control '{"faults": ["500", "500", "500", "500"]}'
publish entity-counter-recalculator 4 "$STATIC"
assert_eq $((n0 + 3)) "$(requests)" "attempts capped at 3"
control '{"faults": []}'
# A dropped connection is retried.
control '{"faults": ["drop"]}'
publish entity-counter-recalculator 0 "$STATIC"
# The deadline holds against an endpoint that hangs.
control '{"faults": ["slow", "slow", "slow"]}'
t0=$(date +%s)
publish entity-counter-recalculator 4 "$STATIC METRICS_TIMEOUT_MS=2000"
t1=$(date +%s)
[ $((t1 - t0)) -le 6 ] || fail "deadline of 2 s took $((t1 - t0)) s"
control '{"faults": []}'
sleep 3 # let the fake's slow handlers finish

# A bad signature (wrong secret) is refused and not retried.
n0=$(requests)
publish entity-counter-recalculator 4 "AWS_ACCESS_KEY_ID=AKIDNOTOKEN \
	AWS_SECRET_ACCESS_KEY=wrong-secret-key-0000"
assert_contains "$TMP/err" "SignatureDoesNotMatch" "bad signature refused"
assert_eq $((n0 + 1)) "$(requests)" "no retry of a bad signature"

# TLS is always verified: a server certificate from another CA is refused.
JOB_ENV="$AWS $STATIC AWS_CA_BUNDLE=$TMP/other/ca.crt" run_job entity-counter-recalculator
cat "$TMP/err" >>"$TMP/all-output"
assert_status 4 "$status" "wrong CA"
grep -qi "certificate\|verify" "$TMP/err" || fail "wrong CA: reason not given"

# CloudWatch off: no request at all.
n0=$(requests)
JOB_ENV="$STATIC" run_job entity-counter-recalculator
assert_status 0 "$status" "cloudwatch off"
assert_eq "$n0" "$(requests)" "requests with CloudWatch off"

# No secret reached any output, at any level.
JOB_ENV="$AWS $IRSA LOG_LEVEL=debug" run_job entity-counter-recalculator
cat "$TMP/err" "$TMP/out" >>"$TMP/all-output"
for secret in static-secret-key-1234 static-session-token-5678 plain-secret-key-9999 \
	"$WEB_TOKEN" "$CTR_TOKEN" recalc-secret-pw; do
	assert_not_contains "$TMP/all-output" "$secret" "secret in output"
done
received | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
for t in doc["sts_tokens"]:
    assert t == sys.argv[1] or t, t
' "$WEB_TOKEN"
