// SPDX-License-Identifier: GPL-2.0
/*
 * fsslower: reads, writes, opens and fsyncs of regular files of one filesystem type that took at
 * least a minimum time. libbpf-tools' fsslower times the filesystem's own functions with kprobes
 * or fentry, which this kernel has not; this program times the system calls instead, from their
 * entry to their exit tracepoint: read/readv/pread64/preadv/preadv2, write/writev/pwrite64/
 * pwritev/pwritev2, open/openat/openat2/creat, fsync/fdatasync. The descriptor's file is checked
 * at the entry (at the exit for an open, whose file exists only then): a regular file whose
 * superblock's type is the one asked for (file -> inode -> super_block -> file_system_type).
 */
#include "gadgetflow.h"

#define FSSLOWER_MAX_PENDING 10240
#define FSSLOWER_FS_NAME_MAX 16
#define FSSLOWER_FILE_NAME_MAX 256
#define S_IFMT 00170000
#define S_IFREG 0100000

/* fsslower_event.operation; user space prints them as R, W, O, F. */
#define FSSLOWER_OP_READ 0
#define FSSLOWER_OP_WRITE 1
#define FSSLOWER_OP_OPEN 2
#define FSSLOWER_OP_FSYNC 3

struct fsslower_event {
	struct gadget_event_header header;
	__u64 latency_us;
	__u64 bytes;
	__s64 offset;
	__u8 operation;
	__u8 padding[7];
	/* The file's name in its directory (the dentry's), as fsslower prints it. */
	char file[FSSLOWER_FILE_NAME_MAX];
};
_Static_assert(__builtin_offsetof(struct fsslower_event, file) == 72,
	       "user space reads file at 72");
GADGET_LAYOUT(fsslower_event);

struct pending_operation {
	__u64 start_ns;
	struct file *file;
	__s64 offset;
	__u8 operation;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FSSLOWER_MAX_PENDING);
	__type(key, __u64);
	__type(value, struct pending_operation);
} pending_operations SEC(".maps");

/* The type name to trace, NUL-terminated, e.g. "ext4". */
const volatile char filesystem[FSSLOWER_FS_NAME_MAX] = {};
const volatile __u64 min_latency_ns = 0;

static __always_inline bool is_traced_file(struct file *file)
{
	char name[FSSLOWER_FS_NAME_MAX] = {};
	struct inode *inode;
	int i;

	if (!file)
		return false;
	inode = BPF_CORE_READ(file, f_inode);
	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return false;
	if (bpf_probe_read_kernel_str(name, sizeof(name),
				      BPF_CORE_READ(inode, i_sb, s_type, name)) <= 0)
		return false;
	for (i = 0; i < FSSLOWER_FS_NAME_MAX; i++) {
		if (name[i] != filesystem[i])
			return false;
		if (name[i] == '\0')
			return true;
	}
	return false;
}

/* offset < 0: the file's position, where read(2) and write(2) start. */
static __always_inline int remember(long fd, __u8 operation, __s64 offset)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_operation pending = { .operation = operation, .offset = offset };

	struct file *file;

	if (!gadget_should_trace())
		return 0;
	file = gadget_file_of_fd(fd);
	if (!is_traced_file(file))
		return 0;
	pending.file = file;
	if (offset < 0)
		pending.offset = BPF_CORE_READ(file, f_pos);
	pending.start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&pending_operations, &pid_tgid, &pending, BPF_ANY);
	return 0;
}

static __always_inline int remember_open(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_operation pending = { .operation = FSSLOWER_OP_OPEN };

	if (!gadget_should_trace())
		return 0;
	pending.start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&pending_operations, &pid_tgid, &pending, BPF_ANY);
	return 0;
}

