// SPDX-License-Identifier: GPL-2.0
/*
 * sigsnoop: one event per signal sent. By default every signal the kernel generates
 * (signal:signal_generate, in the sender's context), whatever sent it; with kill-only, only the
 * kill, tkill and tgkill system calls, whose result is known at their exit, so that signals they
 * failed to send (no such process, not permitted) are reported too. User space loads one set of
 * programs or the other.
 */
#include "gadgetflow.h"

#define SIGNAL_MAX_PENDING 10240

/* TRACE_SIGNAL_* of include/trace/events/signal.h: what became of a generated signal. */
#define TRACE_SIGNAL_OVERFLOW_FAIL 3
#define TRACE_SIGNAL_LOSE_INFO 4
#define EAGAIN 11

struct signal_event {
	struct gadget_event_header header;
	__u32 target_pid;
	__s32 signal;
	__s32 ret;
};
_Static_assert(__builtin_offsetof(struct signal_event, ret) == 48, "user space reads ret at 48");
GADGET_LAYOUT(signal_event);

struct pending_kill {
	__u32 target_pid;
	__s32 signal;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SIGNAL_MAX_PENDING);
	__type(key, __u64);
	__type(value, struct pending_kill);
} pending_kills SEC(".maps");

/* 0: every signal. */
const volatile __s32 only_signal = 0;
/* 0: every sender. */
const volatile __u32 only_sender_pid = 0;
const volatile bool only_failed = false;

static __always_inline bool selected(__s32 signal)
{
	if (only_signal && signal != only_signal)
		return false;
	if (only_sender_pid && (bpf_get_current_pid_tgid() >> 32) != only_sender_pid)
		return false;
	return gadget_should_trace();
}

static __always_inline void send_event(__u32 target_pid, __s32 signal, __s32 ret)
{
	struct signal_event *event;

	if (only_failed && ret >= 0)
		return;
	event = gadget_reserve(sizeof(*event));
	if (!event)
		return;
	gadget_fill_header(&event->header);
	event->target_pid = target_pid;
	event->signal = signal;
	event->ret = ret;
	bpf_ringbuf_submit(event, 0);
}

SEC("tracepoint/signal/signal_generate")
int trace_signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	__s32 ret = 0;

	if (!selected(ctx->sig))
		return 0;
	if (ctx->result == TRACE_SIGNAL_OVERFLOW_FAIL || ctx->result == TRACE_SIGNAL_LOSE_INFO)
		ret = -EAGAIN;
	send_event(ctx->pid, ctx->sig, ret);
	return 0;
}

static __always_inline int remember_kill(__u32 target_pid, __s32 signal)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_kill kill = { .target_pid = target_pid, .signal = signal };

	/* Signal 0 only checks that the target exists: nothing is sent. */
	if (signal && selected(signal))
		bpf_map_update_elem(&pending_kills, &pid_tgid, &kill, BPF_ANY);
	return 0;
}

static __always_inline int complete_kill(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_kill *kill = bpf_map_lookup_elem(&pending_kills, &pid_tgid);

	if (!kill)
		return 0;
	send_event(kill->target_pid, kill->signal, ret);
	bpf_map_delete_elem(&pending_kills, &pid_tgid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int trace_enter_kill(struct trace_event_raw_sys_enter *ctx)
{
	return remember_kill(ctx->args[0], ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int trace_exit_kill(struct trace_event_raw_sys_exit *ctx)
{
	return complete_kill(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int trace_enter_tkill(struct trace_event_raw_sys_enter *ctx)
{
	return remember_kill(ctx->args[0], ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int trace_exit_tkill(struct trace_event_raw_sys_exit *ctx)
{
	return complete_kill(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int trace_enter_tgkill(struct trace_event_raw_sys_enter *ctx)
{
	return remember_kill(ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int trace_exit_tgkill(struct trace_event_raw_sys_exit *ctx)
{
	return complete_kill(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
