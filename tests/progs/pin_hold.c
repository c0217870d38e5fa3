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

#define LEN	(2 << 20)
#define PIN	(64 << 10)

static void die(const char *what)
{
	fprintf(stderr, "pin_hold: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void on_term(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	static uint64_t buf[PIN / 8];
	struct iovec iov;
	char *area, *map;
	int fd, p[2], ready;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: pin_hold FILE READY\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, LEN))
		die(argv[1]);
	area = mmap(NULL, 2 * LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap reserve");
	map = (char *)(((uintptr_t)area + LEN - 1) & ~(uintptr_t)(LEN - 1));
	map = mmap(map, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap file");
	for (i = 0; i < PIN / 8; i++)
		((uint64_t *)map)[i] = 0x9e3779b97f4a7c15ull * (i + 1);
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
	for (i = 0; i < PIN / 8; i++) {
		if (buf[i] != 0x9e3779b97f4a7c15ull * (i + 1)) {
			printf("pin_hold: data differ at offset %zu\n", i * 8);
			return 1;
		}
	}
	printf("pin_hold: the pinned data read back intact\n");
	return 0;
}
