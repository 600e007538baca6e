// SPDX-License-Identifier: GPL-2.0
/*
 * launcher NAME[,NAME...] PROGRAM [ARG...]
 *
 * Runs PROGRAM under a seccomp filter that allows only the named system calls; any other fails
 * with EPERM, as under a profile whose default action is SCMP_ACT_ERRNO. Stands in for a container
 * runtime applying a generated profile.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx filter;
	char *names, *name;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: %s NAME[,NAME...] PROGRAM [ARG...]\n", argv[0]);
		return 2;
	}
	filter = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!filter) {
		fprintf(stderr, "seccomp_init failed\n");
		return 2;
	}
	names = strdup(argv[1]);
	for (name = strtok(names, ","); name; name = strtok(NULL, ",")) {
		int number = seccomp_syscall_resolve_name(name);

		if (number == __NR_SCMP_ERROR) {
			fprintf(stderr, "unknown system call %s\n", name);
			return 2;
		}
		rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 0);
		if (rc < 0) {
			fprintf(stderr, "allowing %s failed: %s\n", name, strerror(-rc));
			return 2;
		}
	}
	rc = seccomp_load(filter);
	if (rc < 0) {
		fprintf(stderr, "seccomp_load failed: %s\n", strerror(-rc));
		return 2;
	}
	execv(argv[2], &argv[2]);
	return 127;
}
