#!/usr/bin/env bash
# Web UI latency benchmark: time from an event's timestamp to its arrival in a websocket client
# of the web UI, through the real Kafka broker, the web UI's one consumer, the event bus and the
# socket. Needs root for the exec step (the node agent loads eBPF programs).
#
#   bench/web/run.sh [SECONDS [RATES [CLIENTS]]]   defaults: 20 s per rate, rates 1000,10000,
#                                                  1 websocket client
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
# The local API server's binaries.
prepare_control_plane
exec java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.web.WebLatencyBench "$@"
