// SPDX-License-Identifier: GPL-2.0
/*
 * socket-collector: one record per TCP and UDP socket, IPv4 and IPv6, written by the kernel's
 * socket iterators (iter/tcp, iter/udp). An iterator walks the network namespace of the task that
 * creates its descriptor, so user space runs both once in each watched network namespace; nothing
 * goes through the ring.
 */
#include "gadgetflow.h"
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

#define COLLECT_TCP 1
#define COLLECT_UDP 2

/* Which protocols the trace's protocol parameter asks for. */
const volatile __u8 collected_protocols = COLLECT_TCP | COLLECT_UDP;

struct socket_record {
	__u32 netns;
	__u8 protocol;
	__u8 ip_version;
	__u8 state;
	__u8 padding;
	__u16 local_port;
	__u16 remote_port;
	__u32 padding2;
	__u64 inode;
	__u8 local[16];
	__u8 remote[16];
};
_Static_assert(sizeof(struct socket_record) == 56, "user space reads 56-byte records");
GADGET_LAYOUT(socket_record);

/* The inode of the socket's file, as /proc/net/tcp shows it; 0 for a socket without one. */
static __always_inline __u64 socket_inode(struct sock *sk)
{
	struct socket *socket = BPF_CORE_READ(sk, sk_socket);
	struct socket_alloc *allocated;

	if (!socket)
		return 0;
	allocated = container_of(socket, struct socket_alloc, socket);
	return BPF_CORE_READ(allocated, vfs_inode.i_ino);
}

/* Fills what every kind of socket has in its struct sock_common; false for other families. */
static __always_inline bool fill_common(struct sock_common *common, __u8 protocol,
					struct socket_record *record)
{
	__u16 family = BPF_CORE_READ(common, skc_family);

	record->netns = BPF_CORE_READ(common, skc_net.net, ns.inum);
	record->protocol = protocol;
	record->state = BPF_CORE_READ(common, skc_state);
	record->local_port = BPF_CORE_READ(common, skc_num);
	record->remote_port = bpf_ntohs(BPF_CORE_READ(common, skc_dport));
	if (family == AF_INET) {
		record->ip_version = 4;
		BPF_CORE_READ_INTO((__u32 *)record->local, common, skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)record->remote, common, skc_daddr);
		return true;
	}
	if (family == AF_INET6) {
		record->ip_version = 6;
		BPF_CORE_READ_INTO(&record->local, common, skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&record->remote, common, skc_v6_daddr.in6_u.u6_addr8);
		return true;
	}
	return false;
}

/* Listening, connected and closing sockets; those in TIME_WAIT or half-open have no inode. */
SEC("iter/tcp")
int collect_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *common = ctx->sk_common;
	struct socket_record record = {};
	struct tcp_sock *full;

	if (!(collected_protocols & COLLECT_TCP) || !common ||
	    !fill_common(common, IPPROTO_TCP, &record))
		return 0;
	full = bpf_skc_to_tcp_sock(common);
	if (full)
		record.inode = socket_inode((struct sock *)full);
	bpf_seq_write(ctx->meta->seq, &record, sizeof(record));
	return 0;
}

SEC("iter/udp")
int collect_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;
	struct socket_record record = {};

	if (!(collected_protocols & COLLECT_UDP) || !udp ||
	    !fill_common(&udp->inet.sk.__sk_common, IPPROTO_UDP, &record))
		return 0;
	record.inode = socket_inode(&udp->inet.sk);
	bpf_seq_write(ctx->meta->seq, &record, sizeof(record));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
