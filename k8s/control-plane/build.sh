#!/usr/bin/env bash
# Builds Kubernetes programs from the Go modules pinned in this folder's go.mod, once per version
# pair, into
#   ${XDG_CACHE_HOME:-~/.cache}/gadgetflow/control-plane/<KUBERNETES_VERSION>-<ETCD_VERSION>/
# and prints that folder as the last line on stdout (everything else goes to stderr).
#
#   build.sh                 etcd and kube-apiserver (what `gadgetflow up` and the tests need)
#   build.sh PROGRAM...      these programs, any of: etcd kube-apiserver kube-controller-manager
#                            kube-scheduler kubelet (`gadgetflow cluster` needs all five)
#
# A later run finds the programs there and returns at once; one that asks for more builds only
# the missing ones.
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

# The Go package of each program this script builds.
declare -A packages=(
  [etcd]=go.etcd.io/etcd/server/v3
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kubelet]=k8s.io/kubernetes/cmd/kubelet
)

programs=("$@")
((${#programs[@]} > 0)) || programs=(etcd kube-apiserver)
for program in "${programs[@]}"; do
  [[ -n "${packages[$program]:-}" ]] || {
    log "unknown program $program; known: ${!packages[*]}"
    exit 2
  }
done

missing() {
  local program
  for program in "${programs[@]}"; do
    [[ -x "$dest/$program" ]] || echo "$program"
  done
}

# Fast path: nothing to do (no Go invocation at all).
if [[ -z "$(missing)" ]]; then
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
mapfile -t to_build < <(missing)
if ((${#to_build[@]} == 0)); then
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

log "building ${to_build[*]} (Kubernetes ${KUBERNETES_VERSION}, etcd ${ETCD_VERSION}) with $(go env GOVERSION); a first build takes minutes"
start=$SECONDS
cd "$here"
export CGO_ENABLED=0
build=(nice -n 10 go build -mod=readonly -trimpath -buildvcs=false)
for program in "${to_build[@]}"; do
  ldflags="-s -w"
  [[ "$program" == etcd ]] || ldflags="$ldflags ${version_ldflags[*]}"
  "${build[@]}" -ldflags "$ldflags" -o "$tmp/$program" "${packages[$program]}"
done
{
  echo "KUBERNETES_VERSION=${KUBERNETES_VERSION}"
  echo "ETCD_VERSION=${ETCD_VERSION}"
  echo "GO_VERSION=$(go env GOVERSION)"
  echo "GOOS_GOARCH=$(go env GOOS)/$(go env GOARCH)"
} >"$tmp/build-info.env"

# Publish atomically: a program appears complete or not at all (renames within one folder tree).
if [[ -d "$dest" ]]; then
  for program in "${to_build[@]}"; do
    mv -f "$tmp/$program" "$dest/$program"
  done
  mv -f "$tmp/build-info.env" "$dest/build-info.env"
else
  mv -T "$tmp" "$dest"
  trap - EXIT
fi
log "built ${to_build[*]} in $((SECONDS - start)) s"
echo "$dest"
