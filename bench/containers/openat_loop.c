// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of the filter-cost benchmark: COUNT openat(2) of /dev/null, each closed again, as
 * fast as one thread goes. Prints the wall time per openat+close pair: "nanos_per_op=<n>".
 *
 *   openat_loop COUNT
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_nanos(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long count;
	long long start;
	long i;

	if (argc != 2 || (count = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: %s COUNT\n", argv[0]);
		return 2;
	}
	start = now_nanos();
	for (i = 0; i < count; i++) {
		int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);

		if (fd < 0) {
			perror("openat");
			return 1;
		}
		close(fd);
	}
	printf("nanos_per_op=%.1f\n", (double)(now_nanos() - start) / count);
	return 0;
}
