// SPDX-License-Identifier: GPL-2.0
/*
 * mountsnoop: one event per mount(2) and umount2(2), and per call of the mount API that mounts
 * without them: fsopen, fsconfig, fsmount, move_mount, open_tree, open_tree_attr, mount_setattr
 * and fspick. The entry of each system call keeps its arguments per thread; the exit reads the
 * strings they point to (the kernel has just copied them, so their pages are resident), measures
 * the latency and sends the event with the result.
 *
 * Where a call names no path but a descriptor (fsconfig's filesystem context, an empty path with
 * AT_EMPTY_PATH as move_mount takes the result of fsmount), the event says what the descriptor
 * refers to: the context's filesystem type, or the mount's device name and type; fsmount,
 * open_tree and fspick likewise say what the descriptor they return refers to. So the mount that
 * fsopen + fsconfig + fsmount + move_mount makes is seen with its source, type and target, as
 * mount(2) would show it.
 */
#include "gadgetflow.h"

#define MOUNT_MAX_PENDING 10240

/* The room of each string, in this order, in mount_event.strings. */
#define MOUNT_SOURCE_MAX 4096
#define MOUNT_TARGET_MAX 4096
#define MOUNT_FS_MAX 64
#define MOUNT_DATA_MAX 512
#define MOUNT_STRINGS_BYTES (MOUNT_SOURCE_MAX + MOUNT_TARGET_MAX + MOUNT_FS_MAX + MOUNT_DATA_MAX)
/* fsconfig's "key=value" shares the data room half and half. */
#define MOUNT_CONFIG_PART_MAX (MOUNT_DATA_MAX / 2)

/* mount_event.operation; user space names them in this order. */
#define MOUNT_OP_MOUNT 0
#define MOUNT_OP_UMOUNT 1
#define MOUNT_OP_FSOPEN 2
#define MOUNT_OP_FSCONFIG 3
#define MOUNT_OP_FSMOUNT 4
#define MOUNT_OP_MOVE_MOUNT 5
#define MOUNT_OP_OPEN_TREE 6
#define MOUNT_OP_OPEN_TREE_ATTR 7
#define MOUNT_OP_MOUNT_SETATTR 8
#define MOUNT_OP_FSPICK 9

/* include/uapi/linux/mount.h */
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_SET_PATH 3
#define FSCONFIG_SET_PATH_EMPTY 4
#define MOUNT_ATTR_SIZE_VER0 32

struct mount_event {
	struct gadget_event_header header;
	__u64 latency_ns;
	/* The call's flags argument; fsconfig's command. */
	__u64 flags;
	/* mount_setattr's and open_tree_attr's struct mount_attr; fsmount's attr_flags in attr_set.
	 */
	__u64 attr_set;
	__u64 attr_clear;
	__u64 propagation;
	__s32 ret;
	__u32 tid;
	__u8 operation;
	__u8 padding[3];
	/* source, target, fs and data, each NUL-terminated (empty when the call has none). */
	__u32 strings_size;
	char strings[MOUNT_STRINGS_BYTES];
};
_Static_assert(__builtin_offsetof(struct mount_event, strings) == 96,
	       "user space reads strings at 96");
GADGET_LAYOUT(mount_event);

struct pending_mount {
	__u64 start_ns;
	__u64 flags;
	const char *source;
	const char *target;
	const char *fs;
	const char *data;
	const void *attr;
	__u64 attr_size;
	/* The descriptor the call works on: a filesystem context, or the dfd of an empty path. */
	__s32 fd;
	/* fsmount's attr_flags. */
	__u32 attr_flags;
	__u8 operation;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MOUNT_MAX_PENDING);
	__type(key, __u64);
	__type(value, struct pending_mount);
} pending_mounts SEC(".maps");

/* Too big for the BPF stack: each CPU builds its event here, then copies it into the ring. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mount_event);
} scratch SEC(".maps");

static __always_inline int remember(struct pending_mount *call)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!gadget_should_trace())
		return 0;
	call->start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&pending_mounts, &pid_tgid, call, BPF_ANY);
	return 0;
}

/*
 * Appends a string of at most max bytes (a constant) at strings[size], or an empty one when it
 * cannot be read; returns the new size. The bound check lets the verifier prove the write fits.
 */
static __always_inline __u32 append(char *strings, __u32 size, __u32 max, const void *string,
				    bool user)
{
	long len = 0;

	if (size > MOUNT_STRINGS_BYTES - max)
		return size;
	if (string)
		len = user ? bpf_probe_read_user_str(&strings[size], max, string)
			   : bpf_probe_read_kernel_str(&strings[size], max, string);
	if (len <= 0) {
		strings[size] = '\0';
		len = 1;
	}
	return size + len;
}

static __always_inline struct vfsmount *mount_of_fd(long fd)
{
	struct file *file = gadget_file_of_fd(fd);

	return file ? BPF_CORE_READ(file, f_path.mnt) : NULL;
}

