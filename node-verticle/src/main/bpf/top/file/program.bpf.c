// SPDX-License-Identifier: GPL-2.0
/*
 * filetop: reads and writes per thread and file, summed in the kernel; user space takes the table
 * and empties it once per interval. libbpf-tools' filetop counts at vfs_read/vfs_write entry
 * through kprobes, which these kernels lack: here the read and write system calls are seen at
 * their entry (the file behind the descriptor, from the task's file table) and exit (how many
 * bytes they moved), so only calls that succeeded count, with the bytes they really moved.
 */
#include "gadgetflow.h"

#define FILE_NAME_LEN 256
#define FILE_MAX_ENTRIES 10240
#define FILE_MAX_PENDING 10240

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000

#define FILE_OP_READ 0
#define FILE_OP_WRITE 1

#define EEXIST 17

/* One row of the table: a thread's use of one file, told apart by the device it lives on. */
struct file_id {
	__u64 inode;
	__u32 dev;
	__u32 pid;
	__u32 tid;
	__u32 padding;
};
GADGET_LAYOUT(file_id);

struct file_stat {
	__u64 reads;
	__u64 writes;
	__u64 read_bytes;
	__u64 write_bytes;
	__u64 mount_ns_id;
	__u32 pid;
	__u32 tid;
	char comm[GADGET_COMM_LEN];
	char filename[FILE_NAME_LEN];
	char type; /* R: regular file, S: socket, O: other */
	__u8 padding[7];
};
GADGET_LAYOUT(file_stat);
_Static_assert(sizeof(struct file_stat) == 328, "user space reads a 328-byte file_stat");

/* Only regular files unless the trace asks for every kind (all_files). */
const volatile bool regular_files_only = true;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILE_MAX_ENTRIES);
	__type(key, struct file_id);
	__type(value, struct file_stat);
} stats SEC(".maps");

/* The file each thread reads or writes, from entry to exit of the system call. */
struct pending_io {
	struct file *file;
	__u32 op;
	__u32 padding;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILE_MAX_PENDING);
	__type(key, __u64);
	__type(value, struct pending_io);
} pending SEC(".maps");

/* Room to build a new row: it does not fit on the BPF stack beside everything else. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_stat);
} new_row SEC(".maps");

static __always_inline struct file *file_of_descriptor(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *table = BPF_CORE_READ(task, files, fdt);
	struct file **files;
	struct file *file = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(table, max_fds))
		return NULL;
	files = BPF_CORE_READ(table, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &files[fd]);
	return file;
}

static __always_inline char file_type(umode_t mode)
{
	if ((mode & S_IFMT) == S_IFREG)
		return 'R';
	if ((mode & S_IFMT) == S_IFSOCK)
		return 'S';
	return 'O';
}

static __always_inline int remember_file(long fd, __u32 op)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_io io = { .op = op };
	struct file *file;

	if (!gadget_should_trace())
		return 0;
	file = file_of_descriptor(fd);
	if (!file)
		return 0;
	if (regular_files_only && file_type(BPF_CORE_READ(file, f_inode, i_mode)) != 'R')
		return 0;
	io.file = file;
	/* A full table loses this call: counted like a full ring. */
	if (bpf_map_update_elem(&pending, &pid_tgid, &io, BPF_ANY))
		gadget_count_lost();
	return 0;
}

/* The row of this thread and file, made when it is the first use in the interval; or NULL. */
static __always_inline struct file_stat *row_of(struct file *file, __u64 pid_tgid)
{
	struct file_id id = {
		.inode = BPF_CORE_READ(file, f_inode, i_ino),
		.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev),
		.pid = pid_tgid >> 32,
		.tid = (__u32)pid_tgid,
	};
	struct file_stat *row = bpf_map_lookup_elem(&stats, &id);
	struct qstr name;
	__u32 zero = 0;
	long err;

	if (row)
		return row;
	row = bpf_map_lookup_elem(&new_row, &zero);
	if (!row)
		return NULL;
	__builtin_memset(row, 0, sizeof(*row));
	row->pid = id.pid;
	row->tid = id.tid;
	row->mount_ns_id = gadget_current_mount_ns_id();
	row->type = file_type(BPF_CORE_READ(file, f_inode, i_mode));
	bpf_get_current_comm(row->comm, sizeof(row->comm));
	name = BPF_CORE_READ(file, f_path.dentry, d_name);
	bpf_probe_read_kernel_str(row->filename, sizeof(row->filename), name.name);
	/* Another CPU may have made the row meanwhile (-EEXIST): then that one counts. */
	err = bpf_map_update_elem(&stats, &id, row, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		gadget_count_lost();
		return NULL;
	}
	return bpf_map_lookup_elem(&stats, &id);
}

static __always_inline int count_io(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_io *io = bpf_map_lookup_elem(&pending, &pid_tgid);
	struct file_stat *row;
	struct file *file;
	__u32 op;

	if (!io)
		return 0;
	file = io->file;
	op = io->op;
	bpf_map_delete_elem(&pending, &pid_tgid);
	if (ret < 0)
		return 0;
	row = row_of(file, pid_tgid);
	if (!row)
		return 0;
	if (op == FILE_OP_READ) {
		__sync_fetch_and_add(&row->reads, 1);
		__sync_fetch_and_add(&row->read_bytes, ret);
	} else {
		__sync_fetch_and_add(&row->writes, 1);
		__sync_fetch_and_add(&row->write_bytes, ret);
	}
	return 0;
}

/* Every read and write call takes the descriptor first: one pair of programs per call. */
#define FILE_IO_SYSCALL(call, op)                                     \
	SEC("tracepoint/syscalls/sys_enter_" #call)                   \
	int trace_enter_##call(struct trace_event_raw_sys_enter *ctx) \
	{                                                             \
		return remember_file(ctx->args[0], op);               \
	}                                                             \
	SEC("tracepoint/syscalls/sys_exit_" #call)                    \
	int trace_exit_##call(struct trace_event_raw_sys_exit *ctx)   \
	{                                                             \
		return count_io(ctx->ret);                            \
	}

FILE_IO_SYSCALL(read, FILE_OP_READ)
FILE_IO_SYSCALL(readv, FILE_OP_READ)
FILE_IO_SYSCALL(pread64, FILE_OP_READ)
FILE_IO_SYSCALL(preadv, FILE_OP_READ)
FILE_IO_SYSCALL(preadv2, FILE_OP_READ)
FILE_IO_SYSCALL(write, FILE_OP_WRITE)
FILE_IO_SYSCALL(writev, FILE_OP_WRITE)
FILE_IO_SYSCALL(pwrite64, FILE_OP_WRITE)
FILE_IO_SYSCALL(pwritev, FILE_OP_WRITE)
FILE_IO_SYSCALL(pwritev2, FILE_OP_WRITE)

char LICENSE[] SEC("license") = "GPL";
