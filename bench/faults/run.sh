#!/usr/bin/env bash
# The fault suite (issue 20): a node agent streams numbered events at a steady rate while Kafka
# fails under it, and a reader of the events topic counts what arrived, twice or never; the table
# goes into docs/reliability.md. Brokers are real processes (KafkaCluster), killed with SIGKILL.
# Needs about 3 GiB of memory; no root.
#
#   bench/faults/run.sh [FAULT...]    default: broker-restart broker-lost disk-full (root)
#   environment: FAULTS_RATE (10000 events/s), FAULTS_STEADY_SECONDS (10),
#                FAULTS_DOWN_SECONDS (10), FAULTS_AFTER_SECONDS (20, after the recovery)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
exec java "${BENCH_JVM_OPTIONS[@]}" -Xmx1g \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.faults.FaultsBench --doc docs/reliability.md "$@"
