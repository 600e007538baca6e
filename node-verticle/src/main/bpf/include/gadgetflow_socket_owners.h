/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process that owns each TCP socket, for gadgets whose tracepoints fire in softirq context
 * (a retransmission timer, a packet arriving), where the current task is whichever one the
 * interrupt landed on. Inspektor Gadget's socket enricher does the same: events name the socket's
 * owner, and the container filter applies to the owner's mount namespace.
 *
 * A socket's owner is the process that connected it, accepted it or listened on it while the
 * gadget ran, or, for sockets that existed before, a process holding a descriptor of it when the
 * gadget started (user space runs the iterator remember_socket_owners once, after attaching the
 * rest). A socket is forgotten when it closes. Including programs list gadget_owner_exit_accept
 * among their optional programs (arm64 has no accept(2)) and run the iterator at start
 * (SocketOwners in user space).
 */
#ifndef GADGETFLOW_SOCKET_OWNERS_H
#define GADGETFLOW_SOCKET_OWNERS_H

#include "gadgetflow_tcp.h"

/* Sockets beyond this many lose their least recently used owners: their events name nobody. */
#define GADGET_MAX_SOCKET_OWNERS 32768

struct gadget_socket_owner {
	__u64 mount_ns_id;
	__u32 pid;
	__u32 uid;
	char comm[GADGET_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GADGET_MAX_SOCKET_OWNERS);
	__type(key, __u64);
	__type(value, struct gadget_socket_owner);
} socket_owners SEC(".maps");

static __always_inline void gadget_remember_socket_owner(struct sock *sk, struct task_struct *task)
{
	struct gadget_socket_owner owner = {};
	__u64 key = (__u64)sk;

	if (!sk || !gadget_is_tcp_socket(sk))
		return;
	owner.mount_ns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	owner.pid = BPF_CORE_READ(task, tgid);
	owner.uid = BPF_CORE_READ(task, cred, uid.val);
	BPF_CORE_READ_STR_INTO(&owner.comm, task, comm);
	bpf_map_update_elem(&socket_owners, &key, &owner, BPF_ANY);
}

static __always_inline struct gadget_socket_owner *gadget_socket_owner(const void *sk)
{
	__u64 key = (__u64)sk;

	return bpf_map_lookup_elem(&socket_owners, &key);
}

/*
 * Whether the trace selected the owner's mount namespace (every socket when not filtering). With a
 * filter, a socket whose owner is unknown belongs to no selected container.
 */
static __always_inline bool gadget_selects_owner(const struct gadget_socket_owner *owner)
{
	if (!filter_by_mount_ns)
		return true;
	return owner && bpf_map_lookup_elem(&mount_ns_filter, &owner->mount_ns_id) != NULL;
}

/* The header of an event about the owner's socket; zeros for pid, uid and mount namespace when
 * the owner is unknown. */
static __always_inline void gadget_fill_header_of_owner(struct gadget_event_header *header,
							const struct gadget_socket_owner *owner)
{
	header->boot_timestamp_ns = bpf_ktime_get_boot_ns();
	if (!owner)
		return;
	header->mount_ns_id = owner->mount_ns_id;
	header->pid = owner->pid;
	header->uid = owner->uid;
	__builtin_memcpy(header->comm, owner->comm, sizeof(header->comm));
}

/* The socket exists before connect(2) picks its ports: its address is what later events carry. */
SEC("tracepoint/syscalls/sys_enter_connect")
int gadget_owner_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	gadget_remember_socket_owner(gadget_socket_of_fd(ctx->args[0]),
				     (struct task_struct *)bpf_get_current_task());
	return 0;
}

/* Listening sockets made while the gadget runs: drops on a full backlog name their server. */
SEC("tracepoint/syscalls/sys_enter_listen")
int gadget_owner_enter_listen(struct trace_event_raw_sys_enter *ctx)
{
	gadget_remember_socket_owner(gadget_socket_of_fd(ctx->args[0]),
				     (struct task_struct *)bpf_get_current_task());
	return 0;
}

static __always_inline int gadget_remember_accepted(long ret)
{
	if (ret >= 0)
		gadget_remember_socket_owner(gadget_socket_of_fd(ret),
					     (struct task_struct *)bpf_get_current_task());
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int gadget_owner_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return gadget_remember_accepted(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int gadget_owner_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return gadget_remember_accepted(ctx->ret);
}

/* A closed socket's memory may become another socket: forget its owner. */
SEC("tracepoint/sock/inet_sock_set_state")
int gadget_owner_forget_closed(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 key = (__u64)ctx->skaddr;

	if (ctx->protocol == IPPROTO_TCP && ctx->newstate == TCP_CLOSE)
		bpf_map_delete_elem(&socket_owners, &key);
	return 0;
}

/* Run once by user space at start: the owners of the sockets that existed before. */
SEC("iter/task_file")
int remember_socket_owners(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct socket *socket;

	if (!file || !task)
		return 0;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	socket = BPF_CORE_READ(file, private_data);
	if (socket)
		gadget_remember_socket_owner(BPF_CORE_READ(socket, sk), task);
	return 0;
}

#endif /* GADGETFLOW_SOCKET_OWNERS_H */
