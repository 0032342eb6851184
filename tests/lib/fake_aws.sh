# shellcheck shell=sh disable=SC2034 # the variables are for the tests
# Starts tests/lib/fake_aws.py for a test (source after setup.sh):
#   fake_aws_start   sets FAKE_HTTPS, FAKE_HTTP (ports), FAKE_CA (its CA),
#                    WEB_TOKEN, CTR_TOKEN, ROLE_ARN; stops it on exit
#   fake_control JSON, fake_received, fake_requests

fake_aws_start() {
	mkdir -p "$TMP/fake-tls"
	pg_make_certs "$TMP/fake-tls" || fail "cannot make certificates"
	chmod 644 "$TMP/fake-tls/ca.crt"
	FAKE_CA=$TMP/fake-tls/ca.crt
	FAKE_HTTPS=$(pg_free_port)
	FAKE_HTTP=$(pg_free_port)
	WEB_TOKEN="eyJhbGciOiJSUzI1NiJ9.web-identity-token-secret"
	CTR_TOKEN="container-auth-token-secret"
	ROLE_ARN="arn:aws:iam::123456789012:role/recalc"
	/usr/bin/python3 "$ROOT/tests/lib/fake_aws.py" --https-port "$FAKE_HTTPS" \
		--http-port "$FAKE_HTTP" --cert "$TMP/fake-tls/server.crt" \
		--key "$TMP/fake-tls/server.key" \
		--static "AKIDSTATIC:static-secret-key-1234:static-session-token-5678" \
		--static "AKIDNOTOKEN:plain-secret-key-9999" \
		--web-token "$WEB_TOKEN" --role-arn "$ROLE_ARN" \
		--container-token "$CTR_TOKEN" --slow-s 3 >"$TMP/fake.log" 2>&1 &
	FAKE_PID=$!
	trap 'kill $FAKE_PID 2>/dev/null; cleanup' EXIT
	tries=0
	until curl -s "http://127.0.0.1:$FAKE_HTTP/_received" >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 50 ] || fail "fake AWS did not start: $(cat "$TMP/fake.log")"
		sleep 0.1
	done
}

fake_control() {
	curl -s -X POST -d "$1" "http://127.0.0.1:$FAKE_HTTP/_control" >/dev/null
}

fake_received() {
	curl -s "http://127.0.0.1:$FAKE_HTTP/_received"
}

fake_requests() {
	fake_received | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'
}
