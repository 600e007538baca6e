#!/usr/bin/env bash
# Filter-cost benchmark: what an event dropped by a container filter costs in the kernel, against
# no program and against an event recorded into the ring. Needs root (it loads BPF programs, and
# turns kernel.bpf_stats_enabled on for its last part, then back to what it was) and two cores.
#
#   bench/containers/run.sh [OPENS [ROUNDS [EXECS]]]   defaults: 2,000,000 openat, 7 rounds, 2000 execs
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench

opens="${1:-2000000}"
rounds="${2:-7}"
execs="${3:-2000}"

out=bench/containers/target
mkdir -p "$out"
command -v cc >/dev/null || die "no C compiler: install the Debian package gcc (or clang)"
command -v taskset >/dev/null || die "taskset missing: install the Debian package util-linux"
cc -O2 -Wall -o "$out/openat_loop" bench/containers/openat_loop.c

exec taskset -c 1 java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.containers.FilterCostBench \
  "$out/openat_loop" "$opens" "$rounds" "$execs"
