#!/usr/bin/env bash
# GadgetFlow's node agent beside libbpf-tools and bpftrace on the same paced storms of real openat
# and execve calls: per tracer and rate, the achieved rate, events delivered and lost, the tracer's
# CPU per event, the cost it adds to each traced call, its peak RSS. Needs root and two cores: the
# storm runs on core 0, each tracer (the agent's JVM, opensnoop, bpftrace, ...) on core 1, the
# broker on core 0. See bench/README.md, "peers".
#
#   bench/peers/run.sh [SECONDS [RATES [WORKLOADS [TRACERS]]]]
#   defaults: 10 s per step; 50000,100000,200000,400000 calls/s; open,exec,flood,contract;
#   gadgetflow,libbpf-tools,bpftrace. AGENT_JVM_OPTIONS replaces the agent's JDK_JAVA_OPTIONS
#   (default: the DaemonSet's, read from k8s/install/07-node.yaml, as are its MALLOC_ARENA_MAX and
#   GADGETFLOW_EVENT_FORM); GADGETFLOW_ENV="NAME=VALUE ..." gives it settings, over the
#   DaemonSet's (none: the defaults a user gets). AGENT_AOT_CACHE: the agent's AOT cache (default:
#   the node image's, made below; empty: none).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
install_debian_packages
use_jdk25
# The agent runs from the launcher jar and its lib/, as the image runs it; nothing is installed.
./mvnw -B -q -pl bench,cli -am package -DskipTests
BENCH_CLASSPATH="bench/target/bench.jar:$(cat bench/target/classpath)"
mkdir -p bench/peers/target
gcc -O2 -Wall -o bench/peers/target/storm bench/peers/storm.c
export STORM=bench/peers/target/storm
# The node image's AOT cache, made as k8s/images/build.sh makes it (k8s/images/train-node.sh) for
# this jar and this JDK, once per launcher build (some 40 s). AGENT_AOT_CACHE= (empty) runs the
# agent without one.
if [[ -z "${AGENT_AOT_CACHE+set}" ]]; then
  launcher_key="$(find cli/target/gadgetflow.jar cli/target/lib -type f -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  export AGENT_AOT_CACHE="bench/peers/target/node-$launcher_key.aot"
  if [[ ! -f "$AGENT_AOT_CACHE" ]]; then
    rm -f bench/peers/target/node-*.aot
    k8s/images/train-node.sh "$JAVA_HOME/bin/java" cli/target "$AGENT_AOT_CACHE" \
      --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:MaxRAMPercentage=75
  fi
fi
exec java "${BENCH_JVM_OPTIONS[@]}" -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.peers.PeersBench "$@"
