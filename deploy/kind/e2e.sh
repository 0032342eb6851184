#!/bin/sh
# End to end on a kind cluster, for machines with internet access: create a
# cluster, build and load the images, run PostgreSQL with the sample DLCS
# database, helm install, run each CronJob now with kubectl create job
# --from, wait, check the database, delete the cluster.  Where kind or its
# node image cannot be had, it says so in one line and exits 1: it never
# pretends to pass.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLUSTER=dlcs-recalculators
NS=dlcs
HELM=${HELM:-helm}
VERSION=$(cat "$ROOT/VERSION")

for tool in kind kubectl "$HELM" docker; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "e2e: $tool is not installed; this script needs kind, kubectl, helm and docker" >&2
		exit 1
	}
done
if ! kind create cluster --name "$CLUSTER" --config "$ROOT/deploy/kind/cluster.yaml" \
	--wait 120s >/tmp/kind-create.log 2>&1; then
	echo "e2e: cannot create the kind cluster (is the node image reachable?); see /tmp/kind-create.log" >&2
	exit 1
fi
trap 'kind delete cluster --name "$CLUSTER" >/dev/null 2>&1' EXIT

make -C "$ROOT" images
for job in entity-counter-recalculator customer-storage-recalculator; do
	kind load docker-image --name "$CLUSTER" "dlcs/$job:$VERSION"
done

kubectl create namespace "$NS"
kubectl -n "$NS" apply -f "$ROOT/deploy/kind/postgres.yaml"
kubectl -n "$NS" wait --for=condition=Ready pod/postgres --timeout=180s
psql_in() { kubectl -n "$NS" exec -i postgres -- psql -X -q -v ON_ERROR_STOP=1 -U postgres "$@"; }
psql_in -c "CREATE DATABASE dlcs"
for f in schema-common.sql schema-2026.sql functions.sql grants.sql; do
	psql_in -d dlcs <"$ROOT/tests/sql/$f"
done
{
	printf '\\set images 5000\n\\set seed 1\n\\set gen 2026\n'
	cat "$ROOT/tests/sql/generate.sql" "$ROOT/tests/sql/drift.sql"
} | psql_in -d dlcs
kubectl -n "$NS" create secret generic dlcs-recalculators-db \
	--from-literal=connection-string="postgresql://recalc:recalc-secret-pw@postgres.$NS:5432/dlcs?sslmode=disable"

"$HELM" install recalc "$ROOT/helm/dlcs-recalculators" -n "$NS" \
	--set metrics.cloudwatch=false --set metrics.emf=true --wait
for cj in recalc-dlcs-recalculators-entity-counter recalc-dlcs-recalculators-customer-storage; do
	kubectl -n "$NS" create job --from="cronjob/$cj" "$cj-now"
	kubectl -n "$NS" wait --for=condition=complete "job/$cj-now" --timeout=300s
	kubectl -n "$NS" logs "job/$cj-now" | tail -n 3
done
report=$(printf '\\set gen 2026\n' | cat - "$ROOT/tests/sql/drift-report.sql" | psql_in -d dlcs)
echo "$report"
if ! echo "$report" | grep -q "EntityCounters rows wrong or missing:  0" ||
	! echo "$report" | grep -q "CustomerStorage rows wrong or missing: 0"; then
	echo "e2e: the database still has drift" >&2
	exit 1
fi
echo "e2e: passed"
