// SPDX-License-Identifier: GPL-2.0
/*
 * tcptop: bytes sent and received per process and TCP connection, summed in the kernel; user space
 * takes the table and empties it once per interval. libbpf-tools' tcptop counts at tcp_sendmsg and
 * tcp_cleanup_rbuf through kprobes, which these kernels lack: here sock_send_length and
 * sock_recv_length count what every sendmsg and recvmsg on a socket moved (send, write, sendto,
 * recv, read and the like all end there), in the context of the process that called it.
 */
#include "gadgetflow.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define MSG_PEEK 2
#define EEXIST 17

#define TCP_MAX_ENTRIES 10240

/* One row of the table: a process's use of one connection. */
struct tcp_id {
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 pid;
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u16 padding[3];
};
GADGET_LAYOUT(tcp_id);

struct tcp_stat {
	__u64 sent;
	__u64 received;
	__u64 mount_ns_id;
	char comm[GADGET_COMM_LEN];
};
GADGET_LAYOUT(tcp_stat);

/* Only this process (0: every one); only this address family (0: both). */
const volatile __u32 target_pid = 0;
const volatile __u32 target_family = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCP_MAX_ENTRIES);
	__type(key, struct tcp_id);
	__type(value, struct tcp_stat);
} stats SEC(".maps");

/* The row of this process and connection, made when it is the first use in the interval. */
static __always_inline struct tcp_stat *row_of(struct sock *sk, __u32 pid, __u16 family)
{
	struct tcp_id id = {
		.pid = pid,
		.family = family,
		.sport = BPF_CORE_READ(sk, __sk_common.skc_num),
		.dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)),
	};
	struct tcp_stat *row;
	struct tcp_stat fresh = {};
	long err;

	/* The destination's type says how many bytes are read: 4 of an IPv4 address, 16 of IPv6. */
	if (family == AF_INET) {
		BPF_CORE_READ_INTO((__be32 *)id.saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__be32 *)id.daddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&id.saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&id.daddr, sk, __sk_common.skc_v6_daddr);
	}
	row = bpf_map_lookup_elem(&stats, &id);
	if (row)
		return row;
	fresh.mount_ns_id = gadget_current_mount_ns_id();
	bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
	/* Another CPU may have made the row meanwhile (-EEXIST): then that one counts. */
	err = bpf_map_update_elem(&stats, &id, &fresh, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		gadget_count_lost();
		return NULL;
	}
	return bpf_map_lookup_elem(&stats, &id);
}

static __always_inline int count_bytes(struct sock *sk, int bytes, bool sent)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct tcp_stat *row;
	__u16 family;

	if (bytes <= 0 || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if ((target_pid && pid != target_pid) || (target_family && family != target_family))
		return 0;
	if (!gadget_should_trace())
		return 0;
	row = row_of(sk, pid, family);
	if (!row)
		return 0;
	if (sent)
		__sync_fetch_and_add(&row->sent, bytes);
	else
		__sync_fetch_and_add(&row->received, bytes);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(trace_sock_send_length, struct sock *sk, int ret, int flags)
{
	return count_bytes(sk, ret, true);
}

/* A peek leaves the bytes in the socket: they count when they are read. */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(trace_sock_recv_length, struct sock *sk, int ret, int flags)
{
	if (flags & MSG_PEEK)
		return 0;
	return count_bytes(sk, ret, false);
}

char LICENSE[] SEC("license") = "GPL";
