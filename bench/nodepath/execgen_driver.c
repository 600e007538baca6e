// SPDX-License-Identifier: GPL-2.0
/*
 * Drives the execgen test program (node-verticle/src/test/bpf/test/execgen) at a set rate: every
 * PERIOD_MICROS it asks the kernel for the records due since the start, through
 * getpriority(EXECGEN_MAGIC, &request), so that the program writes them into its ring in one go.
 * When it falls behind (descheduled), the next call catches up. Prints one line when done:
 *   offered=<records asked for> nanos=<elapsed> cpu_nanos=<this process's CPU, kernel side
 *   included> calls=<getpriority calls> late=<periods skipped because it woke too late>
 *
 *   execgen_driver RATE SECONDS PERIOD_MICROS ARG...      (ARG...: the exec's filename and args)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EXECGEN_MAGIC 0x67666c77
#define EXEC_MAX_ARGS 20
#define EXEC_ARGS_BYTES (EXEC_MAX_ARGS * 128)
/* Far below the program's limit: keeps one call short, so the ring reader sees records sooner. */
#define MAX_RECORDS_PER_CALL 4096

/* struct execgen_request of the BPF program. */
struct request {
	uint32_t count;
	uint32_t args_count;
	uint32_t args_size;
	char args[EXEC_ARGS_BYTES];
};

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

/* CPU time, user and system, this process has used so far. */
static uint64_t cpu_nanos(void)
{
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	return (uint64_t)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000u +
	       (uint64_t)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000u;
}

/* The records due after `elapsed` nanoseconds at `rate` per second. */
static uint64_t due(uint64_t rate, uint64_t elapsed)
{
	return (uint64_t)((unsigned __int128)rate * elapsed / 1000000000u);
}

int main(int argc, char **argv)
{
	static struct request request;
	uint64_t rate, duration, period, start, end, now, tick, offered = 0, calls = 0, late = 0;
	int i;

	if (argc < 5) {
		fprintf(stderr, "usage: %s RATE SECONDS PERIOD_MICROS ARG...\n", argv[0]);
		return 2;
	}
	rate = strtoull(argv[1], NULL, 10);
	duration = (uint64_t)(strtod(argv[2], NULL) * 1e9);
	period = strtoull(argv[3], NULL, 10) * 1000u;
	for (i = 4; i < argc && i - 4 < EXEC_MAX_ARGS; i++) {
		size_t len = strlen(argv[i]) + 1;

		if (len > 128 || request.args_size + len > EXEC_ARGS_BYTES) {
			fprintf(stderr, "execgen_driver: arguments too long\n");
			return 2;
		}
		memcpy(request.args + request.args_size, argv[i], len);
		request.args_size += len;
		request.args_count++;
	}
	/* The default 50 us of timer slack would blur short periods. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	start = now_nanos();
	end = start + duration;
	for (tick = start;;) {
		now = now_nanos();
		if (now > end)
			now = end;
		while (offered < due(rate, now - start)) {
			uint64_t count = due(rate, now - start) - offered;

			request.count = count > MAX_RECORDS_PER_CALL ? MAX_RECORDS_PER_CALL : count;
			/* Fails with EINVAL, as it should: the program has seen the call. */
			syscall(SYS_getpriority, EXECGEN_MAGIC, &request);
			offered += request.count;
			calls++;
		}
		if (now >= end)
			break;
		tick += period;
		now = now_nanos();
		if (tick <= now) {
			/* Descheduled past the next period: catch up, at the next boundary. */
			late++;
			tick = start + ((now - start) / period + 1) * period;
		}
		sleep_until(tick);
	}
	now = now_nanos();
	printf("offered=%llu nanos=%llu cpu_nanos=%llu calls=%llu late=%llu\n",
	       (unsigned long long)offered, (unsigned long long)(now - start),
	       (unsigned long long)cpu_nanos(), (unsigned long long)calls,
	       (unsigned long long)late);
	return 0;
}
