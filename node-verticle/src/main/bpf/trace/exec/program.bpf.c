// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop: one event per execve or execveat, successful or not. The arguments can only be read
 * before the new image replaces the caller's memory, so the enter tracepoint copies them into a map
 * entry and the exit one completes it with the result and the new image's comm and sends it.
 */
#include "gadgetflow_ring_share.h"

#define EXEC_MAX_ARGS 20
#define EXEC_ARG_LEN 128
#define EXEC_ARGS_BYTES (EXEC_MAX_ARGS * EXEC_ARG_LEN)
#define EXEC_MAX_PENDING 10240

struct exec_event {
	struct gadget_event_header header;
	__u32 ppid;
	__s32 ret;
	/* NUL-terminated strings, the filename first; a final "..." says argv was longer. */
	__u32 args_count;
	__u32 args_size;
	char args[EXEC_ARGS_BYTES];
};
_Static_assert(__builtin_offsetof(struct exec_event, args) == 56, "user space reads args at 56");
GADGET_LAYOUT(exec_event);

/*
 * Keyed by tgid, not tid: when a non-leader thread execs, it takes over the leader's pid, so only
 * the tgid is the same at enter and at exit.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EXEC_MAX_PENDING);
	__type(key, __u32);
	__type(value, struct exec_event);
} pending_execs SEC(".maps");

/* Too big for the BPF stack: map entries start as a copy of this. */
static const struct exec_event empty_exec_event = {};

static const char truncated_marker[] = "...";

static __always_inline int remember_exec(const char *filename, const char *const *argv)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct exec_event *event;
	__u32 size = 0;
	const char *arg;
	long len;
	int i;

	if (!gadget_should_trace())
		return 0;
	if (bpf_map_update_elem(&pending_execs, &tgid, &empty_exec_event, BPF_ANY))
		return 0;
	event = bpf_map_lookup_elem(&pending_execs, &tgid);
	if (!event)
		return 0;

	len = bpf_probe_read_user_str(event->args, EXEC_ARG_LEN, filename);
	if (len <= 0)
		return 0;
	size = len;
	event->args_count = 1;

	/* argv[0] is usually the filename again: like Inspektor Gadget, show the filename. */
	for (i = 1; i < EXEC_MAX_ARGS; i++) {
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			goto done;
		if (size > EXEC_ARGS_BYTES - EXEC_ARG_LEN)
			goto done;
		len = bpf_probe_read_user_str(&event->args[size], EXEC_ARG_LEN, arg);
		if (len <= 0)
			goto done;
		size += len;
		event->args_count++;
	}
	if (bpf_probe_read_user(&arg, sizeof(arg), &argv[EXEC_MAX_ARGS]) == 0 && arg &&
	    size <= EXEC_ARGS_BYTES - sizeof(truncated_marker)) {
		bpf_probe_read_kernel(&event->args[size], sizeof(truncated_marker),
				      truncated_marker);
		size += sizeof(truncated_marker);
		event->args_count++;
	}
done:
	event->args_size = size;
	return 0;
}

static __always_inline int send_exec(long ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct exec_event *event;
	__u32 args_size;

	event = bpf_map_lookup_elem(&pending_execs, &tgid);
	if (!event)
		return 0;
	/* After a successful exec the header describes the new image, e.g. its comm. */
	gadget_fill_header(&event->header);
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);
	event->ret = ret;
	args_size = event->args_size;
	if (args_size > EXEC_ARGS_BYTES)
		args_size = EXEC_ARGS_BYTES;
	gadget_output_shared(event, __builtin_offsetof(struct exec_event, args) + args_size);
	bpf_map_delete_elem(&pending_execs, &tgid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return remember_exec((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int trace_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return send_exec(ctx->ret);
}

/*
 * execveat(dirfd, path, argv, envp, flags): the path as given, relative to dirfd or empty (with
 * AT_EMPTY_PATH, as fexecve calls it); the same event otherwise.
 */
SEC("tracepoint/syscalls/sys_enter_execveat")
int trace_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_exec((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int trace_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return send_exec(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
