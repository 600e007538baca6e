// SPDX-License-Identifier: GPL-2.0
/*
 * tcptracer: TCP connect, accept and close, each seen in the context of the process that did it,
 * so that pid, comm and mount namespace are the right ones:
 * - connect: at the exit of connect(2), when it succeeded or is in progress, reading the socket
 *   behind its descriptor (when the socket enters SYN_SENT its local port is not chosen yet);
 * - accept: the new socket becomes established in softirq, before anyone accepts it, so accept is
 *   seen at the exit of accept(2)/accept4(2), reading the socket behind the returned descriptor;
 * - close: the socket leaves ESTABLISHED or CLOSE_WAIT towards closing, inside close(2) (or the
 *   process's exit); a peer's close (ESTABLISHED -> CLOSE_WAIT) runs in softirq and is not ours.
 */
#include "gadgetflow_tcp.h"

#define TCP_OPERATION_CONNECT 0
#define TCP_OPERATION_ACCEPT 1
#define TCP_OPERATION_CLOSE 2

#define EINPROGRESS 115
#define TCP_MAX_PENDING 10240

struct tcp_event {
	struct gadget_event_header header;
	__u8 operation;
	__u8 ip_version;
	__u16 sport;
	__u16 dport;
	__u16 padding;
	__u8 saddr[16];
	__u8 daddr[16];
};
_Static_assert(__builtin_offsetof(struct tcp_event, daddr) == 64, "user space reads daddr at 64");
GADGET_LAYOUT(tcp_event);

/* The descriptor each thread is connecting, from enter to exit of connect(2). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCP_MAX_PENDING);
	__type(key, __u64);
	__type(value, __s32);
} pending_connects SEC(".maps");

static __always_inline bool is_local_close(int oldstate, int newstate)
{
	if (oldstate == TCP_ESTABLISHED)
		return newstate == TCP_FIN_WAIT1 || newstate == TCP_CLOSE;
	if (oldstate == TCP_CLOSE_WAIT)
		return newstate == TCP_LAST_ACK || newstate == TCP_CLOSE;
	return false;
}

SEC("tracepoint/sock/inet_sock_set_state")
int trace_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcp_event *event;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (!is_local_close(ctx->oldstate, ctx->newstate) || !gadget_should_trace())
		return 0;

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	__builtin_memset(event, 0, sizeof(*event));
	gadget_fill_header(&event->header);
	event->operation = TCP_OPERATION_CLOSE;
	event->sport = ctx->sport;
	event->dport = ctx->dport;
	/* The verifier refuses loads at a moved context pointer; a helper may read there. */
	if (ctx->family == AF_INET6) {
		event->ip_version = 6;
		bpf_probe_read_kernel(event->saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(event->daddr, 16, ctx->daddr_v6);
	} else {
		event->ip_version = 4;
		bpf_probe_read_kernel(event->saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(event->daddr, 4, ctx->daddr);
	}
	bpf_ringbuf_submit(event, 0);
	return 0;
}

static __always_inline int send_socket_event(long fd, __u8 operation)
{
	struct tcp_event *event;
	struct sock *sk;
	__u16 family;

	sk = gadget_socket_of_fd(fd);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	__builtin_memset(event, 0, sizeof(*event));
	gadget_fill_header(&event->header);
	event->operation = operation;
	event->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	event->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET6) {
		event->ip_version = 6;
		BPF_CORE_READ_INTO(&event->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&event->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		event->ip_version = 4;
		BPF_CORE_READ_INTO((__u32 *)event->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)event->daddr, sk, __sk_common.skc_daddr);
	}
	bpf_ringbuf_submit(event, 0);
	return 0;
}

static __always_inline int send_accept(long ret)
{
	if (ret < 0 || !gadget_should_trace())
		return 0;
	return send_socket_event(ret, TCP_OPERATION_ACCEPT);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int trace_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__s32 fd = ctx->args[0];

	if (gadget_should_trace())
		bpf_map_update_elem(&pending_connects, &pid_tgid, &fd, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int trace_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__s32 *fd = bpf_map_lookup_elem(&pending_connects, &pid_tgid);

	if (!fd)
		return 0;
	if (ctx->ret == 0 || ctx->ret == -EINPROGRESS)
		send_socket_event(*fd, TCP_OPERATION_CONNECT);
	bpf_map_delete_elem(&pending_connects, &pid_tgid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int trace_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return send_accept(ctx->ret);
}

/* Architectures without accept(2) (arm64) lack this tracepoint; user space then skips it. */
SEC("tracepoint/syscalls/sys_exit_accept")
int trace_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return send_accept(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