/* Failed operations are not reported: the event has no error field (as Inspektor Gadget's). */
static __always_inline int complete(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_operation *pending = bpf_map_lookup_elem(&pending_operations, &pid_tgid);
	struct fsslower_event *event;
	struct file *file;
	__u64 latency_ns;

	if (!pending)
		return 0;
	latency_ns = bpf_ktime_get_ns() - pending->start_ns;
	if (ret < 0 || latency_ns < min_latency_ns)
		goto done;
	file = pending->file;
	if (pending->operation == FSSLOWER_OP_OPEN) {
		file = gadget_file_of_fd(ret);
		if (!is_traced_file(file))
			goto done;
	}
	event = gadget_reserve(sizeof(*event));
	if (!event)
		goto done;
	gadget_fill_header(&event->header);
	event->latency_us = latency_ns / 1000;
	event->operation = pending->operation;
	event->bytes = 0;
	event->offset = 0;
	if (pending->operation == FSSLOWER_OP_READ || pending->operation == FSSLOWER_OP_WRITE) {
		event->bytes = ret;
		event->offset = pending->offset;
	}
	if (bpf_probe_read_kernel_str(event->file, sizeof(event->file),
				      BPF_CORE_READ(file, f_path.dentry, d_name.name)) <= 0)
		event->file[0] = '\0';
	bpf_ringbuf_submit(event, 0);
done:
	bpf_map_delete_elem(&pending_operations, &pid_tgid);
	return 0;
}

#define FSSLOWER_EXIT(syscall)                                         \
	SEC("tracepoint/syscalls/sys_exit_" #syscall)                  \
	int trace_exit_##syscall(struct trace_event_raw_sys_exit *ctx) \
	{                                                              \
		return complete(ctx->ret);                             \
	}

/* Reads and writes at the file's position. */
#define FSSLOWER_AT_POSITION(syscall, operation)                         \
	SEC("tracepoint/syscalls/sys_enter_" #syscall)                   \
	int trace_enter_##syscall(struct trace_event_raw_sys_enter *ctx) \
	{                                                                \
		return remember(ctx->args[0], operation, -1);            \
	}                                                                \
	FSSLOWER_EXIT(syscall)

/* Reads and writes at an offset argument; -1 (preadv2, pwritev2) means the file's position. */
#define FSSLOWER_AT_OFFSET(syscall, operation, offset_argument)                       \
	SEC("tracepoint/syscalls/sys_enter_" #syscall)                                \
	int trace_enter_##syscall(struct trace_event_raw_sys_enter *ctx)              \
	{                                                                             \
		return remember(ctx->args[0], operation, ctx->args[offset_argument]); \
	}                                                                             \
	FSSLOWER_EXIT(syscall)

#define FSSLOWER_OPEN(syscall)                                           \
	SEC("tracepoint/syscalls/sys_enter_" #syscall)                   \
	int trace_enter_##syscall(struct trace_event_raw_sys_enter *ctx) \
	{                                                                \
		return remember_open();                                  \
	}                                                                \
	FSSLOWER_EXIT(syscall)

FSSLOWER_AT_POSITION(read, FSSLOWER_OP_READ)
FSSLOWER_AT_POSITION(readv, FSSLOWER_OP_READ)
FSSLOWER_AT_OFFSET(pread64, FSSLOWER_OP_READ, 3)
FSSLOWER_AT_OFFSET(preadv, FSSLOWER_OP_READ, 3)
FSSLOWER_AT_OFFSET(preadv2, FSSLOWER_OP_READ, 3)
FSSLOWER_AT_POSITION(write, FSSLOWER_OP_WRITE)
FSSLOWER_AT_POSITION(writev, FSSLOWER_OP_WRITE)
FSSLOWER_AT_OFFSET(pwrite64, FSSLOWER_OP_WRITE, 3)
FSSLOWER_AT_OFFSET(pwritev, FSSLOWER_OP_WRITE, 3)
FSSLOWER_AT_OFFSET(pwritev2, FSSLOWER_OP_WRITE, 3)
FSSLOWER_AT_POSITION(fsync, FSSLOWER_OP_FSYNC)
FSSLOWER_AT_POSITION(fdatasync, FSSLOWER_OP_FSYNC)
FSSLOWER_OPEN(open)
FSSLOWER_OPEN(creat)
FSSLOWER_OPEN(openat)
FSSLOWER_OPEN(openat2)

char LICENSE[] SEC("license") = "GPL";
