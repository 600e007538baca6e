/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the TCP gadgets share: finding the socket behind a descriptor, and the connection a socket
 * or a packet belongs to, in the layout user space decodes
 * (io.gadgetflow.node.gadget.TcpConnection).
 */
#ifndef GADGETFLOW_TCP_H
#define GADGETFLOW_TCP_H

#include "gadgetflow.h"
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define SOCK_STREAM 1
#define S_IFMT 00170000
#define S_IFSOCK 0140000

/*
 * A connection, seen from its local end: saddr and sport are this host's, as Inspektor Gadget
 * reports them. Ports in host order; an IPv4 address fills the first 4 bytes of its array.
 */
struct gadget_tcp_connection {
	__u32 netns_id;
	__u8 ip_version;
	__u8 state;
	__u8 tcpflags;
	__u8 padding;
	__u16 sport;
	__u16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
};
_Static_assert(sizeof(struct gadget_tcp_connection) == 44, "user space decodes 44 bytes");

/* The socket behind one of the current task's file descriptors, or NULL (not a socket too). */
static __always_inline struct sock *gadget_socket_of_fd(long fd)
{
	struct file *file = gadget_file_of_fd(fd);
	struct socket *socket;

	if (!file)
		return NULL;
	/* Only a socket's file has a struct socket as its private data. */
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	socket = BPF_CORE_READ(file, private_data);
	if (!socket)
		return NULL;
	return BPF_CORE_READ(socket, sk);
}

/*
 * Whether sk is a full TCP/IP socket. Request and time-wait sockets have only the common part of a
 * socket, which tells their state but not their protocol: callers that may see them check the
 * state first (gadget_is_full_socket_state).
 */
static __always_inline bool gadget_is_tcp_socket(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return (family == AF_INET || family == AF_INET6) &&
	       BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP &&
	       BPF_CORE_READ(sk, sk_type) == SOCK_STREAM;
}

/* Request sockets (NEW_SYN_RECV) and time-wait sockets are not full sockets. */
static __always_inline bool gadget_is_full_socket_state(__u8 state)
{
	return state != TCP_TIME_WAIT && state != TCP_NEW_SYN_RECV;
}

/* Fills everything but tcpflags from the common part of a socket, valid for any socket kind. */
static __always_inline void
gadget_tcp_connection_of_socket(struct gadget_tcp_connection *connection, struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	connection->netns_id = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	connection->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	connection->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	connection->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET6) {
		connection->ip_version = 6;
		BPF_CORE_READ_INTO(&connection->saddr, sk,
				   __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&connection->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		connection->ip_version = 4;
		BPF_CORE_READ_INTO((__u32 *)connection->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)connection->daddr, sk, __sk_common.skc_daddr);
	}
}

#endif /* GADGETFLOW_TCP_H */
