// SPDX-License-Identifier: GPL-2.0
/*
 * biotop: block requests per process, device and direction, with their bytes and the time they
 * took from issue to the device until completion, summed in the kernel; user space takes the table
 * and empties it once per interval. libbpf-tools' biotop learns who started a request at
 * blk_account_io_start and when it was issued at blk_mq_start_request, through kprobes, which these
 * kernels lack: here block_io_start (in the context of the process that submitted the I/O),
 * block_rq_issue and block_rq_complete tell the same. Requests started before the program was
 * attached have no starter and are not counted.
 */
#include "gadgetflow.h"
#include <bpf/bpf_tracing.h>

#define EEXIST 17
#define REQ_OP_MASK ((1 << 8) - 1)

#define BIO_MAX_ENTRIES 10240
#define BIO_MAX_IN_FLIGHT 10240

/* One row of the table: a process's reads or writes on one disk. */
struct bio_id {
	__u64 mount_ns_id;
	__u32 pid;
	__s32 major;
	__s32 minor;
	__u32 write;
	char comm[GADGET_COMM_LEN];
};
GADGET_LAYOUT(bio_id);

struct bio_stat {
	__u64 bytes;
	__u64 us;
	__u64 io;
};
GADGET_LAYOUT(bio_stat);

/* Who started each request in flight, by its address, and when it was issued (0: not yet). */
struct bio_start {
	__u64 mount_ns_id;
	__u64 issued_ns;
	__u32 pid;
	__u32 padding;
	char comm[GADGET_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIO_MAX_ENTRIES);
	__type(key, struct bio_id);
	__type(value, struct bio_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIO_MAX_IN_FLIGHT);
	__type(key, struct request *);
	__type(value, struct bio_start);
} starts SEC(".maps");

SEC("tp_btf/block_io_start")
int BPF_PROG(trace_block_io_start, struct request *rq)
{
	struct bio_start start = {};

	if (!gadget_should_trace())
		return 0;
	start.pid = bpf_get_current_pid_tgid() >> 32;
	start.mount_ns_id = gadget_current_mount_ns_id();
	bpf_get_current_comm(start.comm, sizeof(start.comm));
	/* A full table loses this request: counted like a full ring. */
	if (bpf_map_update_elem(&starts, &rq, &start, BPF_ANY))
		gadget_count_lost();
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(trace_block_rq_issue, struct request *rq)
{
	struct bio_start *start = bpf_map_lookup_elem(&starts, &rq);

	if (start)
		start->issued_ns = bpf_ktime_get_ns();
	return 0;
}

static __always_inline struct bio_stat *row_of(struct request *rq, struct bio_start *start)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);
	struct bio_id id = {
		.mount_ns_id = start->mount_ns_id,
		.pid = start->pid,
		.major = BPF_CORE_READ(disk, major),
		.minor = BPF_CORE_READ(disk, first_minor),
		.write = (BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK) == REQ_OP_WRITE,
	};
	struct bio_stat fresh = {};
	struct bio_stat *row;
	long err;

	__builtin_memcpy(id.comm, start->comm, sizeof(id.comm));
	row = bpf_map_lookup_elem(&stats, &id);
	if (row)
		return row;
	/* Another CPU may have made the row meanwhile (-EEXIST): then that one counts. */
	err = bpf_map_update_elem(&stats, &id, &fresh, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		gadget_count_lost();
		return NULL;
	}
	return bpf_map_lookup_elem(&stats, &id);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(trace_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct bio_start *start = bpf_map_lookup_elem(&starts, &rq);
	struct bio_stat *row;
	__u64 issued;

	if (!start)
		return 0;
	issued = start->issued_ns;
	row = issued ? row_of(rq, start) : NULL;
	bpf_map_delete_elem(&starts, &rq);
	if (!row)
		return 0;
	__sync_fetch_and_add(&row->io, 1);
	__sync_fetch_and_add(&row->bytes, nr_bytes);
	__sync_fetch_and_add(&row->us, (bpf_ktime_get_ns() - issued) / 1000);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
