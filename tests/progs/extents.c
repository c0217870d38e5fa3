/*
 * extents: FILE's extents (FIEMAP), and how many of them a 2 MiB PMD can
 * map: where the file offset and the device offset agree modulo 2 MiB.
 *
 * usage: extents [-v] FILE
 * Prints "extents <n> congruent <n> bytes-congruent <n> of <n>", and with
 * -v one line per extent: logical, physical and length in KiB, flags.
 * The physical offset is the filesystem's, from the start of its block
 * device.  Exits 0, or 2 on error.
 */
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "daxgup.h"

#define PMD	(2ULL << 20)
#define BATCH	512

int main(int argc, char **argv)
{
	struct fiemap *fm;
	unsigned long long start = 0, bytes = 0, good_bytes = 0;
	long n = 0, good = 0;
	int fd, verbose = 0, last = 0;
	unsigned int i;

	if (argc == 3 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: extents [-v] FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die(argv[1]);
	fm = calloc(1, sizeof(*fm) + BATCH * sizeof(struct fiemap_extent));
	if (!fm)
		die("calloc");
	while (!last) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = start;
		fm->fm_length = ~0ULL - start;
		fm->fm_extent_count = BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, fm))
			die("FS_IOC_FIEMAP");
		if (!fm->fm_mapped_extents)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			struct fiemap_extent *e = &fm->fm_extents[i];
			int ok = (e->fe_logical - e->fe_physical) % PMD == 0;

			n++;
			good += ok;
			bytes += e->fe_length;
			good_bytes += ok ? e->fe_length : 0;
			if (verbose)
				printf("logical %llu physical %llu length %llu KiB flags %#x%s\n",
				       e->fe_logical >> 10, e->fe_physical >> 10,
				       e->fe_length >> 10, e->fe_flags,
				       ok ? "" : " (not congruent)");
			start = e->fe_logical + e->fe_length;
			last = e->fe_flags & FIEMAP_EXTENT_LAST;
		}
	}
	printf("extents %ld congruent %ld bytes-congruent %llu of %llu\n",
	       n, good, good_bytes, bytes);
	return 0;
}
