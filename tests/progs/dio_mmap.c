/*
 * dio_mmap: O_DIRECT I/O between a block device and a shared mmap of a
 * file: the operation DAX-GUP exists for.  On a DAX mount the kernel must
 * pin the file's pages with get_user_pages(); without DAX-GUP that fails
 * with EFAULT.
 *
 * usage: dio_mmap [-s SIZE] [-a ALIGN] [-o read|write] [-e ok|efault] FILE DEV
 *   FILE  the file to map (created, sized to max(SIZE, ALIGN))
 *   DEV   a block device or file, opened O_DIRECT
 *   -s    bytes per I/O (default 64k); suffixes k, m
 *   -a    alignment of the mapping's address and of its file offset
 *         (default 4k; 2m lets a DAX fault map a PMD)
 *   -o    read:  DEV -> mapping (the kernel stores into the DAX pages)
 *         write: mapping -> DEV (the kernel loads from them)
 *   -e    the result expected: ok (data verified both ways) or efault
 *         (the I/O fails with EFAULT and transfers nothing)
 *
 * Prints one line saying what happened; exits 0 if it was the expected
 * result, 1 if not, 2 on a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daxgup.h"

int main(int argc, char **argv)
{
	size_t size = 64 << 10, align = 4 << 10, flen;
	const char *op = "read", *expect = "ok";
	int opt, fd, dev, want_ok, err;
	char *map, *buf;
	ssize_t ret;
	long bad;

	while ((opt = getopt(argc, argv, "s:a:o:e:")) != -1) {
		switch (opt) {
		case 's': size = parse_size(optarg); break;
		case 'a': align = parse_size(optarg); break;
		case 'o': op = optarg; break;
		case 'e': expect = optarg; break;
		default: goto usage;
		}
	}
	if (argc - optind != 2 || (strcmp(op, "read") && strcmp(op, "write")) ||
	    (strcmp(expect, "ok") && strcmp(expect, "efault")) ||
	    !size || size % 4096 || !align || align & (align - 1) || align < 4096)
		goto usage;
	want_ok = !strcmp(expect, "ok");

	fd = open(argv[optind], O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		die(argv[optind]);
	flen = size > align ? size : align;
	if (ftruncate(fd, flen))
		die("ftruncate");
	dev = open(argv[optind + 1], O_RDWR | O_DIRECT);
	if (dev < 0)
		die(argv[optind + 1]);
	if (posix_memalign((void **)&buf, 4096, size))
		die("posix_memalign");

	map = map_aligned(fd, flen, align);

	if (!strcmp(op, "read")) {
		/* DEV holds pass 1; the mapping holds pass 2 (and is faulted in). */
		pattern_fill(buf, size, 1);
		if (pwrite(dev, buf, size, 0) != (ssize_t)size)
			die("pwrite (setup)");
		pattern_fill(map, size, 2);
		ret = pread(dev, map, size, 0);
	} else {
		pattern_fill(map, size, 3);
		ret = pwrite(dev, map, size, 0);
	}
	err = errno;

	printf("dio_mmap: O_DIRECT %s of %zu bytes %s a %zuk-aligned mapping: ",
	       op, size, !strcmp(op, "read") ? "into" : "from", align >> 10);
	if (ret < 0) {
		printf("%s\n", strerror(err));
		if (!want_ok && err == EFAULT)
			return 0;
		return 1;
	}
	if ((size_t)ret != size) {
		printf("short transfer, %zd bytes\n", ret);
		return 1;
	}
	if (!strcmp(op, "read")) {
		bad = pattern_mismatch(map, size, 1);
		if (bad < 0) {	/* and through read(2), not the mapping */
			if (pread(fd, buf, size, 0) != (ssize_t)size)
				die("pread file");
			bad = pattern_mismatch(buf, size, 1);
		}
	} else {
		memset(buf, 0, size);
		if (pread(dev, buf, size, 0) != (ssize_t)size)
			die("pread dev");
		bad = pattern_mismatch(buf, size, 3);
	}
	if (bad >= 0) {
		printf("transferred, but the data differ at offset %ld\n", bad);
		return 1;
	}
	printf("ok, data verified\n");
	return want_ok ? 0 : 1;
usage:
	fprintf(stderr, "usage: dio_mmap [-s SIZE] [-a ALIGN] [-o read|write] [-e ok|efault] FILE DEV\n");
	return 2;
}
