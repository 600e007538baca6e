#!/usr/bin/env bash
# A fleet of node agents on this machine, to measure the control plane and the fan-out of events:
# a three-broker KRaft cluster (processes), the local API server, the controller (a process), NODES
# node agents in one JVM whose events are SYNTHETIC (made up in place of eBPF, see
# bench/README.md), the web UI, and four `kubectl gadget ... -A` runs per fleet size. Needs about
# 8 GiB of memory at 500 nodes; no root.
#
#   bench/fleet/run.sh [NODES...]    default: 50 200 500
#   environment: FLEET_RATE_PER_TRACE (1 event/s), FLEET_RUN_SECONDS (40),
#                FLEET_WATCH_SECONDS (10), FLEET_EVENTS_PARTITIONS (6),
#                FLEET_CONTROLLER_JVM_OPTIONS (more options of the controller's JVM, e.g. to profile),
#                FLEET_CONTROL_PLANE_NICE (e.g. -10: API server, etcd, controller and kubectl gadget
#                get the CPU before the agents and brokers, as on a cluster; needs root; unset: as-is)
#                FLEET_CONTROL_PLANE_CPUS (e.g. 1: that many cores kept for the API server, etcd,
#                controller and kubectl gadget, the agents' JVM and brokers capped to the rest by a
#                cgroup CPU quota, as on separate machines; needs root; unset: as-is)
# bench/fleet/cpu-shares.py beside it prints each process's CPU and its wait for a CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
# The local API server's binaries.
prepare_control_plane
# Thousands of Kafka connections between agents, brokers and the plugin runs.
ulimit -n "$(ulimit -Hn)"
exec java "${BENCH_JVM_OPTIONS[@]}" -Xmx8g \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.fleet.FleetBench "$@"
