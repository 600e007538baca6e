// SPDX-License-Identifier: GPL-2.0
/*
 * dns: DNS queries and responses over UDP, seen by a socket filter on a packet socket in each
 * watched network namespace (see gadgetflow_packet.h). The program finds UDP packets from or to
 * port 53 with one question, copies the start of the DNS message, and measures a response's
 * latency from its query, matched by network namespace, DNS id, client address and port and
 * server address. User space parses the message (name, type, response code, addresses).
 */
#include "gadgetflow_packet.h"

#define DNS_PORT 53
#define DNS_HEADER_BYTES 12
#define DNS_MAX_BYTES 512
#define DNS_MAX_QUERIES 16384

struct dns_event {
	struct gadget_packet_event_header packet;
	__u8 pkt_type;
	__u8 ip_version;
	__u16 sport;
	__u16 dport;
	__u16 dns_bytes;
	__u64 latency_ns;
	__u8 saddr[16];
	__u8 daddr[16];
	__u8 dns[DNS_MAX_BYTES];
};
_Static_assert(__builtin_offsetof(struct dns_event, latency_ns) == 64,
	       "user space reads latency at 64");
_Static_assert(__builtin_offsetof(struct dns_event, dns) == 104,
	       "user space reads the message at 104");
GADGET_LAYOUT(dns_event);

/* A query as the client sent it; a response has the same fields, the other way round. */
struct query_key {
	__u32 netns;
	__u16 id;
	__u16 client_port;
	__u8 client[16];
	__u8 server[16];
};

/* When the query was seen first, in which direction, and by whom it was sent. */
struct query_value {
	struct gadget_packet_event_header sender;
	__u8 pkt_type;
	__u8 has_sender;
};

/* Least recently used queries make room for new ones: a query never answered must not stay. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_MAX_QUERIES);
	__type(key, struct query_key);
	__type(value, struct query_value);
} queries SEC(".maps");

static __always_inline void remember_query(struct query_key *key, struct dns_event *event,
					   bool has_sender)
{
	struct query_value value = {};

	value.sender = event->packet;
	value.pkt_type = event->pkt_type;
	value.has_sender = has_sender;
	/* The first copy counts: on loopback a query is seen leaving, then arriving. */
	bpf_map_update_elem(&queries, key, &value,
			    event->pkt_type == GADGET_PACKET_OUTGOING ? BPF_ANY : BPF_NOEXIST);
}

/*
 * A response's latency is its time minus its query's. Its client, when the response arrives there,
 * is the query's sender. The query is forgotten once the response reached the client, or left the
 * server that received the query.
 */
static __always_inline void match_response(struct query_key *key, struct dns_event *event,
					   bool has_sender)
{
	struct query_value *query = bpf_map_lookup_elem(&queries, key);

	if (!query)
		return;
	event->latency_ns =
		event->packet.header.boot_timestamp_ns - query->sender.header.boot_timestamp_ns;
	if (!has_sender && query->has_sender && event->pkt_type == GADGET_PACKET_HOST) {
		__u64 timestamp = event->packet.header.boot_timestamp_ns;

		event->packet = query->sender;
		event->packet.header.boot_timestamp_ns = timestamp;
	}
	if (event->pkt_type == GADGET_PACKET_HOST || query->pkt_type == GADGET_PACKET_HOST)
		bpf_map_delete_elem(&queries, key);
}

SEC("socket")
int trace_dns(struct __sk_buff *skb)
{
	struct gadget_packet packet = {};
	struct query_key key = {};
	struct dns_event *event;
	__u16 ports[2];
	__u16 id_and_flags[2];
	__u16 question_count;
	__u32 dns_offset;
	__u64 dns_bytes;
	bool response;
	bool has_sender;

	if (!gadget_parse_ip(skb, &packet) || packet.protocol != GADGET_IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, packet.transport_offset, ports, sizeof(ports)))
		return 0;
	ports[0] = bpf_ntohs(ports[0]);
	ports[1] = bpf_ntohs(ports[1]);
	if (ports[0] != DNS_PORT && ports[1] != DNS_PORT)
		return 0;
	dns_offset = packet.transport_offset + 8;
	if (dns_offset + DNS_HEADER_BYTES > skb->len)
		return 0;
	if (bpf_skb_load_bytes(skb, dns_offset, id_and_flags, sizeof(id_and_flags)) ||
	    bpf_skb_load_bytes(skb, dns_offset + 4, &question_count, sizeof(question_count)))
		return 0;
	/* As Inspektor Gadget: a message about anything but one question is not a lookup. */
	if (bpf_ntohs(question_count) != 1)
		return 0;
	response = bpf_ntohs(id_and_flags[1]) & 0x8000;
	packet.netns = gadget_packet_netns(skb);

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	__builtin_memset(event, 0, sizeof(*event) - DNS_MAX_BYTES);
	has_sender = gadget_fill_packet_header(skb, packet.netns, &event->packet);
	event->pkt_type = skb->pkt_type;
	event->ip_version = packet.ip_version;
	event->sport = ports[0];
	event->dport = ports[1];
	__builtin_memcpy(event->saddr, packet.saddr, 16);
	__builtin_memcpy(event->daddr, packet.daddr, 16);

	dns_bytes = skb->len - dns_offset;
	if (dns_bytes > DNS_MAX_BYTES)
		dns_bytes = DNS_MAX_BYTES;
	/*
	 * The verifier needs the bound on the very register the helper gets, and clang may hand it
	 * an unclamped copy: the mask, a no-op here, is applied where clang cannot drop it.
	 */
	asm volatile("%[bytes] &= 0x3ff" : [bytes] "+r"(dns_bytes));
	if (dns_bytes < DNS_HEADER_BYTES ||
	    bpf_skb_load_bytes(skb, dns_offset, event->dns, dns_bytes)) {
		bpf_ringbuf_discard(event, 0);
		return 0;
	}
	event->dns_bytes = dns_bytes;

	key.netns = packet.netns;
	key.id = id_and_flags[0];
	key.client_port = response ? ports[1] : ports[0];
	__builtin_memcpy(key.client, response ? packet.daddr : packet.saddr, 16);
	__builtin_memcpy(key.server, response ? packet.saddr : packet.daddr, 16);
	if (response)
		match_response(&key, event, has_sender);
	else
		remember_query(&key, event, has_sender);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
