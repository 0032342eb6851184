#!/bin/sh
# The container images (make images): small, FROM scratch, user 65532, no
# shell, reproducible layers; and each job run the way Kubernetes runs it:
# read-only root, all capabilities dropped, no privilege escalation, the
# configuration from an env file and secret files, the IRSA token where EKS
# mounts it, against the test PostgreSQL and the fake AWS endpoints.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"
# shellcheck source=tests/lib/fake_aws.sh
. "$ROOT/tests/lib/fake_aws.sh"

ENGINE=${CONTAINER_ENGINE:-docker}
VERSION=$(cat "$ROOT/VERSION")
MAX_BYTES=10000000

for job in entity-counter-recalculator customer-storage-recalculator; do
	image=dlcs/$job:$VERSION
	size=$($ENGINE image inspect --format '{{.Size}}' "$image") ||
		fail "$image not built (make images)"
	echo "$image: $size bytes"
	[ "$size" -lt $MAX_BYTES ] || fail "$image is $size bytes, over $MAX_BYTES"
	assert_eq '"65532:65532"' "$($ENGINE image inspect --format '{{json .Config.User}}' "$image")" "$job user"
	assert_eq '["/recalculator"]' "$($ENGINE image inspect --format '{{json .Config.Entrypoint}}' "$image")" "$job entrypoint"
	for label in title description source version revision licenses; do
		v=$($ENGINE image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$label\"}}" "$image")
		[ -n "$v" ] || fail "$job: no org.opencontainers.image.$label label"
	done
	assert_eq 1 "$($ENGINE image inspect --format '{{len .RootFS.Layers}}' "$image")" "$job layers"
	if $ENGINE run --rm --entrypoint /bin/sh "$image" -c true >/dev/null 2>&1; then
		fail "$job: the image has a shell"
	fi
done

# Reproducible: a rebuild without cache gives the same layer.
job=entity-counter-recalculator
before=$($ENGINE image inspect --format '{{json .RootFS.Layers}}' "dlcs/$job:$VERSION")
$ENGINE build --no-cache --quiet -f "$ROOT/Containerfile" --build-arg JOB=$job \
	--build-arg VERSION="$VERSION" -t "dlcs-rebuild-test:$VERSION" \
	"$ROOT/build/image/$job" >/dev/null 2>&1 || fail "rebuild failed"
after=$($ENGINE image inspect --format '{{json .RootFS.Layers}}' "dlcs-rebuild-test:$VERSION")
$ENGINE rmi "dlcs-rebuild-test:$VERSION" >/dev/null 2>&1 || true
assert_eq "$before" "$after" "layers of two builds"

# The way Kubernetes runs it.
fake_aws_start
new_db 2026
pg_psql -f "$ROOT/tests/fixtures/entity.sql" >/dev/null
pg_psql -f "$ROOT/tests/fixtures/storage-2026.sql" >/dev/null
mkdir -p "$TMP/secrets/db" "$TMP/secrets/irsa" "$TMP/ca"
cp "$PG_CA" "$TMP/ca/db-ca.crt"
cp "$FAKE_CA" "$TMP/ca/aws-ca.crt"
echo "postgresql://recalc:recalc-secret-pw@localhost:$PGPORT/$PGDB?sslmode=verify-full&sslrootcert=/etc/dlcs-db-ca/db-ca.crt" \
	>"$TMP/secrets/db/connection-string"
echo "$WEB_TOKEN" >"$TMP/secrets/irsa/token"
chmod -R a+rX "$TMP/secrets" "$TMP/ca"
cat >"$TMP/job.env" <<ENV
CONNECTION_STRING_FILE=/var/run/secrets/dlcs-db/connection-string
AWS_ROLE_ARN=$ROLE_ARN
AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token
AWS_REGION=eu-west-1
AWS_ENDPOINT_URL=https://localhost:$FAKE_HTTPS
AWS_CA_BUNDLE=/etc/dlcs-aws-ca/aws-ca.crt
AWS_EC2_METADATA_DISABLED=true
CONFIRM_DELAY_MS=100
ENV

run_image() { # job [args]
	job=$1
	shift
	status=0
	$ENGINE run --rm --network host --read-only --user 65532:65532 \
		--cap-drop ALL --security-opt no-new-privileges \
		--env-file "$TMP/job.env" \
		-v "$TMP/secrets/db:/var/run/secrets/dlcs-db:ro" \
		-v "$TMP/secrets/irsa:/var/run/secrets/eks.amazonaws.com/serviceaccount:ro" \
		-v "$TMP/ca/db-ca.crt:/etc/dlcs-db-ca/db-ca.crt:ro" \
		-v "$TMP/ca/aws-ca.crt:/etc/dlcs-aws-ca/aws-ca.crt:ro" \
		"$@" "dlcs/$job:$VERSION" >"$TMP/out" 2>"$TMP/err" || status=$?
}

run_image entity-counter-recalculator
assert_status 0 "$status" "entity job in its image"
run_image customer-storage-recalculator
assert_status 0 "$status" "storage job in its image"
assert_eq 3 "$(q "SELECT \"Next\" FROM \"EntityCounters\" WHERE \"Type\" = 'space-images' AND \"Scope\" = '2' AND \"Customer\" = 1")" "database corrected"
assert_eq 620 "$(q 'SELECT "TotalSizeOfStoredImages" FROM "CustomerStorage" WHERE "Customer" = 10 AND "Space" IS NULL')" "storage corrected"
fake_received | /usr/bin/python3 -c '
import json, sys
got = json.load(sys.stdin)["received"]
names = sorted(r["MetricData"][0]["Dimensions"]["RECALCULATOR_NAME"] for r in got)
assert names == ["customer_storage_recalculator", "entity_counter_recalculator"], names
assert all(r["akid"].startswith("ASIASTS") for r in got), got
' || fail "metrics from the images did not arrive"

# A bad configuration gives the documented code and line inside the image too.
run_image entity-counter-recalculator -e CONNECTION_TIMEOUT=soon
assert_status 2 "$status" "bad configuration in the image"
assert_contains "$TMP/err" "CONNECTION_TIMEOUT: 'soon' is not a whole number" "message in the image"
