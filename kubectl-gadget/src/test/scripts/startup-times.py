#!/usr/bin/env python3
"""Measures how fast kubectl gadget starts, as docs/cli.md reports it.

Usage: startup-times.py <directory with kubectl-gadget> <runs> [node]

Needs a running platform (`gadgetflow up`, KUBECONFIG exported). Runs alternate between "with the
AOT cache" and "without" (the cache file moved aside for the time); each runs through the real
kubectl:
  - `kubectl gadget version`: wall time until the process exits;
  - `kubectl gadget trace exec`: wall time until the first line on stdout, the column header,
    which the plugin prints once a node runs the gadget; then SIGINT, and the run's own clean-up
    (stop, delete the Traces) is awaited before the next run;
  - the plugin's JVM alone (no kubectl) running `trace exec` against an API server address that
    refuses connections: CPU time (user + system), which depends less on how busy the machine is.
Prints median, min and max in milliseconds.
"""

import os
import signal
import statistics
import subprocess
import sys
import time


def version(env):
    start = time.monotonic()
    subprocess.run(["kubectl", "gadget", "version"], env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.monotonic() - start) * 1000


def first_output(env, node):
    args = ["kubectl", "gadget", "trace", "exec"] + (["--node", node] if node else [])
    start = time.monotonic()
    plugin = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        restore_signals=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    line = plugin.stdout.readline()
    elapsed = (time.monotonic() - start) * 1000
    plugin.send_signal(signal.SIGINT)
    _, err = plugin.communicate(timeout=60)
    if not line.startswith("NODE") and not line.startswith("PID"):
        raise SystemExit(f"unexpected first line {line!r}; stderr: {err}")
    return elapsed


def refused_cpu(env, directory):
    kubeconfig = os.path.join(directory, "refusing-kubeconfig")
    with open(kubeconfig, "w") as f:
        f.write("apiVersion: v1\nkind: Config\n"
                "clusters: [{name: r, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                "contexts: [{name: r, context: {cluster: r, user: r}}]\n"
                "users: [{name: r, user: {token: r}}]\ncurrent-context: r\n")
    plugin = subprocess.Popen(
        [os.path.join(directory, "kubectl-gadget"), "trace", "exec", "--kubeconfig", kubeconfig,
         "--kafka-bootstrap", "127.0.0.1:1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(plugin.pid, 0)
    plugin.returncode = 1
    os.remove(kubeconfig)
    return (usage.ru_utime + usage.ru_stime) * 1000


def summary(name, values):
    print(f"{name}: median {statistics.median(values):.0f} ms, "
          f"min {min(values):.0f}, max {max(values):.0f} ({len(values)} runs)")


def main():
    directory, runs = sys.argv[1], int(sys.argv[2])
    node = sys.argv[3] if len(sys.argv) > 3 else None
    env = dict(os.environ, PATH=directory + ":" + os.environ["PATH"])
    cache = os.path.join(directory, "kubectl-gadget.aot")
    aside = cache + ".aside"
    measures = (("version", version), ("trace exec first output", lambda e: first_output(e, node)),
                ("trace exec, API server refusing, CPU time",
                 lambda e: refused_cpu(e, directory)))
    results = {}
    version(env)  # warms the page cache; not counted
    # With and without the cache alternate, so that a change in the machine's load hits both.
    for _ in range(runs):
        for label, use_cache in (("with AOT cache", True), ("without AOT cache", False)):
            if not use_cache:
                os.rename(cache, aside)
            try:
                for name, measure in measures:
                    results.setdefault(f"{name}, {label}", []).append(measure(env))
            finally:
                if not use_cache:
                    os.rename(aside, cache)
    for name, values in results.items():
        summary(name, values)


if __name__ == "__main__":
    main()
