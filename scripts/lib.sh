# Shared by ./gadgetflow and .ci/run: finding a JDK 25 and preparing this machine.
# shellcheck shell=bash

GADGETFLOW_CACHE="${GADGETFLOW_CACHE:-$HOME/.cache/gadgetflow}"

# Debian packages the build and the tests need: clang, llvm and bpftool compile the BPF programs
# against the running kernel's BTF; libbpf1 is loaded by the node agent through FFM; chromium and
# chromium-driver run the web UI's browser tests (the test tools never download a browser);
# libseccomp2 names system calls for the seccomp advisor, and gcc with libseccomp-dev builds the
# launcher its test applies generated profiles with; clang-format checks the C code's layout (the
# same clang release as clang; its version is pinned in the root pom).
GADGETFLOW_DEBIAN_PACKAGES=(clang llvm libbpf-dev libbpf1 bpftool chromium chromium-driver
  libseccomp2 libseccomp-dev gcc clang-format)
# The network gadgets' tests (trace dns, trace sni, snapshot socket): iproute2 makes network
# namespaces and lists sockets (ss), dnsmasq serves known DNS records, dig asks for them, openssl
# makes TLS handshakes with a known server name.
GADGETFLOW_DEBIAN_PACKAGES+=(iproute2 dnsmasq-base bind9-dnsutils openssl)
# libbpf-tools: the reference tools the gadgets' comparison tests run beside them (mountsnoop).
GADGETFLOW_DEBIAN_PACKAGES+=(libbpf-tools)
# The TCP gadgets' tests: lost and dropped packets in test network namespaces (nftables), and
# bpftrace's tcpdrop.bt beside tcpdrop; bpftrace's profile probe beside profile cpu (gcc builds
# its workload).
GADGETFLOW_DEBIAN_PACKAGES+=(nftables bpftrace)

# What the local cluster (`gadgetflow cluster` and the end-to-end tests) runs and builds its images
# with: containerd and runc run the pods, the CNI plugins connect them, mmdebstrap and umoci make
# the images, catatonit is the pods' pause process, iproute2 makes the node's bridge.
GADGETFLOW_CLUSTER_PACKAGES=(containerd runc containernetworking-plugins mmdebstrap umoci catatonit
  iproute2)

die() {
  echo "gadgetflow: $*" >&2
  exit 1
}

# Sets JAVA_HOME to a JDK 25: JAVA_HOME when it is one, otherwise the first under /usr/lib/jvm.
use_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
    if [[ -n "$candidate" && -x "$candidate/bin/javac" ]] \
      && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "25[."]'; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven 3.9's Guice warns on JDK 25 about sun.misc.Unsafe; the warning is not ours to fix.
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      return 0
    fi
  done
  die "no JDK 25 found (looked at JAVA_HOME and /usr/lib/jvm/*25*); install one, e.g. temurin-25-jdk"
}

