#!/usr/bin/env bash
# Web UI latency benchmark: time from an event's timestamp to its arrival in a websocket client
# of the web UI, through the real Kafka broker, the web UI's one consumer, the event bus and the
# socket. Needs root for the exec step (the node agent loads eBPF programs).
#
#   bench/web/run.sh [SECONDS [RATES [CLIENTS]]]   defaults: 20 s per rate, rates 1000,10000,
#                                                  1 websocket client
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
prepare_machine

# cli's jar lists every module and dependency on its class path.
./mvnw -B -q -pl cli -am install -DskipTests
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Dlog4j2.level=warn \
  -cp "cli/target/gadgetflow.jar:cli/target/lib/*" \
  bench/web/WebLatencyBench.java "$@"
