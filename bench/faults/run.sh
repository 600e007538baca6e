#!/usr/bin/env bash
# The fault suite (issue 20): a node agent streams numbered events at a steady rate while Kafka,
# the agent, the Kubernetes API server or the controller fails under it, and a reader of the events
# topic counts what arrived, twice or never; the faults of the API server and the controller also
# count the operations annotated around them, lost or run twice. The table goes into
# docs/reliability.md. Brokers, the API server and the controllers are real processes, killed with
# SIGKILL. Needs about 3 GiB of memory; root for disk-full only.
#
#   bench/faults/run.sh [FAULT...]    default: broker-restart broker-lost disk-full agent-restart
#                                     apiserver-restart controller-standby controller-restart
#   environment: FAULTS_RATE (10000 events/s), FAULTS_STEADY_SECONDS (10),
#                FAULTS_DOWN_SECONDS (10), FAULTS_AFTER_SECONDS (20, after the recovery),
#                FAULTS_BROKER_SETTINGS (name=value,... over the brokers' settings, to compare one:
#                e.g. broker.session.timeout.ms=9000; none by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
prepare_control_plane
exec java "${BENCH_JVM_OPTIONS[@]}" -Xmx1g \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.faults.FaultsBench --doc docs/reliability.md "$@"
