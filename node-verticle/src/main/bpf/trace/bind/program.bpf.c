// SPDX-License-Identifier: GPL-2.0
/*
 * bindsnoop: one event per bind(2) of an IPv4 or IPv6 socket, with the address and port asked for,
 * the socket's protocol, options and bound device, and the result. sys_enter_bind keeps the
 * descriptor and the user's sockaddr pointer per thread; sys_exit_bind reads both. The sockaddr is
 * read at the exit because the kernel has just copied it: its pages are resident then, while a
 * BPF program at the entry, which cannot fault pages in, could find them swapped out or not yet
 * touched.
 */
#include "gadgetflow.h"
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define BIND_MAX_PENDING 10240
/* NETDEV_HASHENTRIES: the buckets of a network namespace's devices by index. */
#define DEVICE_INDEX_BUCKETS 256
/* A bucket holds the devices whose index is the same modulo 256: rarely more than one. */
#define DEVICE_INDEX_BUCKET_MAX_WALK 8

/* Bits of bind_event.options, as bcc's bindsnoop numbers them (user space prints "rRNTF"). */
#define BIND_OPTION_FREEBIND (1 << 0)
#define BIND_OPTION_TRANSPARENT (1 << 1)
#define BIND_OPTION_BIND_ADDRESS_NO_PORT (1 << 2)
#define BIND_OPTION_REUSEADDR (1 << 3)
#define BIND_OPTION_REUSEPORT (1 << 4)

struct bind_event {
	struct gadget_event_header header;
	__s32 ret;
	__u32 gid;
	__u16 port;
	__u16 protocol;
	__u8 ip_version;
	__u8 options;
	__u8 padding[2];
	/* An IPv4 address fills the first 4 bytes. */
	__u8 addr[16];
	/* The name of the device the socket is bound to (SO_BINDTODEVICE), or empty. */
	char interface[16];
};
_Static_assert(__builtin_offsetof(struct bind_event, addr) == 56, "user space reads addr at 56");
GADGET_LAYOUT(bind_event);

struct pending_bind {
	const void *sockaddr;
	__s32 fd;
	__s32 sockaddr_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIND_MAX_PENDING);
	__type(key, __u64);
	__type(value, struct pending_bind);
} pending_binds SEC(".maps");

/* 0: every process. */
const volatile __u32 only_pid = 0;
/* Only binds that succeeded. */
const volatile bool ignore_errors = true;
const volatile bool filter_by_port = false;
/* Bit p of byte p / 8 is set when port p is selected; one lookup whatever the number of ports. */
const volatile __u8 selected_ports[65536 / 8] = {};

/* The socket flags of struct inet_sock before Linux 6.6 moved them to inet_flags. */
struct inet_sock___bitfields {
	__u8 freebind : 1;
	__u8 transparent : 1;
	__u8 bind_address_no_port : 1;
} __attribute__((preserve_access_index));

static __always_inline __u8 inet_options(struct sock *sk)
{
	struct inet_sock *inet = (struct inet_sock *)sk;
	__u8 options = 0;

	if (bpf_core_field_exists(inet->inet_flags)) {
		unsigned long flags = BPF_CORE_READ(inet, inet_flags);

		/* Constants of an anonymous enum, from vmlinux.h: CO-RE cannot relocate them. */
		if (flags & (1UL << INET_FLAGS_FREEBIND))
			options |= BIND_OPTION_FREEBIND;
		if (flags & (1UL << INET_FLAGS_TRANSPARENT))
			options |= BIND_OPTION_TRANSPARENT;
		if (flags & (1UL << INET_FLAGS_BIND_ADDRESS_NO_PORT))
			options |= BIND_OPTION_BIND_ADDRESS_NO_PORT;
	} else {
		struct inet_sock___bitfields *old = (void *)sk;

		if (BPF_CORE_READ_BITFIELD_PROBED(old, freebind))
			options |= BIND_OPTION_FREEBIND;
		if (BPF_CORE_READ_BITFIELD_PROBED(old, transparent))
			options |= BIND_OPTION_TRANSPARENT;
		if (BPF_CORE_READ_BITFIELD_PROBED(old, bind_address_no_port))
			options |= BIND_OPTION_BIND_ADDRESS_NO_PORT;
	}
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuse))
		options |= BIND_OPTION_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuseport))
		options |= BIND_OPTION_REUSEPORT;
	return options;
}

