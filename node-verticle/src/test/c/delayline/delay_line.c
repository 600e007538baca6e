// SPDX-License-Identifier: GPL-2.0
/*
 * A link between two network namespaces that delays every packet by a fixed time each way, so
 * that the round-trip time between them is known: this kernel has no netem qdisc.
 *
 *   delay_line DELAY_MS DEVICE NETNS_A NETNS_B
 *
 * Creates a TUN device named DEVICE in each of the namespaces /run/netns/NETNS_A and NETNS_B,
 * prints "ready" and then writes every packet read from one device to the other, DELAY_MS
 * milliseconds later, in order. The caller gives the devices their addresses and brings them up.
 * Ends when its standard input closes. It runs at a real-time priority when it may, so that a busy
 * machine does not hold packets back beyond their delay.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_PACKETS 4096
#define PACKET_BYTES 2048

struct packet {
	long long due_ms;
	ssize_t length;
	unsigned char bytes[PACKET_BYTES];
};

/* Packets read from one device, waiting to be written to the other. */
struct direction {
	int from;
	int to;
	struct packet *queue;
	unsigned head;
	unsigned tail;
};

static long long now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static int tun_in(const char *namespace, const char *device)
{
	char path[256];
	struct ifreq request = { 0 };
	int netns, tun;

	snprintf(path, sizeof(path), "/run/netns/%s", namespace);
	netns = open(path, O_RDONLY | O_CLOEXEC);
	if (netns < 0 || setns(netns, CLONE_NEWNET) != 0)
		fail(path);
	close(netns);
	tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (tun < 0)
		fail("/dev/net/tun");
	request.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(request.ifr_name, device, IFNAMSIZ - 1);
	if (ioctl(tun, TUNSETIFF, &request) != 0)
		fail("TUNSETIFF");
	return tun;
}

static void receive(struct direction *direction, long long delay_ms)
{
	struct packet *packet = &direction->queue[direction->tail % QUEUE_PACKETS];

	packet->length = read(direction->from, packet->bytes, PACKET_BYTES);
	if (packet->length < 0)
		fail("read");
	/* A full queue drops the packet, as a full link would. */
	if (direction->tail - direction->head == QUEUE_PACKETS)
		return;
	packet->due_ms = now_ms() + delay_ms;
	direction->tail++;
}

/* Writes the packets that are due; returns the milliseconds until the next one, or -1. */
static int send_due(struct direction *direction)
{
	while (direction->head != direction->tail) {
		struct packet *packet = &direction->queue[direction->head % QUEUE_PACKETS];
		long long wait = packet->due_ms - now_ms();

		if (wait > 0)
			return (int)wait;
		if (write(direction->to, packet->bytes, packet->length) < 0 && errno != EIO)
			fail("write");
		direction->head++;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct direction directions[2];
	long long delay_ms;
	int a, b;

	if (argc != 5) {
		fprintf(stderr, "usage: %s DELAY_MS DEVICE NETNS_A NETNS_B\n", argv[0]);
		return 2;
	}
	delay_ms = atoll(argv[1]);
	struct sched_param realtime = { .sched_priority = 10 };
	if (sched_setscheduler(0, SCHED_FIFO, &realtime) != 0)
		perror("sched_setscheduler (delays may grow with the machine's load)");
	a = tun_in(argv[3], argv[2]);
	b = tun_in(argv[4], argv[2]);
	directions[0] = (struct direction){ a, b, calloc(QUEUE_PACKETS, sizeof(struct packet)) };
	directions[1] = (struct direction){ b, a, calloc(QUEUE_PACKETS, sizeof(struct packet)) };
	if (!directions[0].queue || !directions[1].queue)
		fail("calloc");
	printf("ready\n");
	fflush(stdout);

	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = a, .events = POLLIN },
			{ .fd = b, .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		int timeout = -1;

		for (int i = 0; i < 2; i++) {
			int wait = send_due(&directions[i]);

			if (wait >= 0 && (timeout < 0 || wait < timeout))
				timeout = wait;
		}
		if (poll(fds, 3, timeout) < 0 && errno != EINTR)
			fail("poll");
		if (fds[2].revents)
			return 0;
		for (int i = 0; i < 2; i++)
			if (fds[i].revents & POLLIN)
				receive(&directions[i], delay_ms);
	}
}
