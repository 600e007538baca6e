// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of bench/peers: real syscalls at a set rate for a set time, each one an event for
 * the tracers under test. Every PERIOD_MICROS (100) it makes the calls due since the start; when
 * it falls behind (descheduled), the next period catches up.
 *
 *   open: openat(AT_FDCWD, "/dev/null") then close, one event per openat.
 *   exec: execve("/nonexistent/gf-storm-exec", four arguments): it fails at once with ENOENT, and
 *         every tracer reports it (execsnoop with -x); a successful exec needs a new process, far
 *         slower than the rates measured.
 *
 * Prints one line when done:
 *   pid=<its pid> offered=<calls> nanos=<elapsed> cpu_nanos=<its CPU, user and kernel (the
 *   tracers' BPF programs run in its syscalls)> late=<periods it woke too late for>
 *
 *   storm open|exec RATE SECONDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NANOS 100000u

static uint64_t now_nanos(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + now.tv_nsec;
}

static void sleep_until(uint64_t nanos)
{
	struct timespec at = { .tv_sec = nanos / 1000000000u, .tv_nsec = nanos % 1000000000u };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
		;
}

static uint64_t cpu_nanos(void)
{
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	return (uint64_t)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000u +
	       (uint64_t)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000u;
}

static void open_once(void)
{
	int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);

	if (fd < 0) {
		perror("openat");
		exit(1);
	}
	close(fd);
}

static void exec_once(void)
{
	static char *const argv[] = { "gf-storm-exec", "--flag", "value", "/var/tmp/gf-storm",
				      NULL };
	static char *const envp[] = { "PATH=/usr/bin", NULL };

	if (execve("/nonexistent/gf-storm-exec", argv, envp) == 0 || errno != ENOENT) {
		perror("execve");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	void (*call)(void);
	uint64_t rate, duration, start, end, now, tick, offered = 0, late = 0, cpu_start;

	if (argc != 4) {
		fprintf(stderr, "usage: %s open|exec RATE SECONDS\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "open") == 0) {
		call = open_once;
	} else if (strcmp(argv[1], "exec") == 0) {
		call = exec_once;
	} else {
		fprintf(stderr, "unknown workload %s\n", argv[1]);
		return 2;
	}
	rate = strtoull(argv[2], NULL, 10);
	duration = strtoull(argv[3], NULL, 10) * 1000000000u;
	/* One name for every tracer's output. */
	prctl(PR_SET_NAME, "gf-storm");
	cpu_start = cpu_nanos();
	start = now_nanos();
	end = start + duration;
	for (tick = start;; tick += PERIOD_NANOS) {
		uint64_t due;

		now = now_nanos();
		if (now >= end)
			break;
		if (now > tick + PERIOD_NANOS)
			late++;
		due = (uint64_t)((unsigned __int128)rate * (now - start) / 1000000000u);
		while (offered < due) {
			call();
			offered++;
		}
		if (tick + PERIOD_NANOS > now)
			sleep_until(tick + PERIOD_NANOS);
		else
			tick = now;
	}
	printf("pid=%d offered=%llu nanos=%llu cpu_nanos=%llu late=%llu\n", getpid(),
	       (unsigned long long)offered, (unsigned long long)(now_nanos() - start),
	       (unsigned long long)(cpu_nanos() - cpu_start), (unsigned long long)late);
	return 0;
}
