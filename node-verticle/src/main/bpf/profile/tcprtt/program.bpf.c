// SPDX-License-Identifier: GPL-2.0
/*
 * tcprtt: a log2 histogram, in the kernel, of TCP's smoothed round-trip time each time a segment
 * arrives on an established connection. tcp:tcp_probe fires at the start of tcp_rcv_established,
 * where libbpf-tools' and Inspektor Gadget's tcprtt attach their kprobe, and carries srtt
 * (tp->srtt_us
 * >> 3, in microseconds) and the connection's addresses. Nothing goes through the ring: user
 * space reads the histogram once, when the trace stops. The whole node: softirq context names no
 * process, so there is no container filter.
 *
 * Optional filters, all of which must match: local and remote port, local and remote address.
 * An address filter is 4 bytes (IPv4, matching IPv4 sockets and the IPv4-mapped addresses of
 * dual-stack IPv6 sockets) or 16 bytes (IPv6); 0 bytes means any.
 */
#include "gadgetflow.h"

#define AF_INET 2
#define AF_INET6 10
#define RTT_MAX_SLOTS 27

/* Where tcp_probe's sockaddr_in and sockaddr_in6 keep the address. */
#define SOCKADDR_IN_ADDRESS 4
#define SOCKADDR_IN6_ADDRESS 8

const volatile bool milliseconds = false;
const volatile __u32 local_port = 0;
const volatile __u32 remote_port = 0;
const volatile __u32 local_address_bytes = 0;
const volatile __u8 local_address[16] = {};
const volatile __u32 remote_address_bytes = 0;
const volatile __u8 remote_address[16] = {};

/* Slot n counts round-trip times of [2^n, 2^(n+1)) microseconds (or milliseconds); slot 0 also 0.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RTT_MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} rtt_slots SEC(".maps");

/*
 * Whether the address in a tcp_probe sockaddr matches a filter of wanted_bytes (0: any). An IPv6
 * socket's IPv4-mapped address (::ffff:a.b.c.d) matches as IPv4.
 */
static __always_inline bool address_matches(const __u8 *sockaddr, __u16 family,
					    const volatile __u8 *wanted, __u32 wanted_bytes)
{
	__u8 address[16] = {};
	int offset = 0;

	if (wanted_bytes == 0)
		return true;
	if (family == AF_INET) {
		bpf_probe_read_kernel(address, 4, sockaddr + SOCKADDR_IN_ADDRESS);
	} else {
		bpf_probe_read_kernel(address, 16, sockaddr + SOCKADDR_IN6_ADDRESS);
		if (wanted_bytes == 4) {
			/* Only an IPv4-mapped address, whose IPv4 part starts at byte 12, can
			 * match. */
			for (int i = 0; i < 10; i++)
				if (address[i] != 0)
					return false;
			if (address[10] != 0xff || address[11] != 0xff)
				return false;
			offset = 12;
		}
	}
	if (family == AF_INET && wanted_bytes != 4)
		return false;
	for (int i = 0; i < 16; i++) {
		if (i >= wanted_bytes)
			break;
		if (address[(offset + i) & 15] != wanted[i])
			return false;
	}
	return true;
}

SEC("tracepoint/tcp/tcp_probe")
int trace_tcp_probe(struct trace_event_raw_tcp_probe *ctx)
{
	__u16 family = ctx->family;
	__u64 *count;
	__u32 rtt, slot;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	if ((local_port && ctx->sport != local_port) || (remote_port && ctx->dport != remote_port))
		return 0;
	if (!address_matches(ctx->saddr, family, local_address, local_address_bytes) ||
	    !address_matches(ctx->daddr, family, remote_address, remote_address_bytes))
		return 0;
	rtt = ctx->srtt;
	if (milliseconds)
		rtt /= 1000;
	slot = gadget_log2_slot(rtt, RTT_MAX_SLOTS);
	count = bpf_map_lookup_elem(&rtt_slots, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
