// SPDX-License-Identifier: GPL-2.0
/*
 * profile (profile cpu): samples what each CPU runs, at a frequency, from a perf event of the
 * CPU clock per online CPU that user space opens and attaches this program to. As libbpf-tools'
 * profile does, the idle task is left out; each sample's kernel and user stacks are kept once
 * each, and a hash map counts the samples per process and pair of stacks. User space reads both
 * maps once, when the trace stops, and names the frames.
 *
 * libbpf-tools keeps stacks in a BPF_MAP_TYPE_STACK_TRACE map, whose bucket is chosen by the
 * stack's hash among as many buckets as entries: two stacks in one bucket, and the second is
 * lost. On a node with a few hundred distinct stacks that lost 4% of the samples (13 of 335, with
 * 8192 entries). Here a stack is kept under a 64-bit hash of its frames in a hash map allocated as
 * it fills, so that a stack is lost only when the map is full, or, rarely, when the sample (in NMI
 * context) can wait neither for an element from this CPU's empty cache nor for a bucket's lock.
 */
#include "gadgetflow.h"

/* perf_event_max_stack's default: the kernel walks no deeper. */
#define PROFILE_MAX_STACK_DEPTH 127
/* Distinct stacks, kernel and user together. */
#define PROFILE_MAX_STACKS 16384
#define PROFILE_MAX_ENTRIES 10240

/* Stack ids that are not hashes (hashes are moved off them). */
#define PROFILE_NO_STACK 0
#define PROFILE_LOST_STACK 1

#define EEXIST 17

/* Instruction pointers, the innermost first, zeros after the last. */
struct profile_stack {
	__u64 ips[PROFILE_MAX_STACK_DEPTH];
};

/* Samples are counted per process, its mount namespace and name, and its two stacks. */
struct profile_key {
	__u64 mount_ns_id;
	/* Ids in `stacks`; PROFILE_NO_STACK: the sample had none (in user mode, a kernel thread's
	 * user stack) or it was not asked for; PROFILE_LOST_STACK: it could not be kept. */
	__u64 kernel_stack_id;
	__u64 user_stack_id;
	__u32 pid;
	char comm[GADGET_COMM_LEN];
	__u32 padding;
};
GADGET_LAYOUT(profile_key);
_Static_assert(sizeof(struct profile_key) == 48, "user space reads a 48-byte profile_key");

const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, PROFILE_MAX_STACKS);
	__type(key, __u64);
	__type(value, struct profile_stack);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_ENTRIES);
	__type(key, struct profile_key);
	__type(value, __u64);
} counts SEC(".maps");

/* Room to take a stack in: it does not fit on the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct profile_stack);
} new_stack SEC(".maps");

/* Takes the current kernel or user stack and keeps it; returns its id. */
static __always_inline __u64 keep_stack(struct bpf_perf_event_data *ctx, __u64 flags)
{
	__u32 zero = 0;
	struct profile_stack *stack = bpf_map_lookup_elem(&new_stack, &zero);
	__u64 id = 0xcbf29ce484222325ULL;
	long bytes;
	long err;

	if (!stack)
		return PROFILE_LOST_STACK;
	/* Zeros after the last frame; -EFAULT or 0 bytes when there is no such stack. */
	bytes = bpf_get_stack(ctx, stack->ips, sizeof(stack->ips), flags);
	if (bytes <= 0)
		return PROFILE_NO_STACK;
	for (int i = 0; i < PROFILE_MAX_STACK_DEPTH; i++) {
		if (i * sizeof(__u64) >= bytes)
			break;
		id = (id ^ stack->ips[i]) * 0x100000001b3ULL;
		id ^= id >> 29;
	}
	if (id <= PROFILE_LOST_STACK)
		id += 2;
	err = bpf_map_update_elem(&stacks, &id, stack, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return PROFILE_LOST_STACK;
	return id;
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
	key.kernel_stack_id = user_stacks_only ? PROFILE_NO_STACK : keep_stack(ctx, 0);
	key.user_stack_id =
		kernel_stacks_only ? PROFILE_NO_STACK : keep_stack(ctx, BPF_F_USER_STACK);

	/* The sample still counts for its process; its stack does not come back. */
	if (key.kernel_stack_id == PROFILE_LOST_STACK || key.user_stack_id == PROFILE_LOST_STACK)
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
