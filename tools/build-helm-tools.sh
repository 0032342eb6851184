#!/bin/sh
# Builds the chart tools from the Go module proxy at pinned versions, never
# as downloaded binaries, into DIR (a cache outside the repo):
#   DIR/helm                         helm
#   DIR/plugins/helm-unittest/       the helm-unittest plugin
#   DIR/kubestrict                   tools/kubestrict, the offline validator
# Usage: tools/build-helm-tools.sh DIR
set -eu

HELM_VERSION=v3.21.4
UNITTEST_VERSION=v1.1.2

dir=${1:?usage: build-helm-tools.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
# Go lives outside the default PATH on some machines.
command -v go >/dev/null 2>&1 || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null 2>&1 || {
	echo "build-helm-tools.sh: no Go toolchain (go) found" >&2
	exit 1
}

if [ ! -x "$dir/helm" ]; then
	echo "tools: helm $HELM_VERSION"
	GOBIN="$dir" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi

plugin=$dir/plugins/helm-unittest
if [ ! -x "$plugin/untt-linux-amd64" ]; then
	echo "tools: helm-unittest $UNITTEST_VERSION"
	# Its go.mod has replace directives, so it cannot be `go install`ed:
	# build the module from the proxy as the main module.
	src=$(go mod download -json \
		"github.com/helm-unittest/helm-unittest@$UNITTEST_VERSION" |
		sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
	work=$(mktemp -d)
	cp -r "$src/." "$work/"
	chmod -R u+w "$work"
	mkdir -p "$plugin"
	(cd "$work" && go build -o "$plugin/untt-linux-amd64" ./cmd/helm-unittest)
	# The plugin manifest without its install hooks, which download.
	cat >"$plugin/plugin.yaml" <<YAML
name: "unittest"
version: "${UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "helm-unittest, built from source by tools/build-helm-tools.sh"
ignoreFlags: false
platformCommand:
  - os: linux
    arch: amd64
    command: "\$HELM_PLUGIN_DIR/untt-linux-amd64"
YAML
	rm -rf "$work"
fi

# Rebuilt whenever its source changes: the stamp names the source's hash.
stamp=$dir/kubestrict.$(cat "$here/kubestrict/main.go" "$here/kubestrict/go.mod" |
	sha256sum | cut -c1-16)
if [ ! -x "$dir/kubestrict" ] || [ ! -e "$stamp" ]; then
	echo "tools: kubestrict"
	(cd "$here/kubestrict" && go build -o "$dir/kubestrict" .)
	rm -f "$dir"/kubestrict.*
	touch "$stamp"
fi
