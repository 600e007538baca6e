#!/usr/bin/env bash
# Start time of `gadgetflow up`, until its "GadgetFlow is up." line (the dashboard's URL follows),
# each start then stopped with SIGTERM (the JVM stops as on Ctrl-C; a script's background job
# ignores SIGINT). Each start uses free ports and its own data directory, so a running platform is
# not disturbed. Needs root (the node agent). Per round:
#   - jvm cold:      the JVM alone on a fresh data directory;
#   - jvm warm:      the JVM alone on the same data directory again;
#   - script build:  `./gadgetflow up` on it with its build stamp removed, so it prepares the
#                    machine, runs the Maven build that finds nothing changed (the build every
#                    `./gadgetflow up` ran before build_if_changed), then the JVM;
#   - script warm:   `./gadgetflow up` on it again, as a user starts it a second time: it prepares
#                    the machine, finds nothing to build, then runs the JVM;
#   - baseline warm: given a BASELINE checkout (another clone, e.g. of an older commit), its own
#                    `./gadgetflow up` on a data directory of its own that it has started on once.
# The warm starts also print where their time went: from launch to each progress line of `up`.
#
#   bench/up/run.sh [ROUNDS [BASELINE]]     default 3 rounds, no baseline
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
prepare_machine
build_if_changed cli/target/gadgetflow.jar cli/target/lib

rounds="${1:-3}"
baseline="${2:-}"
[[ -z "$baseline" || -x "$baseline/gadgetflow" ]] || die "no ./gadgetflow in $baseline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

millis_since() {
  local now=$EPOCHREALTIME
  echo $(((${now/./} - ${1/./}) / 1000))
}

# Runs the command (with free ports and the data directory appended) until it is up; prints the
# milliseconds to the ready line, then, with `steps`, the milliseconds from launch to each line
# `up` prints as it goes. Stops it and waits for it.
start_once() {
  local steps="$1" data="$2" out="$work/out" err="$work/err" begin pid ready line
  shift 2
  : >"$out"
  begin=$EPOCHREALTIME
  GADGETFLOW_WEB_PORT=0 GADGETFLOW_METRICS_PORT=0 \
    "$@" up --data-dir "$data" --kafka-port 0 --api-server-port 0 >"$out" \
    2> >(while IFS= read -r line; do
      [[ "$line" == "gadgetflow: "* ]] && echo "$(millis_since "$begin") ms ${line#gadgetflow: }"
    done >"$err") &
  pid=$!
  until grep -q "GadgetFlow is up." "$out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; return 1; }
    sleep 0.05
  done
  ready=$(millis_since "$begin")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$ready ms"
  if [[ "$steps" == steps ]]; then
    grep -v ' stopping' "$err" | sed 's/^/    /' || true
  fi
}

jvm=(java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  -jar cli/target/gadgetflow.jar)
if [[ -n "$baseline" ]]; then
  echo "baseline cold $(start_once - "$work/baseline" "$baseline/gadgetflow")"
fi
for round in $(seq 1 "$rounds"); do
  data="$work/data-$round"
  echo "round $round: jvm cold $(start_once - "$data" "${jvm[@]}")"
  echo "round $round: jvm warm $(start_once steps "$data" "${jvm[@]}")"
  rm -rf target/build-stamps
  echo "round $round: script build $(start_once steps "$data" ./gadgetflow)"
  echo "round $round: script warm $(start_once steps "$data" ./gadgetflow)"
  if [[ -n "$baseline" ]]; then
    echo "round $round: baseline warm $(start_once steps "$work/baseline" "$baseline/gadgetflow")"
  fi
done
