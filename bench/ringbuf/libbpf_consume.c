// SPDX-License-Identifier: GPL-2.0
/*
 * The libbpf side of the ring buffer benchmark: loads the same ring writer program as the Java
 * side, fills a ring of the same size with the same 32-byte records through BPF_PROG_TEST_RUN, and
 * times libbpf's ring_buffer__consume draining it, FILLS times. Prints one line with the totals:
 * records=<n> nanos=<time spent in ring_buffer__consume> checksum=<sum of the first words>.
 *
 *   libbpf_consume OBJECT RING_BYTES RECORDS FILLS
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ETH_HEADER_BYTES 14
#define NEXT_SEQUENCE 2

/* Touches each record as the Java handler does, so that neither side drains without reading. */
static int sum_first_word(void *ctx, void *data, size_t size)
{
	(void)size;
	*(uint64_t *)ctx += *(uint64_t *)data;
	return 0;
}

static uint64_t now_nanos(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + now.tv_nsec;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "libbpf_consume: %s failed: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

int main(int argc, char **argv)
{
	unsigned char command[ETH_HEADER_BYTES + 8] = { 0 };
	uint32_t op = NEXT_SEQUENCE;
	struct bpf_object *object;
	struct bpf_program *program;
	struct ring_buffer *ring;
	uint64_t checksum = 0, nanos = 0, total = 0, start;
	int records, fills, consumed, err, i;

	if (argc != 5) {
		fprintf(stderr, "usage: %s OBJECT RING_BYTES RECORDS FILLS\n", argv[0]);
		return 2;
	}
	records = atoi(argv[3]);
	fills = atoi(argv[4]);
	object = bpf_object__open_file(argv[1], NULL);
	if (!object)
		return fail("bpf_object__open_file", errno);
	err = bpf_map__set_max_entries(bpf_object__find_map_by_name(object, "events"),
				       atoi(argv[2]));
	if (err)
		return fail("bpf_map__set_max_entries", err);
	err = bpf_object__load(object);
	if (err)
		return fail("bpf_object__load", err);
	program = bpf_object__find_program_by_name(object, "write_records");
	ring = ring_buffer__new(bpf_object__find_map_fd_by_name(object, "events"), sum_first_word,
				&checksum, NULL);
	if (!program || !ring)
		return fail("finding the program and ring", errno);

	memcpy(command + ETH_HEADER_BYTES, &op, sizeof(op));
	LIBBPF_OPTS(bpf_test_run_opts, fill, .data_in = command, .data_size_in = sizeof(command),
		    .repeat = records);
	for (i = 0; i < fills; i++) {
		err = bpf_prog_test_run_opts(bpf_program__fd(program), &fill);
		if (err)
			return fail("bpf_prog_test_run_opts", err);
		start = now_nanos();
		consumed = ring_buffer__consume(ring);
		nanos += now_nanos() - start;
		if (consumed != records)
			return fail("draining every record", consumed < 0 ? consumed : EIO);
		total += consumed;
	}

	printf("records=%llu nanos=%llu checksum=%llu\n", (unsigned long long)total,
	       (unsigned long long)nanos, (unsigned long long)checksum);
	ring_buffer__free(ring);
	bpf_object__close(object);
	return 0;
}
