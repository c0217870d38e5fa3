/*
 * dax_hammer: keep doing I/O on a file through pread/pwrite and through a
 * shared mmap, and count what fails, while the device under it goes away.
 *
 * usage: dax_hammer FILE
 *
 * FILE must exist; its whole size is used.  Each round writes a word at a
 * page with pwrite(2) and reads it back with pread(2), then drops that
 * page from the mapping (MADV_DONTNEED) and stores and loads through it,
 * so every round takes a fresh page fault.  SIGBUS is caught and counted.
 *
 * SIGUSR1 starts the next phase (the test sends it before and after the
 * unbind: phase 0 is before, 1 during, 2 after); SIGTERM ends the run.  On exit a line per phase is printed:
 *   phase N: rounds R ok O rw_errors E (first: strerror) sigbus S
 * Exit status 0, or 2 if the file cannot be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PHASES 3

struct phase {
	unsigned long rounds, ok, rw_errors, sigbus;
	int first_errno;
};

static struct phase phases[PHASES];
static volatile sig_atomic_t phase, stop;
static sigjmp_buf fault;

static void on_usr1(int sig) { (void)sig; if (phase < PHASES - 1) phase++; }
static void on_term(int sig) { (void)sig; stop = 1; }
static void on_bus(int sig) { (void)sig; siglongjmp(fault, 1); }

static void rw_error(struct phase *p)
{
	if (!p->rw_errors++)
		p->first_errno = errno;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct stat st;
	long pg = sysconf(_SC_PAGESIZE);
	size_t pages;
	volatile size_t i = 0;
	volatile uint64_t *map;
	char *base;
	int fd, k;

	if (argc != 2) {
		fprintf(stderr, "usage: dax_hammer FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st) || st.st_size < pg) {
		fprintf(stderr, "dax_hammer: %s: %s\n", argv[1],
			fd < 0 ? strerror(errno) : "empty or unreadable");
		return 2;
	}
	pages = st.st_size / pg;
	base = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		perror("dax_hammer: mmap");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_bus;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);

	while (!stop) {
		struct phase *p = &phases[phase];
		uint64_t w = ((uint64_t)p->rounds << 16) ^ i, r = 0;
		off_t off = (off_t)i * pg;
		volatile int good = 1;

		p->rounds++;
		if (pwrite(fd, &w, sizeof(w), off) != sizeof(w)) {
			rw_error(p);
			good = 0;
		} else if (pread(fd, &r, sizeof(r), off) != sizeof(r)) {
			rw_error(p);
			good = 0;
		} else if (r != w) {
			errno = EILSEQ;		/* read back something else */
			rw_error(p);
			good = 0;
		}
		map = (volatile uint64_t *)(base + off + sizeof(w));
		madvise(base + off, pg, MADV_DONTNEED);
		if (sigsetjmp(fault, 1)) {
			p->sigbus++;
			good = 0;
		} else {
			*map = ~w;
			if (*map != ~w)
				good = 0;
		}
		p->ok += good;
		i = (i + 1) % pages;
	}

	for (k = 0; k < PHASES; k++)
		printf("phase %d: rounds %lu ok %lu rw_errors %lu (first: %s) sigbus %lu\n",
		       k, phases[k].rounds, phases[k].ok, phases[k].rw_errors,
		       phases[k].rw_errors ? strerror(phases[k].first_errno) : "none",
		       phases[k].sigbus);
	return 0;
}
