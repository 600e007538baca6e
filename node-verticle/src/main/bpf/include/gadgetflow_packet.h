/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the socket filter programs of the per-network-namespace gadgets (trace dns, trace sni)
 * share. User space attaches them to an AF_PACKET SOCK_DGRAM socket in each network namespace it
 * watches, so a packet starts at its network header whatever the link type; the program always
 * returns 0, so the socket never queues a packet.
 */
#ifndef GADGETFLOW_PACKET_H
#define GADGETFLOW_PACKET_H

#include "gadgetflow.h"
#include <bpf/bpf_endian.h>

#define GADGET_ETH_P_IP 0x0800
#define GADGET_ETH_P_IPV6 0x86DD
#define GADGET_IPPROTO_TCP 6
#define GADGET_IPPROTO_UDP 17
#define GADGET_PACKET_HOST 0
#define GADGET_PACKET_OUTGOING 4
#define GADGET_IPV4_FRAGMENT_MASK 0x3FFF
#define GADGET_IPV6_HEADER_BYTES 40

/* Where a packet's transport header is, and who sent it where. Addresses in network order. */
struct gadget_packet {
	__u32 netns;
	__u8 ip_version;
	__u8 protocol;
	__u16 transport_offset;
	__u8 saddr[16];
	__u8 daddr[16];
};

/*
 * The first bytes of every packet event: the common header (the sending process's, or zeros but
 * the time), the packet's network namespace, and the sender's thread and group ids. User space
 * decodes it once for both gadgets (io.gadgetflow.node.gadget.PacketEventHeader).
 */
struct gadget_packet_event_header {
	struct gadget_event_header header;
	__u32 netns;
	__u32 tid;
	__u32 gid;
	__u32 padding;
};
_Static_assert(sizeof(struct gadget_packet_event_header) == 56, "user space decodes 56 bytes");

/*
 * The network namespace of the device the packet goes through: the namespace of the socket the
 * program is attached to, as a packet socket only sees its own namespace's devices.
 */
static __always_inline __u32 gadget_packet_netns(struct __sk_buff *skb)
{
	struct sk_buff *kernel_skb = (struct sk_buff *)skb;

	return BPF_CORE_READ(kernel_skb, dev, nd_net.net, ns.inum);
}

/*
 * Reads the IP header (IPv4, or IPv6 without extension headers) of an unfragmented packet, or the
 * first fragment of one; false for anything else. The namespace is left to the caller, to read
 * once the packet is known to be one it reports: every packet of the namespace comes here.
 */
static __always_inline bool gadget_parse_ip(struct __sk_buff *skb, struct gadget_packet *packet)
{
	__u8 version_and_length;
	__u16 fragment;

	if (skb->protocol == bpf_htons(GADGET_ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, 0, &version_and_length, 1) ||
		    bpf_skb_load_bytes(skb, 6, &fragment, 2) ||
		    bpf_skb_load_bytes(skb, 9, &packet->protocol, 1) ||
		    bpf_skb_load_bytes(skb, 12, packet->saddr, 4) ||
		    bpf_skb_load_bytes(skb, 16, packet->daddr, 4))
			return false;
		/* A later fragment has no transport header. */
		if (bpf_ntohs(fragment) & 0x1FFF)
			return false;
		packet->ip_version = 4;
		packet->transport_offset = (version_and_length & 0x0F) * 4;
		return packet->transport_offset >= 20;
	}
	if (skb->protocol == bpf_htons(GADGET_ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, &packet->protocol, 1) ||
		    bpf_skb_load_bytes(skb, 8, packet->saddr, 16) ||
		    bpf_skb_load_bytes(skb, 24, packet->daddr, 16))
			return false;
		packet->ip_version = 6;
		packet->transport_offset = GADGET_IPV6_HEADER_BYTES;
		return true;
	}
	return false;
}

/*
 * Fills a zeroed packet event header: time, namespace, and the task that sends the packet when
 * that is known. An outgoing packet is handed to packet sockets in the context of the task that
 * sent it (the devices of containers and loopback transmit synchronously), and that task is in
 * the packet's network namespace. Anything else (a received packet, a packet transmitted later
 * from softirq on behalf of another namespace) gets no process: pid 0, mount namespace 0, empty
 * comm. Returns whether the sender is known.
 */
static __always_inline bool gadget_fill_packet_header(struct __sk_buff *skb, __u32 netns,
						      struct gadget_packet_event_header *event)
{
	struct task_struct *task;

	event->header.boot_timestamp_ns = bpf_ktime_get_boot_ns();
	event->netns = netns;
	if (skb->pkt_type != GADGET_PACKET_OUTGOING)
		return false;
	task = (struct task_struct *)bpf_get_current_task();
	if (BPF_CORE_READ(task, nsproxy, net_ns, ns.inum) != netns)
		return false;
	event->header.mount_ns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	event->header.pid = BPF_CORE_READ(task, tgid);
	event->header.uid = BPF_CORE_READ(task, cred, uid.val);
	BPF_CORE_READ_STR_INTO(&event->header.comm, task, comm);
	event->tid = BPF_CORE_READ(task, pid);
	event->gid = BPF_CORE_READ(task, cred, gid.val);
	return true;
}

#endif /* GADGETFLOW_PACKET_H */
