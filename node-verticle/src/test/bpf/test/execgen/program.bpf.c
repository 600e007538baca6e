// SPDX-License-Identifier: GPL-2.0
/*
 * A load generator for the node-path benchmark (bench/nodepath): writes execsnoop records, the
 * exact struct exec_event of src/main/bpf/trace/exec/program.bpf.c, as fast as a driver asks for
 * them. Real execs cannot be made fast enough to load the node agent, so a driver process calls
 * getpriority(EXECGEN_MAGIC, &request) and this program writes request.count records in one go,
 * each with the driver's header fields, a fresh timestamp and the request's arguments. It is a
 * tracepoint program like every gadget, so the node agent runs it unchanged (TraceSession attaches
 * it), and it sends through the shared header's gadget_output like the exec gadget. Any other
 * getpriority call is ignored.
 */
#include "gadgetflow.h"

#define EXEC_MAX_ARGS 20
#define EXEC_ARG_LEN 128
#define EXEC_ARGS_BYTES (EXEC_MAX_ARGS * EXEC_ARG_LEN)

/* "gflw": getpriority's `which` is 0, 1 or 2 for everybody else. */
#define EXECGEN_MAGIC 0x67666c77
#define EXECGEN_MAX_RECORDS_PER_CALL 65536

/* The exec gadget's record; ExecEventDecoder reads it. */
struct exec_event {
	struct gadget_event_header header;
	__u32 ppid;
	__s32 ret;
	__u32 args_count;
	__u32 args_size;
	char args[EXEC_ARGS_BYTES];
};
_Static_assert(__builtin_offsetof(struct exec_event, args) == 56, "user space reads args at 56");

/* What the driver passes, in its own memory: how many records, and their args block. */
struct execgen_request {
	__u32 count;
	__u32 args_count;
	__u32 args_size;
	char args[EXEC_ARGS_BYTES];
};

/* The record being sent, built once per call; too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} scratch SEC(".maps");

struct emit_context {
	__u32 record_size;
};

static long emit_one(__u32 index, void *data)
{
	struct emit_context *emit = data;
	__u32 size = emit->record_size;
	__u32 zero = 0;
	struct exec_event *event = bpf_map_lookup_elem(&scratch, &zero);

	if (!event || size > sizeof(*event))
		return 1;
	event->header.boot_timestamp_ns = bpf_ktime_get_boot_ns();
	gadget_output(event, size);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpriority")
int generate_exec_events(struct trace_event_raw_sys_enter *ctx)
{
	const struct execgen_request *request = (const struct execgen_request *)ctx->args[1];
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct emit_context emit = {};
	struct exec_event *event;
	__u32 zero = 0;
	__u32 count;
	__u32 args_size;

	if (ctx->args[0] != EXECGEN_MAGIC || !gadget_should_trace())
		return 0;
	event = bpf_map_lookup_elem(&scratch, &zero);
	if (!event)
		return 0;
	if (bpf_probe_read_user(&count, sizeof(count), &request->count) ||
	    bpf_probe_read_user(&event->args_count, sizeof(event->args_count),
				&request->args_count) ||
	    bpf_probe_read_user(&args_size, sizeof(args_size), &request->args_size))
		return 0;
	if (count > EXECGEN_MAX_RECORDS_PER_CALL || args_size > EXEC_ARGS_BYTES)
		return 0;
	if (args_size > 0 && bpf_probe_read_user(event->args, args_size, request->args))
		return 0;
	event->args_size = args_size;
	gadget_fill_header(&event->header);
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);
	event->ret = 0;
	emit.record_size = __builtin_offsetof(struct exec_event, args) + args_size;
	bpf_loop(count, emit_one, &emit, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
