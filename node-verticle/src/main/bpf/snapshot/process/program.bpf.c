// SPDX-License-Identifier: GPL-2.0
/*
 * process-collector: one record per process (or per thread, with show-threads) of the node, or of
 * the selected mount namespaces, written by a task iterator. User space runs the iteration once
 * per collect by reading an iterator descriptor; nothing goes through the ring.
 */
#include "gadgetflow.h"

struct process_record {
	__u64 mount_ns_id;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	char comm[GADGET_COMM_LEN];
	__u32 padding;
};
_Static_assert(sizeof(struct process_record) == 48, "user space reads 48-byte records");
GADGET_LAYOUT(process_record);

const volatile bool show_threads = false;

SEC("iter/task")
int collect_processes(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct process_record record = {};

	if (!task)
		return 0;
	record.pid = BPF_CORE_READ(task, tgid);
	record.tid = BPF_CORE_READ(task, pid);
	if (!show_threads && record.pid != record.tid)
		return 0;
	/* An exiting task has no nsproxy any more; it reads as mount namespace 0. */
	record.mount_ns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	if (filter_by_mount_ns && !bpf_map_lookup_elem(&mount_ns_filter, &record.mount_ns_id))
		return 0;
	record.ppid = BPF_CORE_READ(task, real_parent, tgid);
	record.uid = BPF_CORE_READ(task, cred, uid.val);
	record.gid = BPF_CORE_READ(task, cred, gid.val);
	BPF_CORE_READ_STR_INTO(&record.comm, task, comm);
	bpf_seq_write(seq, &record, sizeof(record));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
