// SPDX-License-Identifier: GPL-2.0
/*
 * tcpretrans: one event per TCP segment retransmitted, from the tcp:tcp_retransmit_skb tracepoint.
 * It fires where the retransmission happens: mostly in the retransmission timer's softirq, on
 * whichever task the interrupt landed, so the event names the socket's owner
 * (gadgetflow_socket_owners.h) rather than the current task.
 *
 * Tail loss probes that resend the last segment are retransmissions too, and reported alike
 * (Inspektor Gadget tells them apart as type LOSS from a kprobe on tcp_send_loss_probe, which this
 * kernel lacks). A retransmission refused on the way out (err != 0, e.g. by the local qdisc) never
 * left: not reported.
 */
#include "gadgetflow_socket_owners.h"

struct tcpretrans_event {
	struct gadget_event_header header;
	struct gadget_tcp_connection connection;
};
GADGET_LAYOUT(tcpretrans_event);

SEC("tracepoint/tcp/tcp_retransmit_skb")
int trace_tcp_retransmit_skb(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	struct sock *sk = (struct sock *)ctx->skaddr;
	struct sk_buff *skb = (struct sk_buff *)ctx->skbaddr;
	struct gadget_socket_owner *owner;
	struct tcpretrans_event *event;
	struct tcp_skb_cb *control;

	if (bpf_core_field_exists(ctx->err) && ctx->err != 0)
		return 0;
	if (!sk || !gadget_is_tcp_socket(sk))
		return 0;
	owner = gadget_socket_owner(sk);
	if (!gadget_selects_owner(owner))
		return 0;

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	__builtin_memset(event, 0, sizeof(*event));
	gadget_fill_header_of_owner(&event->header, owner);
	gadget_tcp_connection_of_socket(&event->connection, sk);
	/*
	 * The segment's header is built on a clone the tracepoint does not see: its flags are in
	 * the control block. The eight classic flags are its low byte (6.x widened it for AccECN).
	 */
	control = (struct tcp_skb_cb *)skb->cb;
	bpf_probe_read_kernel(&event->connection.tcpflags, 1, &control->tcp_flags);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
