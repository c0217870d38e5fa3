/*
 * fault_touch: time the first touch of a shared mapping of FILE, one
 * write per 4 KiB page, and count the page faults it took.
 *
 * usage: fault_touch -a 4k|2m|any [-f] -s SIZE FILE
 *   -a 2m  map at a 2 MiB-aligned address: DAX can map 2 MiB PMDs
 *   -a 4k  map 4 KiB past a 2 MiB boundary: no 2 MiB of the file is
 *          2 MiB-aligned in memory, so every fault maps one 4 KiB PTE
 *   -a any map with no address hint, where the kernel chooses, as users do
 *   -f     fallocate FILE instead of writing it, as users do: its blocks
 *          are unwritten, and the first touch zeroes them
 *
 * Without -f, FILE is written whole first (allocated blocks, no holes or
 * unwritten extents) and synced, so the faults map blocks and zero nothing.
 * Prints "seconds <s> faults <n> major <n> pages <n> again <s>": the first
 * touch, its faults, how many of them were major (the fault zeroed), and
 * a second touch of the same pages, which takes no fault: what the TLB
 * misses alone cost.  Exits 0, or 2 on error.
 */
#include <fcntl.h>
#include <unistd.h>

#include "daxgup.h"

/* write one byte in each 4 KiB page; the seconds it took */
static double touch(volatile char *p, size_t size)
{
	size_t off;
	double t = now();

	for (off = 0; off < size; off += 4096)
		p[off] = 1;
	return now() - t;
}

int main(int argc, char **argv)
{
	static char chunk[1 << 20];
	size_t size = 0, align = 0, off;
	volatile char *p;
	char *area;
	long f0, f1, m0, m1;
	double t, t2;
	int opt, fd, falloc = 0;

	while ((opt = getopt(argc, argv, "a:fs:")) != -1) {
		switch (opt) {
		case 'a':
			align = strcmp(optarg, "any") ? parse_size(optarg) : 1;
			break;
		case 'f': falloc = 1; break;
		case 's': size = parse_size(optarg); break;
		default: goto usage;
		}
	}
	if ((align != 1 && align != 4096 && align != 2 << 20) || !size ||
	    size % (2 << 20) || optind != argc - 1)
		goto usage;

	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(argv[optind]);
	if (falloc) {
		if (fallocate(fd, 0, 0, size))
			die("fallocate");
	} else {
		memset(chunk, 0xa5, sizeof(chunk));
		for (off = 0; off < size; off += sizeof(chunk))
			if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
				die("write");
	}
	if (fsync(fd))
		die("fsync");

	if (align == 1) {
		area = NULL;
	} else {
		/* reserve 2 MiB more, then map at the boundary or 4 KiB past it */
		area = map_aligned(fd, size + (2 << 20), 2 << 20);
		if (munmap(area, size + (2 << 20)))
			die("munmap");
		area += align == 4096 ? 4096 : 0;
	}
	p = mmap(area, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | (area ? MAP_FIXED : 0), fd, 0);
	if (p == MAP_FAILED)
		die("mmap");

	f0 = faults(&m0);
	t = touch(p, size);
	f1 = faults(&m1);
	t2 = touch(p, size);
	printf("seconds %.4f faults %ld major %ld pages %zu again %.4f\n",
	       t, f1 - f0, m1 - m0, size / 4096, t2);
	return 0;
usage:
	fprintf(stderr, "usage: fault_touch -a 4k|2m|any [-f] -s SIZE FILE\n");
	return 2;
}
