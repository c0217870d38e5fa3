/*
 * fsync_bench: the cost of making stores through a shared DAX mapping
 * durable, per dirty page.
 *
 * usage: fsync_bench FILE 4k|2m fsync|none SECONDS
 *   4k     256 pages, 8 pages apart, through a mapping 4 KiB past a
 *          2 MiB boundary: every fault maps a 4 KiB PTE
 *   2m     the 512 pages of one 2 MiB-aligned range: one PMD, where the
 *          kernel and the filesystem map PMDs
 *   fsync  each round stores 8 bytes into each of the pages, then fsyncs
 *   none   the same stores without the fsync
 *
 * FILE is written whole (8 MiB) and synced first; one round runs untimed
 * to fault the mapping in, then rounds for SECONDS.  Prints one line:
 *   "us <per dirty page> faults <per round> rounds <n> pages <per round>"
 * pages: the growth of /proc/vmstat dax_writeback_pages (pages whose cache
 * lines were written back) per round, "-" for a kernel without it.
 * Exits 0, or 2 on error.
 */
#include <fcntl.h>
#include <unistd.h>

#include "daxgup.h"

#define FILE_SIZE	(8UL << 20)

/* dax_writeback_pages, or -1 without it */
static long wb_pages(void)
{
	return vmstat_value("dax_writeback_pages");
}

static void round_once(int fd, char *p, unsigned long n,
		       unsigned long stride, int sync, uint64_t seed)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		*(volatile uint64_t *)(p + i * stride * 4096) = seed + i;
	if (sync && fsync(fd))
		die("fsync");
}

int main(int argc, char **argv)
{
	unsigned long n, stride, r, every;
	long f0, pages0, pages1;
	size_t off;
	double secs, t0, t;
	char *data, *p;
	int fd, sync;

	if (argc != 5 || (strcmp(argv[2], "4k") && strcmp(argv[2], "2m")) ||
	    (strcmp(argv[3], "fsync") && strcmp(argv[3], "none")) ||
	    (secs = strtod(argv[4], NULL)) <= 0) {
		fprintf(stderr, "usage: fsync_bench FILE 4k|2m fsync|none SECONDS\n");
		return 2;
	}
	if (!strcmp(argv[2], "4k")) {
		n = 256;
		stride = 8;
		off = 4096;
	} else {
		n = 512;
		stride = 1;
		off = 0;
	}
	sync = !strcmp(argv[3], "fsync");

	fd = pattern_file(argv[1], FILE_SIZE, &data);
	free(data);
	/*
	 * 4k: the file at 4 KiB past a 2 MiB boundary, so that no 2 MiB of
	 * it is 2 MiB aligned in memory (the reservation map_aligned_at()
	 * leaves past the mapping has room for the shift)
	 */
	p = map_aligned_at(fd, FILE_SIZE, 0, 2UL << 20);
	if (off) {
		munmap(p, FILE_SIZE);
		p = mmap(p + off, FILE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap file");
	}

	round_once(fd, p, n, stride, sync, 0);
	pages0 = wb_pages();
	f0 = faults(NULL);
	/*
	 * The clock is read every 16 rounds (1024 without fsync): under
	 * TCG a clock_gettime() can cost as much as a round of stores.
	 */
	every = sync ? 16 : 1024;
	t0 = now();
	for (r = 0; r % every || (t = now() - t0) < secs; r++)
		round_once(fd, p, n, stride, sync, (r + 1) << 20);
	pages1 = wb_pages();
	printf("us %.3f faults %.1f rounds %lu pages ", t * 1e6 / (r * n),
	       (double)(faults(NULL) - f0) / r, r);
	if (pages0 < 0 || pages1 < 0)
		printf("-\n");
	else
		printf("%.1f\n", (double)(pages1 - pages0) / r);
	return 0;
}
