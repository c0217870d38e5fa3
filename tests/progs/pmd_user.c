/*
 * pmd_user: what a user does with a DAX file, with no help for PMDs:
 * fallocate it, mmap it with no address hint, touch every page, then use
 * the mapping as the buffer of O_DIRECT I/O in both directions.
 *
 * usage: pmd_user [-H] -s SIZE FILE DEV
 *   FILE  created (truncated) and fallocated to SIZE, a multiple of 2 MiB;
 *         with -H sized with ftruncate instead, a hole whose blocks the
 *         write faults allocate
 *   DEV   a block device of at least 16 MiB, opened O_DIRECT
 *
 * Prints, one a line:
 *   address <addr> congruent yes|no   (to the file offset, modulo 2 MiB)
 *   touch seconds <s> faults <n>
 *   dio-write ok|<what went wrong>    (mapping -> DEV, read back)
 *   dio-read ok|<what went wrong>     (DEV -> mapping, checked in place)
 * Exits 0 if both I/Os moved the right data, 1 if not, 2 on a setup
 * error.  How the faults were mapped is for the tracepoint to say.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "daxgup.h"

#define PMD	(2UL << 20)
#define IO	(8UL << 20)

/* "ok", or what went wrong with an I/O of IO bytes */
static const char *io_result(ssize_t n)
{
	static char why[64];

	if (n == (ssize_t)IO)
		return "ok";
	if (n < 0)
		snprintf(why, sizeof(why), "failed: %s", strerror(errno));
	else
		snprintf(why, sizeof(why), "short: %zd bytes", n);
	return why;
}

int main(int argc, char **argv)
{
	size_t size = 0, off;
	const char *r;
	char *p, *buf;
	long f0;
	double t;
	int opt, fd, dev, bad = 0, hole = 0;

	while ((opt = getopt(argc, argv, "Hs:")) != -1) {
		switch (opt) {
		case 'H': hole = 1; break;
		case 's': size = parse_size(optarg); break;
		default: goto usage;
		}
	}
	if (!size || size % PMD || size < 2 * IO || optind != argc - 2)
		goto usage;

	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(argv[optind]);
	if (hole ? ftruncate(fd, size) : fallocate(fd, 0, 0, size))
		die(hole ? "ftruncate" : "fallocate");
	dev = open(argv[optind + 1], O_RDWR | O_DIRECT);
	if (dev < 0)
		die(argv[optind + 1]);
	if (posix_memalign((void **)&buf, 4096, IO))
		die("posix_memalign");

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	printf("address %p congruent %s\n", p,
	       (uintptr_t)p % PMD == 0 ? "yes" : "no");

	f0 = faults(NULL);
	t = now();
	for (off = 0; off < size; off += 4096)
		p[off] = 1;
	t = now() - t;
	printf("touch seconds %.3f faults %ld\n", t, faults(NULL) - f0);

	/* mapping -> DEV, from the middle of the file; read back to check */
	pattern_fill(p + size / 2, IO, 21);
	r = io_result(pwrite(dev, p + size / 2, IO, 0));
	if (!strcmp(r, "ok")) {
		if (pread(dev, buf, IO, 0) != (ssize_t)IO)
			die("read back");
		if (pattern_mismatch(buf, IO, 21) >= 0)
			r = "the device holds other data";
	}
	printf("dio-write %s\n", r);
	bad |= strcmp(r, "ok") != 0;

	/* DEV -> mapping, at an offset that is not 2 MiB aligned */
	pattern_fill(buf, IO, 22);
	if (pwrite(dev, buf, IO, IO) != (ssize_t)IO)
		die("write the device");
	r = io_result(pread(dev, p + size / 4 + 4096, IO, IO));
	if (!strcmp(r, "ok") && pattern_mismatch(p + size / 4 + 4096, IO, 22) >= 0)
		r = "the mapping holds other data";
	printf("dio-read %s\n", r);
	bad |= strcmp(r, "ok") != 0;
	return bad;
usage:
	fprintf(stderr, "usage: pmd_user [-H] -s SIZE FILE DEV (SIZE: 2 MiB multiple, >= 16 MiB)\n");
	return 2;
}