/* The sock behind a descriptor when it is a socket, or NULL. */
static __always_inline struct sock *sock_of_fd(long fd)
{
	struct file *file = gadget_file_of_fd(fd);
	struct socket *socket;

	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	socket = BPF_CORE_READ(file, private_data);
	return socket ? BPF_CORE_READ(socket, sk) : NULL;
}

/* The name of device ifindex in the socket's network namespace, as if_indextoname(3) there. */
static __always_inline void read_device_name(struct sock *sk, int ifindex, char (*name)[16])
{
	struct hlist_head *buckets = BPF_CORE_READ(sk, __sk_common.skc_net.net, dev_index_head);
	struct hlist_node *node = NULL;
	struct net_device *device;
	int i;

	if (!buckets)
		return;
	bpf_probe_read_kernel(&node, sizeof(node),
			      &buckets[ifindex & (DEVICE_INDEX_BUCKETS - 1)].first);
	for (i = 0; i < DEVICE_INDEX_BUCKET_MAX_WALK && node; i++) {
		device = (void *)node - bpf_core_field_offset(struct net_device, index_hlist);
		if (BPF_CORE_READ(device, ifindex) == ifindex) {
			BPF_CORE_READ_STR_INTO(name, device, name);
			return;
		}
		node = BPF_CORE_READ(node, next);
	}
}

static __always_inline bool port_selected(__u16 port)
{
	return !filter_by_port || (selected_ports[port >> 3] & (1 << (port & 7)));
}

SEC("tracepoint/syscalls/sys_enter_bind")
int trace_enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_bind bind = {
		.fd = ctx->args[0],
		.sockaddr = (const void *)ctx->args[1],
		.sockaddr_len = ctx->args[2],
	};

	if (only_pid && (pid_tgid >> 32) != only_pid)
		return 0;
	if (!gadget_should_trace())
		return 0;
	bpf_map_update_elem(&pending_binds, &pid_tgid, &bind, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int trace_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_bind *bind = bpf_map_lookup_elem(&pending_binds, &pid_tgid);
	struct bind_event *event;
	struct sock *sk;
	__u16 family;
	__u16 sockaddr_family = 0;
	__be16 port = 0;
	int bound_dev_if;

	if (!bind)
		return 0;
	if (ignore_errors && ctx->ret != 0)
		goto done;
	sk = sock_of_fd(bind->fd);
	if (!sk)
		goto done;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		goto done;
	/* sa_family then the port: the same offsets in sockaddr_in and sockaddr_in6. */
	if (bind->sockaddr_len < 4 || bpf_probe_read_user(&sockaddr_family, 2, bind->sockaddr) ||
	    bpf_probe_read_user(&port, 2, bind->sockaddr + 2))
		goto done;
	port = bpf_ntohs(port);
	if (!port_selected(port))
		goto done;

	event = gadget_reserve(sizeof(*event));
	if (!event)
		goto done;
	__builtin_memset(event, 0, sizeof(*event));
	gadget_fill_header(&event->header);
	event->ret = ctx->ret;
	event->gid = bpf_get_current_uid_gid() >> 32;
	bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	if (bound_dev_if)
		read_device_name(sk, bound_dev_if, &event->interface);
	event->port = port;
	event->protocol = BPF_CORE_READ(sk, sk_protocol);
	event->options = inet_options(sk);
	/* An AF_INET socket may be bound with AF_UNSPEC, read as sockaddr_in (INADDR_ANY). */
	if (sockaddr_family == AF_INET6 && bind->sockaddr_len >= 24) {
		event->ip_version = 6;
		bpf_probe_read_user(event->addr, 16, bind->sockaddr + 8);
	} else {
		event->ip_version = 4;
		if (bind->sockaddr_len >= 8)
			bpf_probe_read_user(event->addr, 4, bind->sockaddr + 4);
	}
	bpf_ringbuf_submit(event, 0);
done:
	bpf_map_delete_elem(&pending_binds, &pid_tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
