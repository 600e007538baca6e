#!/usr/bin/env python3
"""Where the fleet's CPU goes, beside a running `bench/fleet/run.sh`: every INTERVAL seconds, per
role (agents' JVM, brokers, API server, etcd, controller, the bench's watch, kubectl gadget runs,
everything else), the CPU time its threads ran and the time they waited, runnable, for a CPU
(schedstat(5): the kernel's own run-queue delay per thread), with the load average and the
machine's CPU pressure.
A role whose threads wait for a CPU longer than they run is starved by the machine, not slow by
its own code.

    bench/fleet/cpu-shares.py [INTERVAL] [OUTPUT.tsv]     defaults: 5 s, standard output
    bench/fleet/cpu-shares.py --sum OUTPUT.tsv [FROM [TO]]   per role between two HH:MM:SS

Reads /proc only; runs until interrupted. One line per role and interval, tab-separated:
time, role, processes, threads, cpu seconds, run-queue wait seconds, load average (1 min),
CPU pressure (some, avg10).
"""
import os
import sys
import time

ROLES = (
    ("agents", "io.gadgetflow.bench.fleet.FleetBench"),
    ("brokers", "io.gadgetflow.local.kafka.ClusterBroker"),
    ("controller", "io.gadgetflow.bench.fleet.FleetController"),
    ("watch", "io.gadgetflow.bench.fleet.FleetWatch"),
    ("kubectl-gadget", "io.gadgetflow.kubectl.KubectlGadgetCommand"),
    ("apiserver", "kube-apiserver"),
    ("etcd", "etcd"),
)


def role_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return None
    if not args or not args[0]:
        return None  # a kernel thread
    program = os.path.basename(args[0].decode(errors="replace"))
    decoded = [a.decode(errors="replace") for a in args]
    for role, marker in ROLES:
        if program == marker or marker in decoded:
            return role
    return "other"


def threads(pid):
    """(tid -> (ran ns, waited ns)) of every thread of pid now."""
    found = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ran, waited, _ = f.read().split()
            found[int(tid)] = (int(ran), int(waited))
        except (OSError, ValueError):
            pass  # the thread ended
    return found


def sample():
    """(role -> {tid: (ran, waited)}), (role -> processes)."""
    by_role, processes = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        role = role_of(int(entry))
        if role is None:
            continue
        by_role.setdefault(role, {}).update(threads(int(entry)))
        processes[role] = processes.get(role, 0) + 1
    return by_role, processes


def pressure():
    try:
        with open("/proc/pressure/cpu") as f:
            some = f.readline().split()
        return some[1].split("=")[1]
    except (OSError, IndexError):
        return "-"


def summarize(path, start="00:00:00", end="99:99:99"):
    """Per role between start and end: CPU seconds, cores, share, run-queue wait per CPU second."""
    rows = [line.rstrip("\n").split("\t") for line in open(path) if not line.startswith("time")]
    rows = [row for row in rows if start <= row[0] <= end]
    stamps = sorted({row[0] for row in rows})
    seconds = lambda stamp: sum(int(part) * unit for part, unit in zip(stamp.split(":"), (3600, 60, 1)))
    # Each line covers the time since the one before it (the first: since the range began).
    elapsed = seconds(stamps[-1]) - seconds(stamps[0]) + (seconds(stamps[1]) - seconds(stamps[0]))
    totals = {}
    for _, role, _, _, cpu, wait, _, _ in rows:
        ran, waited = totals.get(role, (0.0, 0.0))
        totals[role] = (ran + float(cpu), waited + float(wait))
    loads = [float(row[6]) for row in rows]
    used = sum(ran for ran, _ in totals.values())
    cores = os.cpu_count()
    print(
        f"{stamps[0]} to {stamps[-1]}: {elapsed} s, load average {min(loads):.1f} to"
        f" {max(loads):.1f}; CPU used {used:.0f} s of {cores * elapsed} s ({cores} cores)"
    )
    print(f"{'role':16}{'CPU s':>9}{'cores':>7}{'share':>7}{'wait s':>10}{'wait/CPU':>10}")
    for role, (ran, waited) in sorted(totals.items(), key=lambda item: -item[1][0]):
        print(
            f"{role:16}{ran:9.1f}{ran / elapsed:7.2f}{100 * ran / used:6.0f}%"
            f"{waited:10.1f}{waited / ran if ran else 0:10.1f}"
        )


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--sum":
        summarize(*sys.argv[2:5])
        return
    interval = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    out = open(sys.argv[2], "a", buffering=1) if len(sys.argv) > 2 else sys.stdout
    out.write("time\trole\tprocesses\tthreads\tcpu_s\twait_s\tload1\tcpu_pressure10\n")
    before, _ = sample()
    while True:
        time.sleep(interval)
        now, processes = sample()
        stamp = time.strftime("%H:%M:%S", time.gmtime())
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
        some = pressure()
        for role in sorted(now):
            ran = waited = 0
            for tid, (r, w) in now[role].items():
                r0, w0 = before.get(role, {}).get(tid, (0, 0))
                ran += r - r0
                waited += w - w0
            out.write(
                f"{stamp}\t{role}\t{processes[role]}\t{len(now[role])}\t"
                f"{ran / 1e9:.2f}\t{waited / 1e9:.2f}\t{load}\t{some}\n"
            )
        before = now


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
