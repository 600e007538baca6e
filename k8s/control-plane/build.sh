#!/usr/bin/env bash
# Builds a real kube-apiserver and etcd from the Go modules pinned in this folder's go.mod,
# once per version pair, into
#   ${XDG_CACHE_HOME:-~/.cache}/gadgetflow/control-plane/<KUBERNETES_VERSION>-<ETCD_VERSION>/
# and prints that folder as the last line on stdout (everything else goes to stderr).
# A second run finds both binaries there and returns at once.
#
# Go's own caches stay where Go puts them by default (module cache ~/go/pkg/mod, build
# cache ~/.cache/go-build), so CI can cache them; GOMODCACHE/GOCACHE are honoured if set.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
: "${KUBERNETES_VERSION:?versions.env must set KUBERNETES_VERSION}"
: "${ETCD_VERSION:?versions.env must set ETCD_VERSION}"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/gadgetflow/control-plane"
dest="$cache_root/${KUBERNETES_VERSION}-${ETCD_VERSION}"

log() { echo "control-plane: $*" >&2; }

complete() { [[ -x "$1/kube-apiserver" && -x "$1/etcd" ]]; }

# Fast path: nothing to do (no Go invocation at all).
if complete "$dest"; then
  echo "$dest"
  exit 0
fi

# versions.env is the one place versions are named; refuse to build if go.mod disagrees.
check_pins() {
  local k8s_minor_patch="v0.${KUBERNETES_VERSION#v1.}"
  awk -v k8s="$KUBERNETES_VERSION" -v etcd="$ETCD_VERSION" -v staging="$k8s_minor_patch" '
    $1 == "k8s.io/kubernetes" && $2 ~ /^v/ { k = $2 }
    $1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { e = $2 }
    $2 == "=>" && $1 ~ /^k8s\.io\// && $4 != staging {
      printf "go.mod: %s is replaced by %s, expected %s\n", $1, $4, staging; bad = 1 }
    END {
      if (k != k8s) { printf "go.mod pins k8s.io/kubernetes %s, versions.env says %s\n", k, k8s; bad = 1 }
      if (e != etcd) { printf "go.mod pins go.etcd.io/etcd/server/v3 %s, versions.env says %s\n", e, etcd; bad = 1 }
      exit bad
    }' "$here/go.mod" >&2
}
if ! check_pins; then
  log "update go.mod (go get, replace lines, go mod tidy) to match versions.env"
  exit 1
fi

command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
mkdir -p "$cache_root"

# One build at a time per machine; whoever waited re-checks before building.
exec 9>"$cache_root/.lock"
flock 9
if complete "$dest"; then
  echo "$dest"
  exit 0
fi

# Leftovers of interrupted builds (safe to delete: we hold the lock).
rm -rf "$cache_root"/.build.*
tmp="$(mktemp -d "$cache_root/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

minor="${KUBERNETES_VERSION#v1.}"
minor="${minor%%.*}"
version_ldflags=()
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=(
    "-X ${pkg}.gitVersion=${KUBERNETES_VERSION}"
    "-X ${pkg}.gitMajor=1"
    "-X ${pkg}.gitMinor=${minor}"
    "-X ${pkg}.gitTreeState=clean"
  )
done

log "building kube-apiserver ${KUBERNETES_VERSION} and etcd ${ETCD_VERSION} with $(go env GOVERSION) (first run takes minutes)"
start=$SECONDS
cd "$here"
export CGO_ENABLED=0
build=(nice -n 10 go build -mod=readonly -trimpath -buildvcs=false)
"${build[@]}" -ldflags "-s -w ${version_ldflags[*]}" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
"${build[@]}" -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
{
  echo "KUBERNETES_VERSION=${KUBERNETES_VERSION}"
  echo "ETCD_VERSION=${ETCD_VERSION}"
  echo "GO_VERSION=$(go env GOVERSION)"
  echo "GOOS_GOARCH=$(go env GOOS)/$(go env GOARCH)"
} >"$tmp/build-info.env"

# Publish atomically: the folder appears complete or not at all.
rm -rf "$dest"
mv -T "$tmp" "$dest"
trap - EXIT
log "built in $((SECONDS - start)) s"
echo "$dest"
