#!/usr/bin/env bash
# Node-path benchmark: ring buffer -> decode -> JSON -> Kafka (acks=all) through GadgetFlow's own
# TraceSession and EventSink, under a rising event rate, against a real KRaft broker on this
# machine. The agent's JVM runs on core 1 alone; the broker's JVM and the event generator on core 0.
# Needs root (it loads BPF programs) and two cores.
#
#   bench/nodepath/run.sh [SECONDS [RATES [RING_BYTES [PERIOD_MICROS]]]]
#
# defaults: 10 s per step; rates 100000,200000,...,1500000 events/s; the agent's default ring
# (256 KiB); the generator writes what is due every 100 us. The agent's JVM runs with the options
# the DaemonSet gives it (k8s/install/07-node.yaml, JDK_JAVA_OPTIONS): keep the two alike.
# AGENT_HEAP overrides its -Xmx (112m), AGENT_JVM_OPTIONS its other options (-XX:+UseSerialGC).
# ENRICHMENT=on runs the generator in a container the agent's registry knows, so every event is
# named after its pod (default off: the generator is a host process, every lookup misses).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench

seconds="${1:-10}"
rates="${2:-100000,200000,300000,400000,500000,600000,700000,800000,900000,1000000,1100000,1200000,1300000,1400000,1500000}"
ring_bytes="${3:-262144}"
period_micros="${4:-100}"

out=bench/nodepath/target
mkdir -p "$out"
command -v cc >/dev/null || die "no C compiler: install the Debian package gcc (or clang)"
command -v taskset >/dev/null || die "taskset missing: install the Debian package util-linux"
(($(nproc --all) >= 2)) || die "needs two cores: one for the agent, one for the broker"
cc -O2 -Wall -o "$out/execgen_driver" bench/nodepath/execgen_driver.c

# The generator program is a test BPF program of node-verticle's build, loaded from the class path.
agent_jvm_options="${AGENT_JVM_OPTIONS--XX:+UseSerialGC}"
# AGENT_JAVA_OPTS: extra options for the agent's JVM, e.g. -XX:StartFlightRecording=...
# shellcheck disable=SC2086
exec taskset -c 1 java "${BENCH_JVM_OPTIONS[@]}" \
  "-Xmx${AGENT_HEAP:-112m}" $agent_jvm_options ${AGENT_JAVA_OPTS:-} \
  -cp "$BENCH_CLASSPATH:node-verticle/target/test-classes" \
  io.gadgetflow.bench.nodepath.NodePathBench \
  "$out/execgen_driver" "$seconds" "$rates" "$ring_bytes" "$period_micros"
