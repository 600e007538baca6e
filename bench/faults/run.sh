#!/usr/bin/env bash
# The fault suite (issue 20): a node agent streams numbered events at a steady rate into Traces of
# every output mode, driven by the real controller, while Kafka, the disk, the agent, the Kubernetes
# API server or the controller fails under it; a reader of the events topic and of the File Trace's
# file counts what arrived, twice or never, and the operations annotated around the fault are
# counted lost or run twice, the Status and ExternalResource Traces' results checked. The table goes
# into docs/reliability.md. Brokers, the API server, the controllers and (agent-restart) the agent
# are real processes, killed with SIGKILL (broker-pause: SIGSTOP, then SIGCONT). Needs about 3 GiB
# of memory; root for disk-full only.
#
#   bench/faults/run.sh [FAULT...]    default: broker-restart broker-lost broker-lost-follower
#                                     broker-pause disk-full agent-restart apiserver-restart
#                                     controller-standby controller-restart
#   environment: FAULTS_RATE (10000 events/s), FAULTS_STEADY_SECONDS (10),
#                FAULTS_DOWN_SECONDS (10), FAULTS_AFTER_SECONDS (20, after the recovery),
#                FAULTS_BROKER_SETTINGS (name=value,... over the brokers' settings, to compare one:
#                e.g. broker.session.timeout.ms=9000; none by default),
#                FAULTS_OPERATION_TIMEOUT_SECONDS (the controller's, 30; the product's default is
#                10: the rows measured with another say so)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
prepare_control_plane
exec java "${BENCH_JVM_OPTIONS[@]}" -Xmx1g \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.faults.FaultsBench --doc docs/reliability.md "$@"
