// SPDX-License-Identifier: GPL-2.0
/*
 * profile (profile cpu): samples what each CPU runs, at a frequency, from a perf event of the
 * CPU clock per online CPU that user space opens and attaches this program to. Each sample's
 * kernel and user stacks go to a stack map by id; a hash map counts the samples per process and
 * pair of stacks. User space reads both once, when the trace stops, and names the frames. As
 * libbpf-tools' profile does, the idle task is left out.
 */
#include "gadgetflow.h"

/* perf_event_max_stack's default: bpf_get_stackid takes no deeper stacks. */
#define PROFILE_MAX_STACK_DEPTH 127
/* Distinct stacks, kernel and user together. */
#define PROFILE_MAX_STACKS 8192
#define PROFILE_MAX_ENTRIES 10240

#define EFAULT 14

/* Samples are counted per process, its mount namespace and name, and its two stacks. */
struct profile_key {
	__u64 mount_ns_id;
	__u32 pid;
	/* An id in `stacks`; -EFAULT: none (a kernel thread's user stack, or not taken); any other
	 * negative errno: lost (its bucket held another stack, or the map was full). */
	__s32 kernel_stack_id;
	__s32 user_stack_id;
	char comm[GADGET_COMM_LEN];
	__u32 padding;
};
GADGET_LAYOUT(profile_key);
_Static_assert(sizeof(struct profile_key) == 40, "user space reads a 40-byte profile_key");

const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;

/* Each value is PROFILE_MAX_STACK_DEPTH instruction pointers, the innermost first, 0 after the last. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, PROFILE_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PROFILE_MAX_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_ENTRIES);
	__type(key, struct profile_key);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline bool is_lost(__s32 stack_id)
{
	return stack_id < 0 && stack_id != -EFAULT;
}

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct profile_key key;
	__u64 one = 1;
	__u64 *count;

	if ((__u32)pid_tgid == 0)
		return 0;
	if (!gadget_should_trace())
		return 0;

	__builtin_memset(&key, 0, sizeof(key));
	key.mount_ns_id = gadget_current_mount_ns_id();
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.kernel_stack_id = user_stacks_only ? -EFAULT : bpf_get_stackid(ctx, &stacks, 0);
	key.user_stack_id =
		kernel_stacks_only ? -EFAULT : bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);

	/* The sample still counts for its process; its stack does not come back. */
	if (is_lost(key.kernel_stack_id) || is_lost(key.user_stack_id))
		gadget_count_lost();

	count = bpf_map_lookup_elem(&counts, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	/* Another CPU may have added the key meanwhile: then add to its count. */
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST)) {
		count = bpf_map_lookup_elem(&counts, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
		else
			gadget_count_lost();
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
