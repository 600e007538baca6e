// SPDX-License-Identifier: GPL-2.0
/* The least a socket filter can do: keep nothing. The baseline bench/packetfilter compares with. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("socket")
int keep_nothing(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
