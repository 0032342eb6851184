#!/bin/sh
# The Helm chart with real helm: lint --strict on the default and example
# values, the helm-unittest suites, and every rendering checked as strictly
# typed Kubernetes objects offline (tools/kubestrict).
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

TOOLS=${TOOLS_DIR:-$HOME/.cache/dlcs-recalculators/tools}
HELM=$TOOLS/helm
CHART=$ROOT/helm/dlcs-recalculators
[ -x "$HELM" ] || fail "helm not built: make tools"
HELM_PLUGINS="$TOOLS/plugins"
HELM_CACHE_HOME="$TMP/helm-cache"
HELM_CONFIG_HOME="$TMP/helm-config"
HELM_DATA_HOME="$TMP/helm-data"
export HELM_PLUGINS HELM_CACHE_HOME HELM_CONFIG_HOME HELM_DATA_HOME

for values in "" "$ROOT"/deploy/values-*.yaml; do
	set --
	[ -z "$values" ] || set -- -f "$values"
	"$HELM" lint --strict "$CHART" "$@" >"$TMP/lint.log" 2>&1 || {
		cat "$TMP/lint.log" >&2
		fail "helm lint --strict ${values:-(defaults)}"
	}
	"$HELM" template rel "$CHART" --namespace dlcs --kube-version 1.31.0 "$@" \
		>"$TMP/rendered.yaml" || fail "helm template ${values:-(defaults)}"
	"$TOOLS/kubestrict" <"$TMP/rendered.yaml" ||
		fail "invalid objects rendered with ${values:-(defaults)}"
done

# The chart-made Secret renders as a valid object too.
"$HELM" template rel "$CHART" --kube-version 1.31.0 \
	--set database.existingSecret.name= \
	--set database.connectionString=postgresql://u:p@db/dlcs >"$TMP/rendered.yaml"
"$TOOLS/kubestrict" <"$TMP/rendered.yaml" || fail "chart Secret invalid"
grep -q "kind: Secret" "$TMP/rendered.yaml" || fail "no Secret rendered"

"$HELM" unittest "$CHART" >"$TMP/unittest.log" 2>&1 || {
	cat "$TMP/unittest.log" >&2
	fail "helm unittest"
}
grep -E "^Tests:" "$TMP/unittest.log"
