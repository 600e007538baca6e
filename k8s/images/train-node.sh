#!/usr/bin/env bash
# Makes the node agent's AOT cache (JDK 25, JEP 483/514/515): classes loaded and linked ahead of
# time, and the method profiles of its event path, so that a fresh agent compiles that path as soon
# as it runs instead of profiling it during its first minutes of events (docs/benchmarks.md,
# "2026-12-07 afternoon"). The training run is io.gadgetflow.cli.NodeTraining: the agent tracing
# opensnoop and execsnoop into a broker in its own JVM, with made-up events instead of BPF, so it
# needs neither root nor a kernel to trace (about 30 s). k8s/images/build.sh runs it for the node
# image, bench/peers/run.sh for the agent it measures.
#
#   k8s/images/train-node.sh JAVA APP_DIR CACHE [JAVA_OPTION...]
#
# JAVA: the java that will run the agent (a cache fits only the runtime that made it: the image's
# own). APP_DIR: gadgetflow.jar and lib/; the cache still fits where both move together (the image
# has them in /opt/gadgetflow). CACHE: the file to write. JAVA_OPTIONS: the launcher's command line
# options before -jar, as the agent gets them. The JVM options of the DaemonSet (JDK_JAVA_OPTIONS
# in k8s/install/07-node.yaml) and its event form come from the manifest. An agent whose cache does
# not fit (another runtime, another jar) says so once and runs without it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
java="$1"
app_dir="$2"
cache="$3"
shift 3
launcher_options=("$@")

# A value the DaemonSet gives the agent's environment (a `- name:` line, then `value: "..."`).
daemonset_value() {
  sed -n "/- name: $1\$/{n;s/^ *value: \"\(.*\)\"\$/\1/p}" "$repo/k8s/install/07-node.yaml"
}
jvm_options="$(daemonset_value JDK_JAVA_OPTIONS)"
event_form="$(daemonset_value GADGETFLOW_EVENT_FORM)"
[[ -n "$jvm_options" && -n "$event_form" ]] \
  || { echo "train-node: no JDK_JAVA_OPTIONS or GADGETFLOW_EVENT_FORM in 07-node.yaml" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The DaemonSet's options, with a larger heap for the training's broker, whose JVM gets them too
# (the heap's size does not change what the cache holds).
export JDK_JAVA_OPTIONS="$jvm_options -Xmx256m"
if ! GADGETFLOW_EVENT_FORM="$event_form" "$java" "${launcher_options[@]}" -XX:AOTMode=record \
  -XX:AOTConfiguration="$work/node.aotconf" -cp "$app_dir/gadgetflow.jar" \
  io.gadgetflow.cli.NodeTraining >"$work/training.log" 2>&1; then
  tail -n 30 "$work/training.log" >&2
  echo "train-node: the training run failed (its log's end above)" >&2
  exit 1
fi
grep "^node training:" "$work/training.log" >&2
# Without the JVM's call adapters: JDK 25.0.3 fails to link some of those it cached and says so in
# two warnings per adapter at every start of the agent (it makes them anew, as without a cache).
"$java" "${launcher_options[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$work/node.aotconf" \
  -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching \
  -XX:AOTCache="$work/node.aot" -cp "$app_dir/gadgetflow.jar" >"$work/create.log" 2>&1 || {
  cat "$work/create.log" >&2
  echo "train-node: making the AOT cache failed" >&2
  exit 1
}
mv "$work/node.aot" "$cache"
