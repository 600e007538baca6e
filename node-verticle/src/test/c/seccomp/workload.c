// SPDX-License-Identifier: GPL-2.0
/*
 * workload [extra]
 *
 * Prints "hello". With "extra", first makes one system call more, sched_yield, and exits with 3
 * when it is refused: the call a profile recorded without "extra" does not allow.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "extra") == 0 && sched_yield() != 0) {
		printf("sched_yield refused: %s\n", strerror(errno));
		return 3;
	}
	printf("hello\n");
	return 0;
}
