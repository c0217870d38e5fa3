/*
 * hwpoison: memory-failure calls on the pages of a DAX mapping.
 *
 * usage: hwpoison FILE
 *        hwpoison verify FILE
 *
 * Writes a 2 MiB FILE (pass 1 of the pattern), maps it shared and reads
 * it, then calls madvise(MADV_SOFT_OFFLINE) on its first page and
 * madvise(MADV_HWPOISON) on its second.  Device memory has no memory
 * failure handling in this kernel: each call must fail with EOPNOTSUPP,
 * and the data must still read back.  Prints TAP lines, and a line
 * "# phys 0x..." with the physical address of the third page (from
 * /proc/self/pagemap) for the caller's test of the sysfs interface.
 * Exits 0 if all passed, 1 if not, 2 on a setup error.
 *
 * verify checks that FILE still holds what the first form wrote.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "daxgup.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif

#define FLEN	(2 << 20)

static int failed;

static void refused(const char *name, void *p, int advice)
{
	int rc = madvise(p, 4096, advice), err = errno;

	printf("%sok - %s on a DAX page fails with EOPNOTSUPP",
	       rc && err == EOPNOTSUPP ? "" : "not ", name);
	if (!(rc && err == EOPNOTSUPP))
		printf(" # returned %d (%s)", rc, rc ? strerror(err) : "ok");
	printf("\n");
	failed |= !(rc && err == EOPNOTSUPP);
}

int main(int argc, char **argv)
{
	char *buf, *p;
	uint64_t e;
	long off;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "verify")) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			die(argv[2]);
		p = mmap(NULL, FLEN, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
		off = pattern_mismatch(p, FLEN, 1);
		if (off >= 0)
			fprintf(stderr, "hwpoison: %s differs at %ld\n",
				argv[2], off);
		return off >= 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: hwpoison FILE\n       hwpoison verify FILE\n");
		return 2;
	}
	fd = pattern_file(argv[1], FLEN, &buf);
	free(buf);
	p = mmap(NULL, FLEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (pattern_mismatch(p, FLEN, 1) >= 0)
		die("the mapping does not read the file");

	refused("MADV_SOFT_OFFLINE", p, MADV_SOFT_OFFLINE);
	refused("MADV_HWPOISON", p + 4096, MADV_HWPOISON);
	off = pattern_mismatch(p, FLEN, 1);
	printf("%sok - the data read back after both\n", off < 0 ? "" : "not ");
	failed |= off >= 0;

	close(fd);
	pagemap_read(p + 2 * 4096, 1, &e);
	printf("# phys %#llx\n",
	       (unsigned long long)(e & ((1ull << 55) - 1)) * 4096);
	return failed;
}
