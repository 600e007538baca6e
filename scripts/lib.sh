# Shared by ./gadgetflow and .ci/run: finding a JDK 25 and preparing this machine.
# shellcheck shell=bash

GADGETFLOW_CACHE="${GADGETFLOW_CACHE:-$HOME/.cache/gadgetflow}"

# Debian packages the build and the tests need: clang, llvm and bpftool compile the BPF programs
# against the running kernel's BTF; libbpf1 is loaded by the node agent through FFM; chromium and
# chromium-driver run the web UI's browser tests (the test tools never download a browser);
# libseccomp2 names system calls for the seccomp advisor, and gcc with libseccomp-dev builds the
# launcher its test applies generated profiles with.
GADGETFLOW_DEBIAN_PACKAGES=(clang llvm libbpf-dev libbpf1 bpftool chromium chromium-driver
  libseccomp2 libseccomp-dev gcc)
# The network gadgets' tests (trace dns, trace sni, snapshot socket): iproute2 makes network
# namespaces and lists sockets (ss), dnsmasq serves known DNS records, dig asks for them, openssl
# makes TLS handshakes with a known server name.
GADGETFLOW_DEBIAN_PACKAGES+=(iproute2 dnsmasq-base bind9-dnsutils openssl)
# The TCP gadgets' tests: lost and dropped packets in test network namespaces (nftables), and
# bpftrace's tcpdrop.bt beside tcpdrop.
GADGETFLOW_DEBIAN_PACKAGES+=(nftables bpftrace)

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

install_debian_packages() {
  local missing=()
  local package
  for package in "${GADGETFLOW_DEBIAN_PACKAGES[@]}"; do
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

prepare_machine() {
  install_debian_packages
  use_jdk25
  prepare_control_plane
}
