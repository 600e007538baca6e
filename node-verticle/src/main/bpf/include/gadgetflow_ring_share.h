/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flood isolation for gadgets whose events belong to the process that made them (a syscall's
 * caller): the ring is shared by every container of the node, so one container writing faster than
 * the agent reads would otherwise fill it and silently drop every other container's events
 * (Inspektor Gadget's CVE-2026-31890).
 *
 * The rule, checked for each event before it takes ring space: while the ring is more than three
 * quarters full, a namespace that holds more than half of what is unread gets no more space until
 * the reader has caught up with it. The quarter that is kept free then takes the other namespaces'
 * events, even those of a namespace that starts writing after the flood began. A lone flooder thus
 * has three quarters of the ring. (Half, before issue 18's loss split: the busiest namespace on a
 * node is usually alone, and lost half of a 4 MiB ring to a reserve for others; bench/peers counted
 * those drops as the largest part of its losses, docs/benchmarks.md.) Every event a
 * namespace loses, to this rule or to a full ring, is counted in its entry of `ring_shares`, which
 * user space reads for the traces that select that namespace (docs/benchmarks.md, "Flood
 * isolation").
 *
 * A program including this header writes its events with gadget_output_shared instead of
 * gadget_output (a fixed-size reserve would need the same check before bpf_ringbuf_reserve); user
 * space sees the `ring_shares` map and counts each filtered trace's kernel losses from it instead
 * of from the gadget-wide `lost` counter.
 */
#ifndef GADGETFLOW_RING_SHARE_H
#define GADGETFLOW_RING_SHARE_H

#include "gadgetflow.h"

/* More namespaces than a node has containers; the least recently writing ones are evicted. */
#define GADGET_RING_SHARE_NAMESPACES 8192

/* User space reads `lost` and `over_share`, at offsets 16 and 24 (RingShares). */
struct gadget_ring_share {
	/* The ring's producer position after this namespace's last record. */
	__u64 last_pos;
	/* Bytes it reserved since it last had nothing unread in the ring. */
	__u64 bytes;
	/* Its events dropped: a full ring, or more than its share. */
	__u64 lost;
	/* The part of `lost` dropped for more than its share while the ring had room. */
	__u64 over_share;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GADGET_RING_SHARE_NAMESPACES);
	__type(key, __u64);
	__type(value, struct gadget_ring_share);
} ring_shares SEC(".maps");

static __always_inline struct gadget_ring_share *gadget_ring_share_of(__u64 mount_ns_id)
{
	static const struct gadget_ring_share empty_share = {};
	struct gadget_ring_share *share = bpf_map_lookup_elem(&ring_shares, &mount_ns_id);

	if (share)
		return share;
	bpf_map_update_elem(&ring_shares, &mount_ns_id, &empty_share, BPF_NOEXIST);
	return bpf_map_lookup_elem(&ring_shares, &mount_ns_id);
}

/*
 * Whether the namespace may take ring space now. What it holds unread is at most what it reserved
 * since it last had nothing unread, and at most everything up to its last record.
 */
static __always_inline bool gadget_within_share(struct gadget_ring_share *share)
{
	__u64 consumed = bpf_ringbuf_query(&events, BPF_RB_CONS_POS);
	__u64 unread = bpf_ringbuf_query(&events, BPF_RB_PROD_POS) - consumed;
	__u64 held;

	if ((__s64)(share->last_pos - consumed) <= 0) {
		share->bytes = 0;
		return true;
	}
	if (unread <= bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 4 * 3)
		return true;
	held = share->last_pos - consumed;
	if (share->bytes < held)
		held = share->bytes;
	return held <= unread / 2;
}

static __always_inline void gadget_count_lost_by(struct gadget_ring_share *share)
{
	gadget_count_lost();
	__sync_fetch_and_add(&share->lost, 1);
}

static __always_inline void gadget_count_over_share(struct gadget_ring_share *share)
{
	gadget_count_lost_at(GADGET_LOST_OVER_SHARE);
	__sync_fetch_and_add(&share->lost, 1);
	__sync_fetch_and_add(&share->over_share, 1);
}

static __always_inline void gadget_note_written(struct gadget_ring_share *share, __u64 size)
{
	/* Each record takes an 8-byte header, and records are 8-byte aligned. */
	share->bytes += (size + 8 + 7) & ~7ULL;
	share->last_pos = bpf_ringbuf_query(&events, BPF_RB_PROD_POS);
}

/* gadget_output within the current mount namespace's share of the ring. */
static __always_inline void gadget_output_shared(void *data, __u64 size)
{
	__u64 mount_ns_id = gadget_current_mount_ns_id();
	struct gadget_ring_share *share = gadget_ring_share_of(mount_ns_id);

	if (!share) {
		gadget_output(data, size);
		return;
	}
	if (!gadget_within_share(share)) {
		gadget_count_over_share(share);
		return;
	}
	if (bpf_ringbuf_output(&events, data, size, 0) != 0) {
		gadget_count_lost_by(share);
		return;
	}
	gadget_note_written(share, size);
}

#endif /* GADGETFLOW_RING_SHARE_H */
