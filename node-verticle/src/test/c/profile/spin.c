// SPDX-License-Identifier: GPL-2.0
/*
 * A workload for profile cpu whose hot code is known by name: `spin user SECONDS` burns CPU in
 * user mode in gadgetflow_spin_user; `spin kernel SECONDS` makes the kernel work, reading
 * /dev/zero from gadgetflow_spin_kernel. Both print "ready" first and "done" last. Built with
 * frame pointers and without inlining, so that the kernel can walk the user stack and each
 * function keeps its own frame. After "done" it waits for the end of its standard input, so that
 * its stacks can be named while it still runs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static double now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return time.tv_sec + time.tv_nsec / 1e9;
}

__attribute__((noinline)) void gadgetflow_spin_user(double seconds)
{
	double end = now() + seconds;

	while (now() < end) {
		for (unsigned long i = 0; i < 10000000; i++)
			sink = sink * 31 + i;
	}
}

__attribute__((noinline)) void gadgetflow_spin_kernel(double seconds)
{
	static char buffer[1 << 16];
	double end = now() + seconds;
	int fd = open("/dev/zero", O_RDONLY);

	if (fd < 0) {
		perror("/dev/zero");
		exit(1);
	}
	while (now() < end) {
		for (int i = 0; i < 100; i++) {
			if (read(fd, buffer, sizeof(buffer)) != sizeof(buffer)) {
				perror("read");
				exit(1);
			}
		}
	}
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "user") != 0 && strcmp(argv[1], "kernel") != 0)) {
		fprintf(stderr, "usage: %s user|kernel SECONDS\n", argv[0]);
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	if (strcmp(argv[1], "user") == 0)
		gadgetflow_spin_user(atof(argv[2]));
	else
		gadgetflow_spin_kernel(atof(argv[2]));
	printf("done\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	return 0;
}
