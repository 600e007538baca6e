// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp advisor: which system calls the processes of each selected mount namespace make, kept
 * as one flag per system call number in the kernel. Nothing goes through the ring: user space
 * reads the flags whenever a profile is generated.
 */
#include "gadgetflow.h"

/* Above the highest system call number of x86-64 and arm64 today; a power of two for masking. */
#define SECCOMP_MAX_SYSCALLS 1024

struct syscall_set {
	__u8 used[SECCOMP_MAX_SYSCALLS];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GADGET_MAX_MOUNT_NS);
	__type(key, __u64);
	__type(value, struct syscall_set);
} syscalls_by_mount_ns SEC(".maps");

/* Too big for the BPF stack: new map entries start as a copy of this. */
static const struct syscall_set empty_set = {};

SEC("raw_tracepoint/sys_enter")
int record_syscall(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 syscall = ctx->args[1];
	struct syscall_set *set;
	__u64 mount_ns_id;

	if (syscall >= SECCOMP_MAX_SYSCALLS || !gadget_should_trace())
		return 0;
	mount_ns_id = gadget_current_mount_ns_id();
	set = bpf_map_lookup_elem(&syscalls_by_mount_ns, &mount_ns_id);
	if (!set) {
		bpf_map_update_elem(&syscalls_by_mount_ns, &mount_ns_id, &empty_set, BPF_NOEXIST);
		set = bpf_map_lookup_elem(&syscalls_by_mount_ns, &mount_ns_id);
		/* The table is full: this namespace's calls go unrecorded, which is counted. */
		if (!set) {
			gadget_count_lost();
			return 0;
		}
	}
	set->used[syscall & (SECCOMP_MAX_SYSCALLS - 1)] = 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
