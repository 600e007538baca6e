#!/usr/bin/env bash
# Operation latency benchmark: time from writing the operation annotation to the Trace's status
# showing Started (start) or Stopped (stop), for 1 Trace at a time and for many at once, against a
# real API server, a real broker, the controller and a real node agent in one process. Needs root
# (the node agent loads eBPF programs).
#
#   bench/controller/run.sh [CONCURRENT[,CONCURRENT...] [SINGLE_ROUNDS]]
#   defaults: 60 then 200 Traces at once, 30 rounds of 1
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
# The local API server's binaries.
prepare_control_plane
exec java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.controller.OperationLatencyBench "$@"
