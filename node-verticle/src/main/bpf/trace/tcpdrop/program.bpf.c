// SPDX-License-Identifier: GPL-2.0
/*
 * tcpdrop: one event per TCP packet the kernel drops, with its reason, from the skb:kfree_skb
 * tracepoint. Frees without a drop reason (not dropped, consumed, NOT_SPECIFIED) are no drops, as
 * for Inspektor Gadget; user space names reasons from the kernel's enum skb_drop_reason.
 *
 * The connection comes from the packet's socket when it has one (the sending socket on the way
 * out, the receiving one, rx_sk, on the way in), else from the packet's IP and TCP headers
 * (e.g. a packet for a port nobody listens on: NO_SOCKET). Either way saddr and sport are this
 * host's end: a packet coming in has its destination there. The event names the socket's owner
 * (gadgetflow_socket_owners.h), or the listener's for a connection not yet accepted; packets
 * without a socket name nobody and, with a container filter, are not reported.
 */
#include "gadgetflow_socket_owners.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define UNSET_HEADER 0xffff

struct tcpdrop_event {
	struct gadget_event_header header;
	struct gadget_tcp_connection connection;
	__u32 reason;
};
GADGET_LAYOUT(tcpdrop_event);

/* The socket whose owner a packet of sk concerns: a connection being set up is its listener's. */
static __always_inline struct sock *owning_socket(struct sock *sk, __u8 state)
{
	if (state == TCP_NEW_SYN_RECV)
		return BPF_CORE_READ(sk, __sk_common.skc_listener);
	return sk;
}

/* The TCP flags byte (offset 13 of the TCP header) at skb's transport header, or 0. */
static __always_inline __u8 tcp_flags_at(unsigned char *head, __u16 transport_header)
{
	__u8 flags = 0;

	if (transport_header != UNSET_HEADER)
		bpf_probe_read_kernel(&flags, 1, head + transport_header + 13);
	return flags;
}

/*
 * Reads a TCP/IP packet's connection from its headers; false when it is no TCP packet. Offsets
 * are the wire formats': IPv4's protocol at 9 and addresses at 12 and 16, IPv6's next header at 6
 * and addresses at 8 and 24 (extension headers are not followed), TCP's ports at 0 and 2. The
 * ethertype is the tracepoint's protocol: skb->protocol in host order.
 */
static __always_inline bool connection_of_packet(struct gadget_tcp_connection *connection,
						 struct sk_buff *skb, __u16 ethertype)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 network_header = BPF_CORE_READ(skb, network_header);
	unsigned char *ip = head + network_header;
	__u8 source[16] = {}, destination[16] = {};
	__u16 ports[2], transport_header;
	__u8 first_byte = 0, next_protocol = 0;
	int address_bytes;
	bool incoming;

	if (network_header == UNSET_HEADER)
		return false;
	if (ethertype == ETH_P_IP) {
		bpf_probe_read_kernel(&first_byte, 1, ip);
		bpf_probe_read_kernel(&next_protocol, 1, ip + 9);
		bpf_probe_read_kernel(source, 4, ip + 12);
		bpf_probe_read_kernel(destination, 4, ip + 16);
		transport_header = network_header + (first_byte & 0x0f) * 4;
		connection->ip_version = 4;
		address_bytes = 4;
	} else if (ethertype == ETH_P_IPV6) {
		bpf_probe_read_kernel(&next_protocol, 1, ip + 6);
		bpf_probe_read_kernel(source, 16, ip + 8);
		bpf_probe_read_kernel(destination, 16, ip + 24);
		transport_header = network_header + 40;
		connection->ip_version = 6;
		address_bytes = 16;
	} else {
		return false;
	}
	if (next_protocol != IPPROTO_TCP)
		return false;
	if (bpf_probe_read_kernel(ports, sizeof(ports), head + transport_header))
		return false;
	connection->tcpflags = tcp_flags_at(head, transport_header);
	/* Only a received packet has the interface it came in on. */
	incoming = BPF_CORE_READ(skb, skb_iif) != 0;
	__builtin_memcpy(connection->saddr, incoming ? destination : source, 16);
	__builtin_memcpy(connection->daddr, incoming ? source : destination, 16);
	connection->sport = bpf_ntohs(ports[incoming ? 1 : 0]);
	connection->dport = bpf_ntohs(ports[incoming ? 0 : 1]);
	connection->netns_id = BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
	return address_bytes > 0;
}

SEC("tracepoint/skb/kfree_skb")
int trace_kfree_skb(struct trace_event_raw_kfree_skb *ctx)
{
	struct sk_buff *skb = ctx->skbaddr;
	struct gadget_socket_owner *owner = NULL;
	struct gadget_tcp_connection connection = {};
	struct tcpdrop_event *event;
	struct sock *sk;
	__u8 state = 0;

	if ((int)ctx->reason <=
	    bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED))
		return 0;
	sk = BPF_CORE_READ(skb, sk);
	if (!sk && bpf_core_field_exists(ctx->rx_sk))
		sk = ctx->rx_sk;
	if (sk)
		state = BPF_CORE_READ(sk, __sk_common.skc_state);
	/* Request and time-wait sockets exist only for TCP; other sockets tell their protocol. */
	if (sk && (!gadget_is_full_socket_state(state) || gadget_is_tcp_socket(sk))) {
		gadget_tcp_connection_of_socket(&connection, sk);
		connection.tcpflags = tcp_flags_at(BPF_CORE_READ(skb, head),
						   BPF_CORE_READ(skb, transport_header));
		owner = gadget_socket_owner(owning_socket(sk, state));
	} else if (!connection_of_packet(&connection, skb, ctx->protocol)) {
		return 0;
	}
	if (!gadget_selects_owner(owner))
		return 0;

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	__builtin_memset(event, 0, sizeof(*event));
	gadget_fill_header_of_owner(&event->header, owner);
	event->connection = connection;
	event->reason = ctx->reason;
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
