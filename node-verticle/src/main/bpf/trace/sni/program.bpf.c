// SPDX-License-Identifier: GPL-2.0
/*
 * sni: the server name a TLS client asks for, read from the server_name extension of its
 * ClientHello, seen by a socket filter on a packet socket in each watched network namespace (see
 * gadgetflow_packet.h), over IPv4 and IPv6. Only a ClientHello that starts a TCP segment is read
 * (the kernel hands an outgoing message to packet sockets before segmenting it, so a hello written
 * at once is whole). On loopback a packet is seen leaving and arriving in the same namespace: only
 * its leaving counts.
 */
#include "gadgetflow_packet.h"

#define SNI_NAME_BYTES 256
#define SNI_MAX_EXTENSIONS 64
#define LOOPBACK_IFINDEX 1

#define TLS_CONTENT_HANDSHAKE 0x16
#define TLS_HANDSHAKE_CLIENT_HELLO 0x01
#define TLS_EXTENSION_SERVER_NAME 0
#define TLS_SERVER_NAME_HOST 0

/* Record header (5), handshake type and length (4), client version (2), random (32). */
#define TLS_SESSION_ID_OFFSET 43

struct sni_event {
	struct gadget_packet_event_header packet;
	char name[SNI_NAME_BYTES];
};
_Static_assert(__builtin_offsetof(struct sni_event, name) == 56, "user space reads the name at 56");
GADGET_LAYOUT(sni_event);

static __always_inline int load_u8(struct __sk_buff *skb, __u32 offset, __u8 *value)
{
	return bpf_skb_load_bytes(skb, offset, value, 1);
}

static __always_inline int load_u16(struct __sk_buff *skb, __u32 offset, __u16 *value)
{
	int failed = bpf_skb_load_bytes(skb, offset, value, 2);

	*value = bpf_ntohs(*value);
	return failed;
}

/* Where the TLS payload of a TCP segment starts, or 0 when it has none. */
static __always_inline __u32 tcp_payload_offset(struct __sk_buff *skb, struct gadget_packet *packet)
{
	__u8 data_offset;

	if (load_u8(skb, packet->transport_offset + 12, &data_offset))
		return 0;
	return packet->transport_offset + (data_offset >> 4) * 4;
}

/*
 * The offset of the host name in the ClientHello at {@code tls} and its length in {@code length},
 * or 0 when the payload is no ClientHello or names no host.
 */
static __always_inline __u32 find_server_name(struct __sk_buff *skb, __u32 tls, __u16 *length)
{
	__u8 content_type, handshake_type, session_id_bytes, compression_bytes, name_type;
	__u16 cipher_suite_bytes, extensions_bytes, type, extension_bytes;
	__u32 offset, end;
	int i;

	if (load_u8(skb, tls, &content_type) || content_type != TLS_CONTENT_HANDSHAKE ||
	    load_u8(skb, tls + 5, &handshake_type) ||
	    handshake_type != TLS_HANDSHAKE_CLIENT_HELLO ||
	    load_u8(skb, tls + TLS_SESSION_ID_OFFSET, &session_id_bytes))
		return 0;
	offset = tls + TLS_SESSION_ID_OFFSET + 1 + session_id_bytes;
	if (load_u16(skb, offset, &cipher_suite_bytes))
		return 0;
	offset += 2 + cipher_suite_bytes;
	if (load_u8(skb, offset, &compression_bytes))
		return 0;
	offset += 1 + compression_bytes;
	if (load_u16(skb, offset, &extensions_bytes))
		return 0;
	offset += 2;
	end = offset + extensions_bytes;
	for (i = 0; i < SNI_MAX_EXTENSIONS && offset + 4 <= end; i++) {
		if (load_u16(skb, offset, &type) || load_u16(skb, offset + 2, &extension_bytes))
			return 0;
		if (type == TLS_EXTENSION_SERVER_NAME) {
			/* The list's length (2), the first name's type (1) and length (2). */
			if (load_u8(skb, offset + 6, &name_type) ||
			    name_type != TLS_SERVER_NAME_HOST || load_u16(skb, offset + 7, length))
				return 0;
			return offset + 9;
		}
		offset += 4 + extension_bytes;
	}
	return 0;
}

SEC("socket")
int trace_sni(struct __sk_buff *skb)
{
	struct gadget_packet packet = {};
	struct sni_event *event;
	__u16 name_length;
	__u64 name_bytes;
	__u32 name_offset;
	__u32 tls;

	/* The copy of a loopback packet arriving: its leaving was the one reported. */
	if (skb->pkt_type == GADGET_PACKET_HOST && skb->ifindex == LOOPBACK_IFINDEX)
		return 0;
	if (!gadget_parse_ip(skb, &packet) || packet.protocol != GADGET_IPPROTO_TCP)
		return 0;
	tls = tcp_payload_offset(skb, &packet);
	if (!tls || tls >= skb->len)
		return 0;
	name_offset = find_server_name(skb, tls, &name_length);
	if (!name_offset || name_length == 0)
		return 0;
	packet.netns = gadget_packet_netns(skb);

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	__builtin_memset(event, 0, sizeof(*event));
	gadget_fill_packet_header(skb, packet.netns, &event->packet);
	name_bytes = name_length < SNI_NAME_BYTES - 1 ? name_length : SNI_NAME_BYTES - 1;
	/* See the same mask in trace/dns: the verifier needs the bound on the helper's register. */
	asm volatile("%[bytes] &= 0xff" : [bytes] "+r"(name_bytes));
	if (name_bytes == 0 || bpf_skb_load_bytes(skb, name_offset, event->name, name_bytes)) {
		bpf_ringbuf_discard(event, 0);
		return 0;
	}
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
