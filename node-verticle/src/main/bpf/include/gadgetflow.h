/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every GadgetFlow program shares: the `events` ring buffer, the per-CPU `lost` counter and
 * the mount-namespace filter. User space relies on these names (see io.gadgetflow.node.gadget).
 */
#ifndef GADGETFLOW_H
#define GADGETFLOW_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define GADGET_COMM_LEN 16

/* User space may resize the ring before load; it must stay a power of two of whole pages. */
#define GADGET_DEFAULT_RING_BYTES (4 * 1024 * 1024)

/* The most mount namespaces one trace selects; user space writes them before events flow. */
#define GADGET_MAX_MOUNT_NS 1024

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GADGET_DEFAULT_RING_BYTES);
} events SEC(".maps");

/*
 * Per CPU so that a full ring, when it hurts most, does not add cache-line contention. Slot 0:
 * events the kernel could not keep (a full ring, or a full map for the gadgets that aggregate in
 * maps); slot 1: events of a mount namespace over its share of the ring (gadgetflow_ring_share.h).
 * User space reports the two apart (io.gadgetflow.node.gadget.RunningGadget).
 */
#define GADGET_LOST_KERNEL 0
#define GADGET_LOST_OVER_SHARE 1

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GADGET_MAX_MOUNT_NS);
	__type(key, __u64);
	__type(value, __u8);
} mount_ns_filter SEC(".maps");

const volatile bool filter_by_mount_ns = false;

/*
 * Declares that user space decodes struct NAME (io.gadgetflow.node.gadget.ProgramLayouts) and keeps
 * the struct in the object's BTF, which otherwise has only the types of maps, globals and
 * functions: a record reserved in the ring or written by an iterator is none of these. A unit test
 * checks each decoder's offsets and sizes against it. libbpf skips the section: none of it loads.
 */
#define GADGET_LAYOUT(name)                            \
	static const struct name *gadget_layout_##name \
		__attribute__((used, section(".gadget_layouts")))

/*
 * The first bytes of every event record; user space decodes it once for all gadgets
 * (io.gadgetflow.node.gadget.EventHeader), so its layout is part of the contract.
 */
struct gadget_event_header {
	__u64 boot_timestamp_ns;
	__u64 mount_ns_id;
	__u32 pid;
	__u32 uid;
	char comm[GADGET_COMM_LEN];
};
_Static_assert(sizeof(struct gadget_event_header) == 40, "user space decodes a 40-byte header");

static __always_inline void gadget_count_lost_at(__u32 slot)
{
	__u64 *counter = bpf_map_lookup_elem(&lost, &slot);

	if (counter)
		*counter += 1;
}

static __always_inline void gadget_count_lost(void)
{
	gadget_count_lost_at(GADGET_LOST_KERNEL);
}

/* Reserves ring space, or counts the event as lost: a full ring must never be silent. */
static __always_inline void *gadget_reserve(__u64 size)
{
	void *record = bpf_ringbuf_reserve(&events, size, 0);

	if (!record)
		gadget_count_lost();
	return record;
}

/* Copies a variable-length event into the ring, or counts it as lost. */
static __always_inline void gadget_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&events, data, size, 0) != 0)
		gadget_count_lost();
}

static __always_inline __u64 gadget_current_mount_ns_id(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

/* Whether the current task's mount namespace is one the trace selected (all when not filtering). */
static __always_inline bool gadget_should_trace(void)
{
	__u64 mount_ns_id;

	if (!filter_by_mount_ns)
		return true;
	mount_ns_id = gadget_current_mount_ns_id();
	return bpf_map_lookup_elem(&mount_ns_filter, &mount_ns_id) != NULL;
}

/* The file behind one of the current task's descriptors, or NULL. */
static __always_inline struct file *gadget_file_of_fd(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **files = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	struct file *file = NULL;

	if (fd < 0 || fd >= max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &files[fd]))
		return NULL;
	return file;
}

/* The slot of a log2 histogram that counts value: n for [2^n, 2^(n+1)), 0 for 0 and 1, the last
 * slot for anything larger. */
static __always_inline __u32 gadget_log2_slot(__u64 value, __u32 slots)
{
	__u32 slot = 0;

	while (value > 1 && slot < slots - 1) {
		value >>= 1;
		slot++;
	}
	return slot;
}

static __always_inline void gadget_fill_header(struct gadget_event_header *header)
{
	header->boot_timestamp_ns = bpf_ktime_get_boot_ns();
	header->mount_ns_id = gadget_current_mount_ns_id();
	header->pid = bpf_get_current_pid_tgid() >> 32;
	header->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(header->comm, sizeof(header->comm));
}

#endif /* GADGETFLOW_H */
