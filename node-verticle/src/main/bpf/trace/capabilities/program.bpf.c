// SPDX-License-Identifier: GPL-2.0
/*
 * capabilities: one event per capability check of a process, with its verdict. Linux 6.14 added
 * the tracepoint capability:cap_capable, at the end of cap_capable() (security/commoncap.c), with
 * the credentials checked, the user namespaces, the capability and the result; libbpf-tools'
 * capable and Inspektor Gadget need a kprobe on that function instead. What the tracepoint lacks
 * is the check's options (CAP_OPT_NOAUDIT, CAP_OPT_INSETID), so the gadget cannot tell audited
 * checks from the others.
 *
 * Like Inspektor Gadget, only checks of the process's own credentials are reported: a kernel path
 * that overrides them (overlayfs copying up with the mounter's) or checks another task's is not the
 * process asking. The system call is read from the task's saved registers.
 */
#include "gadgetflow.h"

#define CAPABILITIES_MAX_SEEN 10240
#define PF_KTHREAD 0x00200000

struct capabilities_event {
	struct gadget_event_header header;
	__u64 target_user_ns;
	__u64 current_user_ns;
	__u64 effective;
	__s32 capability;
	__s32 ret;
	__u32 gid;
	/* -1 outside a system call (a kernel thread). */
	__s32 syscall;
};
_Static_assert(__builtin_offsetof(struct capabilities_event, syscall) == 76,
	       "user space reads syscall at 76");
GADGET_LAYOUT(capabilities_event);

struct seen_key {
	__u64 mount_ns_id;
	__s32 capability;
	__u32 padding;
};

/* With unique: the capabilities already reported for each mount namespace (container). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CAPABILITIES_MAX_SEEN);
	__type(key, struct seen_key);
	__type(value, __u8);
} seen SEC(".maps");

const volatile bool unique = false;

static __always_inline __s32 current_syscall(struct task_struct *task)
{
	struct pt_regs *regs;

	if (BPF_CORE_READ(task, flags) & PF_KTHREAD)
		return -1;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
#error "capabilities reads the system call number of x86-64 and arm64 only"
#endif
}

SEC("tracepoint/capability/cap_capable")
int trace_cap_capable(struct trace_event_raw_cap_capable *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = ctx->cred;
	struct capabilities_event *event;
	struct seen_key key = {};

	if (cred != BPF_CORE_READ(task, real_cred) || !gadget_should_trace())
		return 0;
	if (unique) {
		key.mount_ns_id = gadget_current_mount_ns_id();
		key.capability = ctx->cap;
		if (bpf_map_lookup_elem(&seen, &key))
			return 0;
		bpf_map_update_elem(&seen, &key, &key.padding, BPF_ANY);
	}

	event = gadget_reserve(sizeof(*event));
	if (!event)
		return 0;
	gadget_fill_header(&event->header);
	event->target_user_ns = BPF_CORE_READ(ctx->target_ns, ns.inum);
	event->current_user_ns = BPF_CORE_READ(cred, user_ns, ns.inum);
	event->effective = BPF_CORE_READ(cred, cap_effective.val);
	event->capability = ctx->cap;
	event->ret = ctx->ret;
	event->gid = bpf_get_current_uid_gid() >> 32;
	event->syscall = current_syscall(task);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