/* The device name of a mount, as /proc/self/mountinfo shows it (struct mount holds it). */
static __always_inline const char *device_name(struct vfsmount *vfsmount)
{
	struct mount *mount = (void *)vfsmount - bpf_core_field_offset(struct mount, mnt);

	return vfsmount ? BPF_CORE_READ(mount, mnt_devname) : NULL;
}

static __always_inline const char *fs_type_name(struct vfsmount *vfsmount)
{
	return vfsmount ? BPF_CORE_READ(vfsmount, mnt_sb, s_type, name) : NULL;
}

/* Whether a user string is empty (or unreadable): the call then names its descriptor instead. */
static __always_inline bool is_empty(const char *user_string)
{
	char first = '\0';

	return !user_string || bpf_probe_read_user(&first, 1, user_string) || first == '\0';
}

/*
 * source, target, fs and data of an event. A filesystem context (fsconfig, fsmount) is read only
 * when the call succeeded, since only then is the descriptor known to be one.
 */
static __always_inline __u32 fill_strings(char *s, struct pending_mount *call, long ret)
{
	const void *source = call->source;
	const void *fs = call->fs;
	bool source_user = true;
	bool fs_user = true;
	struct fs_context *context;
	struct vfsmount *mount;
	struct file *file;
	__u32 size;

	switch (call->operation) {
	case MOUNT_OP_FSCONFIG:
		file = ret >= 0 ? gadget_file_of_fd(call->fd) : NULL;
		context = file ? BPF_CORE_READ(file, private_data) : NULL;
		fs = context ? BPF_CORE_READ(context, fs_type, name) : NULL;
		fs_user = false;
		break;
	case MOUNT_OP_FSMOUNT:
		/* The new mount took the context's source: read both from the mount it returns. */
		mount = ret >= 0 ? mount_of_fd(ret) : NULL;
		source = device_name(mount);
		fs = fs_type_name(mount);
		source_user = false;
		fs_user = false;
		break;
	case MOUNT_OP_MOVE_MOUNT:
	case MOUNT_OP_OPEN_TREE:
	case MOUNT_OP_OPEN_TREE_ATTR:
	case MOUNT_OP_MOUNT_SETATTR:
	case MOUNT_OP_FSPICK:
		/* mount_setattr and fspick name their mount by target, the others by source. */
		if (is_empty(call->source ? call->source : call->target)) {
			mount = mount_of_fd(call->fd);
			source = device_name(mount);
			fs = fs_type_name(mount);
			source_user = false;
			fs_user = false;
		} else if (ret >= 0 && call->operation == MOUNT_OP_FSPICK) {
			/* The filesystem context it returns, of the superblock at the path. */
			file = gadget_file_of_fd(ret);
			context = file ? BPF_CORE_READ(file, private_data) : NULL;
			fs = context ? BPF_CORE_READ(context, fs_type, name) : NULL;
			fs_user = false;
		} else if (ret >= 0 && (call->operation == MOUNT_OP_OPEN_TREE ||
					call->operation == MOUNT_OP_OPEN_TREE_ATTR)) {
			/* The descriptor it returns, of the mount at the path (or its clone). */
			fs = fs_type_name(mount_of_fd(ret));
			fs_user = false;
		}
		break;
	}

	size = append(s, 0, MOUNT_SOURCE_MAX, source, source_user);
	size = append(s, size, MOUNT_TARGET_MAX, call->target, true);
	size = append(s, size, MOUNT_FS_MAX, fs, fs_user);
	if (call->operation != MOUNT_OP_FSCONFIG)
		return append(s, size, MOUNT_DATA_MAX, call->data, true);

	/* fsconfig: data is "key" or "key=value"; the value is a string or a path. */
	size = append(s, size, MOUNT_CONFIG_PART_MAX, call->data, true);
	if ((call->flags == FSCONFIG_SET_STRING || call->flags == FSCONFIG_SET_PATH ||
	     call->flags == FSCONFIG_SET_PATH_EMPTY) &&
	    call->attr && size >= 2 && size <= MOUNT_STRINGS_BYTES - MOUNT_CONFIG_PART_MAX &&
	    s[size - 2] != '\0') {
		/* The key's NUL becomes the '=' the value follows. */
		s[size - 1] = '=';
		size = append(s, size, MOUNT_CONFIG_PART_MAX, call->attr, true);
	}
	return size;
}

static __always_inline void read_mount_attr(struct mount_event *event, struct pending_mount *call)
{
	__u64 attr[3] = {};

	if (call->operation == MOUNT_OP_FSMOUNT) {
		event->attr_set = call->attr_flags;
		return;
	}
	if ((call->operation != MOUNT_OP_MOUNT_SETATTR &&
	     call->operation != MOUNT_OP_OPEN_TREE_ATTR) ||
	    !call->attr || call->attr_size < MOUNT_ATTR_SIZE_VER0)
		return;
	/* attr_set, attr_clr, propagation: the first members of struct mount_attr. */
	if (bpf_probe_read_user(attr, sizeof(attr), call->attr))
		return;
	event->attr_set = attr[0];
	event->attr_clear = attr[1];
	event->propagation = attr[2];
}

