# Sourced by every bench/NAME/run.sh after it changed to the repository's root.
# shellcheck shell=bash
source scripts/lib.sh

# Builds the bench module and the modules it uses, tests compiled but not run (node-verticle's test
# BPF programs, which some benchmarks load, are built with them), and sets BENCH_CLASSPATH: the
# benchmarks' jar and their runtime dependencies, GadgetFlow's modules as the jars this build just
# made in their target/ (nothing is installed into ~/.m2).
build_bench() {
  install_debian_packages
  use_jdk25
  ./mvnw -B -q -pl bench -am package -DskipTests
  BENCH_CLASSPATH="bench/target/bench.jar:$(cat bench/target/classpath)"
}

# What every benchmark's JVM needs: native access (libbpf through FFM), Kafka's use of
# sun.misc.Unsafe allowed without a warning, and only warnings and errors logged.
BENCH_JVM_OPTIONS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
