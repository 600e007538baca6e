#!/usr/bin/env bash
# Start time of `gadgetflow up`: from launching the JVM to its "GadgetFlow is up." line, on a fresh
# data directory (cold) and again on the same one (warm), each stopped with SIGTERM (the JVM stops
# as on Ctrl-C; a script's background job ignores SIGINT). Each start uses free ports
# and its own data directory, so a running platform is not disturbed. Needs root (the node agent).
#
#   bench/up/run.sh [ROUNDS]     default 3 rounds of one cold and one warm start
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
prepare_machine
./mvnw -B -q -pl cli -am package -DskipTests

rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints the milliseconds until the ready line; stops the platform and waits for it.
start_once() {
  local data="$1" out="$work/out" begin end pid
  : >"$out"
  begin=$(date +%s%N)
  GADGETFLOW_WEB_PORT=0 GADGETFLOW_METRICS_PORT=0 \
    java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -jar cli/target/gadgetflow.jar up --data-dir "$data" --kafka-port 0 --api-server-port 0 \
    >"$out" 2>"$work/err" &
  pid=$!
  until grep -q "GadgetFlow is up." "$out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/err" >&2; return 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid" || true
  echo $(((end - begin) / 1000000))
}

for round in $(seq 1 "$rounds"); do
  data="$work/data-$round"
  cold=$(start_once "$data")
  warm=$(start_once "$data")
  echo "round $round: cold ${cold} ms, warm ${warm} ms"
done
