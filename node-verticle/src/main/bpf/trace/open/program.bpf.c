// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop: one event per open, openat or openat2. The result is only known at exit, so enter
 * remembers the path pointer per thread and exit reads the path and sends the event.
 */
#include "gadgetflow_ring_share.h"

#define OPEN_PATH_MAX 256
#define OPEN_MAX_PENDING 10240

struct open_event {
	struct gadget_event_header header;
	__s32 ret;
	char path[OPEN_PATH_MAX];
};
_Static_assert(__builtin_offsetof(struct open_event, path) == 44, "user space reads path at 44");
GADGET_LAYOUT(open_event);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OPEN_MAX_PENDING);
	__type(key, __u64);
	__type(value, const char *);
} pending_opens SEC(".maps");

/*
 * Where an event is put together before it is copied into the ring at its exact length: most paths
 * are far shorter than OPEN_PATH_MAX, and a record of the whole struct would take five times the
 * ring space a typical one needs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} open_scratch SEC(".maps");

static __always_inline int remember_path(const char *path)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (gadget_should_trace())
		bpf_map_update_elem(&pending_opens, &pid_tgid, &path, BPF_ANY);
	return 0;
}

static __always_inline int send_event(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	const char **path = bpf_map_lookup_elem(&pending_opens, &pid_tgid);
	struct open_event *event;
	__u32 zero = 0;
	long length;

	if (!path)
		return 0;
	event = bpf_map_lookup_elem(&open_scratch, &zero);
	if (event) {
		gadget_fill_header(&event->header);
		event->ret = ret;
		length = bpf_probe_read_user_str(event->path, sizeof(event->path), *path);
		if (length <= 0) {
			event->path[0] = '\0';
			length = 1;
		}
		if (length > OPEN_PATH_MAX)
			length = OPEN_PATH_MAX;
		gadget_output_shared(event, __builtin_offsetof(struct open_event, path) + length);
	}
	bpf_map_delete_elem(&pending_opens, &pid_tgid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_path((const char *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int trace_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return send_event(ctx->ret);
}

/* openat2(dirfd, path, how, size): openat's path, and how to resolve it. */
SEC("tracepoint/syscalls/sys_enter_openat2")
int trace_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	return remember_path((const char *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int trace_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return send_event(ctx->ret);
}

/* Architectures without open(2) (arm64) lack these tracepoints; user space then skips them. */
SEC("tracepoint/syscalls/sys_enter_open")
int trace_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return remember_path((const char *)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int trace_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	return send_event(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
