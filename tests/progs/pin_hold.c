/*
 * pin_hold: pin pages of a DAX mapping with vmsplice() and keep the pin
 * with nothing else: the mapping and the file are gone, only a pipe holds
 * page references.  Then wait for SIGTERM, read the pipe and verify it.
 *
 * usage: pin_hold FILE READY
 *   FILE   the file to map shared (created, 2 MiB, mapped 2 MiB aligned)
 *   READY  created once the pages are pinned and FILE is closed
 *
 * Exits 0 when the data read from the pipe at the end are the data that
 * were pinned, 1 if not, 2 on a setup error (EFAULT from vmsplice: no
 * DAX-GUP).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "daxgup.h"

#define LEN	(2 << 20)
#define PIN	(64 << 10)

static void on_term(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	static uint64_t buf[PIN / 8];
	struct iovec iov;
	char *map;
	int fd, p[2], ready;
	long bad;

	if (argc != 3) {
		fprintf(stderr, "usage: pin_hold FILE READY\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, LEN))
		die(argv[1]);
	map = map_aligned(fd, LEN, LEN);
	pattern_fill(map, PIN, 1);
	if (pipe(p))
		die("pipe");
	iov.iov_base = map;
	iov.iov_len = PIN;
	if (vmsplice(p[1], &iov, 1, 0) != PIN)
		die("vmsplice");
	/* drop everything but the pipe's page references */
	munmap(map, LEN);
	close(fd);
	signal(SIGTERM, on_term);
	ready = open(argv[2], O_WRONLY | O_CREAT, 0644);
	if (ready < 0)
		die(argv[2]);
	close(ready);
	pause();
	if (read(p[0], buf, PIN) != PIN)
		die("read pipe");
	bad = pattern_mismatch(buf, PIN, 1);
	if (bad >= 0) {
		printf("pin_hold: data differ at offset %ld\n", bad);
		return 1;
	}
	printf("pin_hold: the pinned data read back intact\n");
	return 0;
}
