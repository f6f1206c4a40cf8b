#!/usr/bin/env bash
# Builds Tilt (the developers' loop, Tiltfile) from the Go module proxy.
#
#   k8s/build/tilt.sh <output-dir>        # writes <output-dir>/tilt
#
# `go install github.com/tilt-dev/tilt/cmd/tilt@<version>` cannot work here: the proxy refuses
# the module's version list (403), which `go install` asks for. So, as for Kubernetes, a
# wrapper module requires the exact version; Tilt's own `replace` directives (which a
# dependent module does not inherit) are repeated; a few of its pseudo-versioned dependencies
# are missing from the checksum database, so sum.golang.org is skipped for github.com/tilt-dev
# only (their hashes are still recorded in the wrapper's go.sum). It needs cgo (tree-sitter).
set -euo pipefail
TILT_VERSION=v0.33.21
out="${1:?usage: tilt.sh <output-dir>}"
work="$out.partial"
rm -rf "$work"
mkdir -p "$work/src"
export GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GONOSUMDB=github.com/tilt-dev CGO_ENABLED=1
cd "$work/src"
go mod init local/tilt >/dev/null 2>&1
gomod="$(go mod download -json "github.com/tilt-dev/tilt@$TILT_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
# Each `old => new version` line of Tilt's replace block.
grep -E '^\s+[^ ]+ => [^ ]+ v' "$gomod" | while read -r old _ new version; do
  go mod edit -replace "$old=$new@$version"
done
go get "github.com/tilt-dev/tilt/cmd/tilt@$TILT_VERSION" >/dev/null
go build -trimpath -ldflags "-s -w -X main.version=${TILT_VERSION#v} -X main.date=1970-01-01" -o "$work/tilt" github.com/tilt-dev/tilt/cmd/tilt
rm -rf "$work/src"
rm -rf "$out"
mv "$work" "$out"
echo "tilt $TILT_VERSION in $out"
