// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnect: TCP connects, seen in the process that made them (sys_enter_connect, which also
 * applies the container filter). Without latency, as Inspektor Gadget: one event per connect(2)
 * that succeeded or is in progress, at its exit, with error 0 or EINPROGRESS (a non-blocking
 * connect). With latency, one event when the handshake ends (sock:inet_sock_set_state leaving
 * SYN_SENT, in softirq context): ESTABLISHED, or CLOSE with the socket's error (e.g.
 * ECONNREFUSED), its latency measured from the connect and the process taken from the connect.
 * Not reported: a connect that fails before it sends anything (e.g. no route: there is no
 * connection yet), a handshake the process gave up on (closed in SYN_SENT without a socket error).
 */
#include "gadgetflow_tcp.h"

#define EINPROGRESS 115
#define TCPCONNECT_MAX_PENDING 10240

const volatile bool calculate_latency = false;
const volatile __u64 min_latency_ns = 0;

struct tcpconnect_event {
	struct gadget_event_header header;
	__u64 latency_ns;
	__s32 error;
	struct gadget_tcp_connection connection;
};
GADGET_LAYOUT(tcpconnect_event);

/* The process and the time of a connect whose handshake is under way. */
struct connect_start {
	struct gadget_event_header header;
	__u64 start_ns;
};

/* The socket each thread is connecting, from enter to exit of connect(2). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPCONNECT_MAX_PENDING);
	__type(key, __u64);
	__type(value, __u64);
} connecting_threads SEC(".maps");

/* With latency: each socket's connect, until its handshake ends. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TCPCONNECT_MAX_PENDING);
	__type(key, __u64);
	__type(value, struct connect_start);
} handshakes SEC(".maps");

/*
 * sport: the local port, when the socket may have given it up already (a failed connect releases
 * an automatically chosen port before its last state change), else 0 to read it from the socket.
 */
static __always_inline void send_event(const struct gadget_event_header *header, struct sock *sk,
				       __u16 sport, __u64 latency_ns, __s32 error)
{
	struct tcpconnect_event *event = gadget_reserve(sizeof(*event));

	if (!event)
		return;
	__builtin_memset(event, 0, sizeof(*event));
	event->header = *header;
	event->header.boot_timestamp_ns = bpf_ktime_get_boot_ns();
	event->latency_ns = latency_ns;
	event->error = error;
	gadget_tcp_connection_of_socket(&event->connection, sk);
	if (sport)
		event->connection.sport = sport;
	bpf_ringbuf_submit(event, 0);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int trace_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sock *sk = gadget_socket_of_fd(ctx->args[0]);
	struct connect_start start = {};
	__u64 key = (__u64)sk;

	if (!sk || !gadget_is_tcp_socket(sk) || !gadget_should_trace())
		return 0;
	bpf_map_update_elem(&connecting_threads, &pid_tgid, &key, BPF_ANY);
	if (calculate_latency) {
		gadget_fill_header(&start.header);
		start.start_ns = bpf_ktime_get_ns();
		/* A full table loses this connect's latency: counted like a full ring. */
		if (bpf_map_update_elem(&handshakes, &key, &start, BPF_ANY))
			gadget_count_lost();
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int trace_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 *connecting = bpf_map_lookup_elem(&connecting_threads, &pid_tgid);
	struct gadget_event_header header = {};
	long ret = ctx->ret;
	__u64 key;

	if (!connecting)
		return 0;
	key = *connecting;
	bpf_map_delete_elem(&connecting_threads, &pid_tgid);
	if (calculate_latency) {
		/* No handshake will end it: forget it now. */
		if (ret < 0 && ret != -EINPROGRESS)
			bpf_map_delete_elem(&handshakes, &key);
		return 0;
	}
	if (ret == 0 || ret == -EINPROGRESS) {
		gadget_fill_header(&header);
		send_event(&header, (struct sock *)key, 0, 0, -ret);
	}
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int trace_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct sock *sk = (struct sock *)ctx->skaddr;
	/* Read once: the verifier refuses loads at a moved context pointer. */
	int oldstate = ctx->oldstate, newstate = ctx->newstate;
	struct connect_start *start;
	__u64 key = (__u64)sk;
	__u64 latency_ns;
	__s32 error = 0;

	if (!calculate_latency || ctx->protocol != IPPROTO_TCP || oldstate != TCP_SYN_SENT)
		return 0;
	start = bpf_map_lookup_elem(&handshakes, &key);
	if (!start)
		return 0;
	latency_ns = bpf_ktime_get_ns() - start->start_ns;
	if (newstate == TCP_CLOSE)
		error = BPF_CORE_READ(sk, sk_err);
	if ((newstate == TCP_ESTABLISHED || error != 0) && latency_ns >= min_latency_ns)
		/* The tracepoint's sport is inet_sport, which outlives the port's release. */
		send_event(&start->header, sk, ctx->sport, latency_ns, error);
	bpf_map_delete_elem(&handshakes, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
