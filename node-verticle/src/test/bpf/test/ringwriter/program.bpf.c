// SPDX-License-Identifier: GPL-2.0
/*
 * Writes ring buffer records on command, for reader tests driven by BPF_PROG_TEST_RUN: the test
 * passes a command as packet data, so every record's size and bytes are known in advance. The
 * kernel strips the packet's 14-byte Ethernet header before a socket filter sees it, so the
 * command starts at offset 0.
 */
#include "gadgetflow.h"

#define MAX_PAYLOAD 1024
#define DISCARDED_RECORD_SIZE 64
#define SEQUENCE_RECORD_SIZE 32

enum ring_command_op {
	/* Copy the command's payload into one record. */
	COPY_PAYLOAD = 0,
	/* Reserve a record, then discard it: the reader must skip it. */
	RESERVE_AND_DISCARD = 1,
	/*
	 * Write one 32-byte record: the next sequence number, then its complement, so a reader can
	 * tell a record it saw half written (use with repeat).
	 */
	NEXT_SEQUENCE = 2,
};

struct ring_command {
	__u32 op;
	__u32 payload_size;
	/* payload_size bytes follow */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[MAX_PAYLOAD]);
} payload_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sequence SEC(".maps");

static __always_inline int copy_payload(struct __sk_buff *skb, __u32 size)
{
	__u32 zero = 0;
	char *scratch = bpf_map_lookup_elem(&payload_scratch, &zero);
	__u32 len;

	if (!scratch || size == 0 || size > MAX_PAYLOAD)
		return 0;
	/* The same value, in a form whose range [1, MAX_PAYLOAD] the verifier can see. */
	len = ((size - 1) & (MAX_PAYLOAD - 1)) + 1;
	if (bpf_skb_load_bytes(skb, sizeof(struct ring_command), scratch, len))
		return 0;
	gadget_output(scratch, len);
	return 0;
}

static __always_inline int reserve_and_discard(void)
{
	char *record = gadget_reserve(DISCARDED_RECORD_SIZE);

	if (record)
		bpf_ringbuf_discard(record, 0);
	return 0;
}

static __always_inline int next_sequence(void)
{
	__u32 zero = 0;
	__u64 *next = bpf_map_lookup_elem(&sequence, &zero);
	__u64 *record;

	if (!next)
		return 0;
	record = gadget_reserve(SEQUENCE_RECORD_SIZE);
	if (record) {
		record[0] = __sync_fetch_and_add(next, 1);
		record[1] = ~record[0];
		record[2] = 0;
		record[3] = 0;
		bpf_ringbuf_submit(record, 0);
	}
	return 0;
}

SEC("socket")
int write_records(struct __sk_buff *skb)
{
	struct ring_command command;

	if (bpf_skb_load_bytes(skb, 0, &command, sizeof(command)))
		return 0;
	switch (command.op) {
	case COPY_PAYLOAD:
		return copy_payload(skb, command.payload_size);
	case RESERVE_AND_DISCARD:
		return reserve_and_discard();
	case NEXT_SEQUENCE:
		return next_sequence();
	default:
		return 0;
	}
}

char LICENSE[] SEC("license") = "GPL";
