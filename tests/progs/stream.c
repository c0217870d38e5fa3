/*
 * stream: O_DIRECT streaming between a block device and memory, timed,
 * with the data verified after the timed pass.
 *
 * usage: stream -m anon|dax|bounce -d read|write -b BS -s TOTAL [-f FILE] DEV
 *   anon    O_DIRECT straight into (read) or out of (write) anonymous memory
 *   dax     the same with a shared mmap of FILE (on a DAX mount) as buffer:
 *           needs get_user_pages() of DAX pages
 *   bounce  what a kernel without DAX-GUP leaves users: O_DIRECT into an
 *           anonymous BS buffer, then memcpy into the DAX mapping (read),
 *           or memcpy out of it, then O_DIRECT (write)
 *
 * The memory holds TOTAL bytes and each I/O moves BS bytes at the next
 * offset, so TOTAL of DEV is read or written once.  The mapping is faulted
 * in before the clock starts: faults are measured by fault_touch.
 * Prints "MiB/s <rate> seconds <s>" and exits 0 when the data verify,
 * 1 when they do not, 2 on a setup or I/O error.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "daxgup.h"

static void usage(void)
{
	fprintf(stderr, "usage: stream -m anon|dax|bounce -d read|write -b BS -s TOTAL [-f FILE] DEV\n");
	exit(2);
}

/* page-aligned anonymous memory, as O_DIRECT needs */
static char *anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap anonymous");
	return p;
}

/* one full-length O_DIRECT transfer, or die */
static void xfer(int fd, int wr, char *buf, size_t bs, off_t off)
{
	ssize_t n = wr ? pwrite(fd, buf, bs, off) : pread(fd, buf, bs, off);

	if (n != (ssize_t)bs)
		die(wr ? "O_DIRECT pwrite" : "O_DIRECT pread");
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *dir = NULL, *file = NULL;
	size_t bs = 0, total = 0, off, i;
	char *mem, *bounce = NULL, *chk;
	int opt, fd, dev, wr, bad = 0;
	double t;

	while ((opt = getopt(argc, argv, "m:d:b:s:f:")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'd': dir = optarg; break;
		case 'b': bs = parse_size(optarg); break;
		case 's': total = parse_size(optarg); break;
		case 'f': file = optarg; break;
		default: usage();
		}
	}
	if (!mode || !dir || !bs || !total || total % bs || bs % 4096 ||
	    optind != argc - 1)
		usage();
	if (strcmp(dir, "read") && strcmp(dir, "write"))
		usage();
	wr = !strcmp(dir, "write");
	dev = open(argv[optind], O_RDWR | O_DIRECT);
	if (dev < 0)
		die(argv[optind]);

	if (!strcmp(mode, "anon")) {
		mem = anon(total);
	} else if (!strcmp(mode, "dax") || !strcmp(mode, "bounce")) {
		if (!file)
			usage();
		fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || ftruncate(fd, total))
			die(file);
		mem = map_aligned(fd, total, 2 << 20);
		close(fd);
		if (!strcmp(mode, "bounce"))
			bounce = anon(bs);
	} else {
		usage();
	}

	/*
	 * The source holds the pattern; the destination is faulted in.  The
	 * device is written from anonymous memory: the base kernel cannot
	 * do O_DIRECT from the DAX mapping.
	 */
	chk = anon(bs);
	memset(mem, 0, total);
	if (wr) {
		pattern_fill(mem, total, 1);
	} else {
		for (off = 0; off < total; off += bs) {
			pattern_fill(chk, bs, 1 + off / bs);
			xfer(dev, 1, chk, bs, off);
		}
	}
	fsync(dev);

	t = now();
	for (off = 0; off < total; off += bs) {
		if (!bounce) {
			xfer(dev, wr, mem + off, bs, off);
		} else if (wr) {
			memcpy(bounce, mem + off, bs);
			xfer(dev, 1, bounce, bs, off);
		} else {
			xfer(dev, 0, bounce, bs, off);
			memcpy(mem + off, bounce, bs);
		}
	}
	t = now() - t;

	/* verify, untimed: what was read, or what the device now holds */
	for (off = 0, i = 0; off < total && !bad; off += bs, i++) {
		if (wr) {
			xfer(dev, 0, chk, bs, off);
			bad = memcmp(chk, mem + off, bs) != 0;
		} else {
			bad = pattern_mismatch(mem + off, bs, 1 + i) >= 0;
		}
	}
	if (bad) {
		printf("stream: %s %s: data differ in block %zu\n", mode, dir, i - 1);
		return 1;
	}
	printf("MiB/s %.1f seconds %.3f\n", total / t / (1 << 20), t);
	return 0;
}
