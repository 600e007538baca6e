#!/usr/bin/env bash
# What the controller pays per status record to know which node wrote it: the HMAC-SHA256
# verification of one node report's value (what it does), beside an Ed25519 signature check of the
# same bytes (the alternative, docs/security.md) and the JSON decoding of the report it does
# anyway (the yardstick). One thread, in-process, no Kafka.
#
#   bench/statusmac/run.sh [SECONDS_PER_ROUND]   default 3
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench
exec java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.statusmac.StatusMacBench "$@"