# Installs those of the given packages (default: GADGETFLOW_DEBIAN_PACKAGES) that are missing.
install_debian_packages() {
  local missing=()
  local package
  (($# > 0)) || set -- "${GADGETFLOW_DEBIAN_PACKAGES[@]}"
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "gadgetflow: installing Debian packages: ${missing[*]}" >&2
  [[ $EUID -eq 0 ]] || die "installing ${missing[*]} needs root"
  apt-get update -q >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# Builds etcd and kube-apiserver from their Go modules (once; later runs return at once) and tells
# the Java code where they are: the local control plane and the tests read this variable.
prepare_control_plane() {
  local built
  built="$("$(dirname "${BASH_SOURCE[0]}")/../k8s/control-plane/build.sh")" \
    || die "building etcd and kube-apiserver failed (k8s/control-plane/build.sh)"
  export GADGETFLOW_CONTROL_PLANE_BIN="${built##*$'\n'}"
}

# What a local cluster needs beyond prepare_machine: its Debian packages, and kubelet,
# kube-scheduler and kube-controller-manager built beside etcd and kube-apiserver (the same folder,
# so GADGETFLOW_CONTROL_PLANE_BIN names all five).
prepare_cluster() {
  install_debian_packages "${GADGETFLOW_CLUSTER_PACKAGES[@]}"
  local built
  built="$("$(dirname "${BASH_SOURCE[0]}")/../k8s/control-plane/build.sh" etcd kube-apiserver \
    kube-controller-manager kube-scheduler kubelet)" \
    || die "building the Kubernetes programs failed (k8s/control-plane/build.sh)"
  export GADGETFLOW_CONTROL_PLANE_BIN="${built##*$'\n'}"
}

prepare_machine() {
  install_debian_packages
  use_jdk25
  prepare_control_plane
}

# The paths a Maven build of this checkout reads, from its root (where this and the next function
# run): the root's build files, every module the root pom names, and what a module's pom reaches
# outside its folder (${project.basedir}/../...), such as the manifests kubectl-gadget packages.
maven_build_input_paths() {
  local module reference
  printf '%s\n' pom.xml mvnw .mvn .clang-format
  while IFS= read -r module; do
    echo "$module"
    [[ -f "$module/pom.xml" ]] || continue
    while IFS= read -r reference; do
      realpath -m --relative-to=. "$module/$reference"
    done < <(sed -n 's:.*[$]{project[.]basedir}/\([.][.]/[^<]*\).*:\1:p' "$module/pom.xml")
  done < <(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml)
}

# A hash of everything a build reads: the content of every file under maven_build_input_paths that
# git tracks or would track (ignored files, such as target/, are outputs), the JDK and the kernel
# (the BPF programs compile against its BTF). Fails without git or outside a git checkout.
maven_build_inputs_hash() {
  command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 1
  local - paths=() files=() file
  set -o pipefail # a file that cannot be read fails the hash
  mapfile -t paths < <(maven_build_input_paths)
  while IFS= read -r -d '' file; do
    if [[ -f "$file" ]]; then # a tracked file deleted in the work tree is no input
      files+=("$file")
    fi
  done < <(git ls-files -z -c -o --exclude-standard -- "${paths[@]}")
  {
    echo "JAVA_HOME=$JAVA_HOME"
    cat "$JAVA_HOME/release"
    uname -r
    printf '%s\0' "${files[@]}" | xargs -0 sha256sum --
  } | sha256sum | cut -d' ' -f1
}

# Size and modification time of every file under the given paths; fails when one is missing.
build_outputs_listing() {
  local output
  for output in "$@"; do
    [[ -e "$output" ]] || return 1
    find "$output" -type f -printf '%p %s %T@\n' | sort
  done
}

# Builds and installs the project (./mvnw -B -q install -DskipTests, plus the MAVEN_ARGs) unless
# none of its inputs changed since this function last built it and the OUTPUTs (paths from the
# checkout's root) are still those that build left: then a warm start skips Maven's 20 s of
# finding nothing to do. Without git (a source tarball) it always builds. The stamp lives in
# target/, so `./mvnw clean` also forces the next build.
#
#   build_if_changed OUTPUT... [-- MAVEN_ARG...]
build_if_changed() {
  local outputs=() build=(./mvnw -B -q install -DskipTests) stamp inputs_hash="" outputs_listing
  while (($# > 0)) && [[ "$1" != -- ]]; do
    outputs+=("$1")
    shift
  done
  (($# > 0)) && shift
  build+=("$@")
  (
    cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit
    # One stamp per OUTPUTs and MAVEN_ARGs: each caller's build is judged on its own.
    stamp="target/build-stamps/$(printf '%s\n' "${outputs[@]}" -- "${build[@]}" \
      | sha256sum | cut -c1-16)"
    inputs_hash="$(maven_build_inputs_hash)" || inputs_hash=""
    if [[ -n "$inputs_hash" && -f "$stamp" ]] \
      && outputs_listing="$(build_outputs_listing "${outputs[@]}")" \
      && [[ "$(cat "$stamp")" == "$inputs_hash"$'\n'"$outputs_listing" ]]; then
      echo "gadgetflow: nothing to build: no input changed since the last build" >&2
      exit 0
    fi
    rm -f "$stamp"
    "${build[@]}" || die "the build failed (${build[*]})"
    # The hash from before the build: a file edited while it ran makes the next call build again.
    if [[ -n "$inputs_hash" ]]; then
      mkdir -p "$(dirname "$stamp")"
      printf '%s\n%s' "$inputs_hash" "$(build_outputs_listing "${outputs[@]}")" >"$stamp"
    fi
  )
}
