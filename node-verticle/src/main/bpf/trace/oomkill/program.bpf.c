// SPDX-License-Identifier: GPL-2.0
/*
 * oomkill: one event per process the out-of-memory killer chose. oom:mark_victim fires in
 * __oom_kill_process, in the context of the task whose allocation failed (the trigger: the
 * header's pid and comm), with the victim's task_struct (tp_btf gives the pointer itself, where the
 * classic tracepoint only copies its thread id). The event belongs to the victim's container: its
 * mount namespace is the header's, and the one the filter tests.
 */
#include "gadgetflow.h"
#include <bpf/bpf_tracing.h>

struct oomkill_event {
	struct gadget_event_header header;
	__u64 pages;
	__u32 killed_pid;
	__u32 killed_uid;
	char killed_comm[GADGET_COMM_LEN];
};
_Static_assert(__builtin_offsetof(struct oomkill_event, killed_comm) == 56,
	       "user space reads killed_comm at 56");
GADGET_LAYOUT(oomkill_event);

/* The approximate count the kernel prints too (get_mm_counter reads the same field). */
static __always_inline __s64 rss_counter(struct mm_struct *mm, int member)
{
	__s64 count = BPF_CORE_READ(mm, rss_stat[member].count);

	return count > 0 ? count : 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(trace_mark_victim, struct task_struct *victim, uid_t uid)
{
	__u64 mount_ns_id = BPF_CORE_READ(victim, nsproxy, mnt_ns, ns.inum);
	struct oomkill_event *event;
	struct mm_struct *mm;

	if (filter_by_mount_ns && !bpf_map_lookup_elem(&mount_ns_filter, &mount_ns_id))
		return 0;
	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	gadget_fill_header(&event->header);
	event->header.mount_ns_id = mount_ns_id;
	event->killed_pid = BPF_CORE_READ(victim, tgid);
	event->killed_uid = uid;
	BPF_CORE_READ_STR_INTO(&event->killed_comm, victim, comm);
	mm = BPF_CORE_READ(victim, mm);
	/* Resident pages as get_mm_rss counts them: file, anonymous and shared memory. */
	event->pages = rss_counter(mm, MM_FILEPAGES) + rss_counter(mm, MM_ANONPAGES) +
		       rss_counter(mm, MM_SHMEMPAGES);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