static __always_inline int complete(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_mount *call = bpf_map_lookup_elem(&pending_mounts, &pid_tgid);
	struct mount_event *event;
	__u32 zero = 0;
	__u32 size;

	if (!call)
		return 0;
	event = bpf_map_lookup_elem(&scratch, &zero);
	if (!event)
		goto done;
	gadget_fill_header(&event->header);
	event->latency_ns = bpf_ktime_get_ns() - call->start_ns;
	event->flags = call->flags;
	event->attr_set = 0;
	event->attr_clear = 0;
	event->propagation = 0;
	read_mount_attr(event, call);
	event->ret = ret;
	event->tid = (__u32)pid_tgid;
	event->operation = call->operation;
	size = fill_strings(event->strings, call, ret);
	if (size > MOUNT_STRINGS_BYTES)
		size = MOUNT_STRINGS_BYTES;
	event->strings_size = size;
	gadget_output(event, __builtin_offsetof(struct mount_event, strings) + size);
done:
	bpf_map_delete_elem(&pending_mounts, &pid_tgid);
	return 0;
}

/* Every exit completes the call its entry kept. */
#define MOUNT_EXIT(syscall)                                            \
	SEC("tracepoint/syscalls/sys_exit_" #syscall)                  \
	int trace_exit_##syscall(struct trace_event_raw_sys_exit *ctx) \
	{                                                              \
		return complete(ctx->ret);                             \
	}

SEC("tracepoint/syscalls/sys_enter_mount")
int trace_enter_mount(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_MOUNT,
		.source = (const char *)ctx->args[0],
		.target = (const char *)ctx->args[1],
		.fs = (const char *)ctx->args[2],
		.flags = ctx->args[3],
		.data = (const char *)ctx->args[4],
	};
	return remember(&call);
}

MOUNT_EXIT(mount)

/* umount2(2); the system call's tracepoint is named after the kernel's function, umount. */
SEC("tracepoint/syscalls/sys_enter_umount")
int trace_enter_umount(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_UMOUNT,
		.target = (const char *)ctx->args[0],
		.flags = ctx->args[1],
	};
	return remember(&call);
}

MOUNT_EXIT(umount)

SEC("tracepoint/syscalls/sys_enter_fsopen")
int trace_enter_fsopen(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_FSOPEN,
		.fs = (const char *)ctx->args[0],
		.flags = ctx->args[1],
	};
	return remember(&call);
}

MOUNT_EXIT(fsopen)

/* fsconfig(fd, cmd, key, value, aux): the value pointer rides in attr. */
SEC("tracepoint/syscalls/sys_enter_fsconfig")
int trace_enter_fsconfig(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_FSCONFIG,
		.fd = ctx->args[0],
		.flags = ctx->args[1],
		.data = (const char *)ctx->args[2],
		.attr = (const void *)ctx->args[3],
	};
	return remember(&call);
}

MOUNT_EXIT(fsconfig)

SEC("tracepoint/syscalls/sys_enter_fsmount")
int trace_enter_fsmount(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_FSMOUNT,
		.fd = ctx->args[0],
		.flags = ctx->args[1],
		.attr_flags = ctx->args[2],
	};
	return remember(&call);
}

MOUNT_EXIT(fsmount)

SEC("tracepoint/syscalls/sys_enter_move_mount")
int trace_enter_move_mount(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_MOVE_MOUNT,
		.fd = ctx->args[0],
		.source = (const char *)ctx->args[1],
		.target = (const char *)ctx->args[3],
		.flags = ctx->args[4],
	};
	return remember(&call);
}

MOUNT_EXIT(move_mount)

SEC("tracepoint/syscalls/sys_enter_open_tree")
int trace_enter_open_tree(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_OPEN_TREE,
		.fd = ctx->args[0],
		.source = (const char *)ctx->args[1],
		.flags = ctx->args[2],
	};
	return remember(&call);
}

MOUNT_EXIT(open_tree)

SEC("tracepoint/syscalls/sys_enter_open_tree_attr")
int trace_enter_open_tree_attr(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_OPEN_TREE_ATTR,
		.fd = ctx->args[0],
		.source = (const char *)ctx->args[1],
		.flags = ctx->args[2],
		.attr = (const void *)ctx->args[3],
		.attr_size = ctx->args[4],
	};
	return remember(&call);
}

MOUNT_EXIT(open_tree_attr)

SEC("tracepoint/syscalls/sys_enter_mount_setattr")
int trace_enter_mount_setattr(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_MOUNT_SETATTR,
		.fd = ctx->args[0],
		.target = (const char *)ctx->args[1],
		.flags = ctx->args[2],
		.attr = (const void *)ctx->args[3],
		.attr_size = ctx->args[4],
	};
	return remember(&call);
}

MOUNT_EXIT(mount_setattr)

SEC("tracepoint/syscalls/sys_enter_fspick")
int trace_enter_fspick(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_mount call = {
		.operation = MOUNT_OP_FSPICK,
		.fd = ctx->args[0],
		.target = (const char *)ctx->args[1],
		.flags = ctx->args[2],
	};
	return remember(&call);
}

MOUNT_EXIT(fspick)

char LICENSE[] SEC("license") = "GPL";
