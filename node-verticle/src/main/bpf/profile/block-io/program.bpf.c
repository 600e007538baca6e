// SPDX-License-Identifier: GPL-2.0
/*
 * biolatency: a log2 histogram, in the kernel, of the time block requests take from issue to the
 * device to completion. Nothing goes through the ring: user space reads the histogram once, when
 * the trace stops. Requests issued before the start have no issue time and are not counted.
 */
#include "gadgetflow.h"
#include <bpf/bpf_tracing.h>

#define BIO_MAX_SLOTS 27
#define BIO_MAX_IN_FLIGHT 10240

/* Issue time of each request in flight, by its address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIO_MAX_IN_FLIGHT);
	__type(key, struct request *);
	__type(value, __u64);
} issued_at SEC(".maps");

/* Slot n counts the latencies of [2^n, 2^(n+1)) microseconds; slot 0 also counts 0. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BIO_MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} latency_slots SEC(".maps");

SEC("tp_btf/block_rq_issue")
int BPF_PROG(trace_block_rq_issue, struct request *rq)
{
	__u64 now = bpf_ktime_get_ns();

	/* A full table loses this request's latency: counted like a full ring. */
	if (bpf_map_update_elem(&issued_at, &rq, &now, BPF_ANY))
		gadget_count_lost();
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(trace_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 *issued = bpf_map_lookup_elem(&issued_at, &rq);
	__u64 *count;
	__u32 slot;

	if (!issued)
		return 0;
	slot = gadget_log2_slot((bpf_ktime_get_ns() - *issued) / 1000, BIO_MAX_SLOTS);
	bpf_map_delete_elem(&issued_at, &rq);
	count = bpf_map_lookup_elem(&latency_slots, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
