// SPDX-License-Identifier: GPL-2.0
/* Compiles, but the verifier must refuse it: it reads memory through a plain number. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("socket")
int read_through_scalar(struct __sk_buff *skb)
{
	return *(int *)(unsigned long)skb->len;
}

char LICENSE[] SEC("license") = "GPL";
