/*
 * mcsafe_read: a read of persistent memory that meets a poisoned byte,
 * made by the kernel's test hook (CONFIG_MCSAFE_TEST): what read(2)
 * returns, and what it copied.
 *
 * usage: mcsafe_read FILE create
 *        mcsafe_read FILE DEV dax|blk|dio OFF LEN POISON
 *
 * "create" writes FILE, 16 pages of the pattern, synced.  Otherwise one
 * pread() of LEN bytes from OFF bytes into page 4 of FILE: through the
 * file (dax: DAX read(2), dax_io()), or the same bytes through DEV, the
 * block device FILE is on (blk: buffered, page by page through pmem;
 * dio: O_DIRECT, which goes through DAX as for FILE).  The test hook makes the kernel's
 * machine-check-safe copy fault at the byte POISON bytes into the read
 * (-1: no hook): its physical address comes from /proc/self/pagemap of a
 * shared mapping of FILE, the device offset from FIEMAP.
 *
 * Prints "read <bytes or errno name> before <ok|bad> past <ok|bad>":
 * before, the bytes read are FILE's; past, the buffer after them was not
 * written.  Exits 0, 2 on error.
 */
#include <fcntl.h>
#include <unistd.h>

#include "daxgup.h"

#define FILE_PAGES	16
#define PAGE0		4
#define HOOK		"/sys/kernel/debug/x86/mcsafe_test_phys"

static void hook(uint64_t phys)
{
	FILE *f = fopen(HOOK, "w");

	if (!f || fprintf(f, "0x%llx\n", (unsigned long long)phys) < 0 ||
	    fclose(f))
		die(HOOK);
}

int main(int argc, char **argv)
{
	size_t size = FILE_PAGES * 4096, len, i, got;
	long off, poison;
	uint64_t pos, e;
	unsigned char *buf;
	char *map, *data;
	int fd, rfd, err;
	ssize_t r;

	if (argc == 3 && !strcmp(argv[2], "create")) {
		pattern_file(argv[1], size, &data);
		return 0;
	}
	if (argc != 7 || (strcmp(argv[3], "dax") && strcmp(argv[3], "blk") &&
			  strcmp(argv[3], "dio"))) {
		fprintf(stderr, "usage: mcsafe_read FILE create\n"
			"       mcsafe_read FILE DEV dax|blk|dio OFF LEN POISON\n");
		return 2;
	}
	off = atol(argv[4]);
	len = parse_size(argv[5]);
	poison = atol(argv[6]);
	pos = PAGE0 * 4096 + off;
	if (off < 0 || pos + len > size || poison >= (long)len)
		die("OFF, LEN and POISON must lie in the file");

	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die(argv[1]);
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	for (i = 0; i < size; i += 4096)
		(void)*(volatile char *)(map + i);

	if (!strcmp(argv[3], "dax")) {
		rfd = fd;
	} else {
		rfd = open(argv[2], O_RDONLY |
			   (!strcmp(argv[3], "dio") ? O_DIRECT : 0));
		if (rfd < 0)
			die(argv[2]);
		pos = phys_of(fd, pos);
		if ((long long)pos < 0)
			die("no block under the read");
		/* no page of the range cached: the read goes to pmem */
		posix_fadvise(rfd, pos & ~4095ULL, len + 8192,
			      POSIX_FADV_DONTNEED);
	}
	if (posix_memalign((void **)&buf, 4096, len))
		die("posix_memalign");
	memset(buf, 0xa5, len);

	if (poison >= 0) {
		uint64_t at = PAGE0 * 4096 + off + poison;

		pagemap_read(map + (at & ~4095ULL), 1, &e);
		if (!(e >> 63) || !(e & ((1ULL << 55) - 1)))
			die("no pfn in /proc/self/pagemap (not root?)");
		hook((e & ((1ULL << 55) - 1)) * 4096 + (at & 4095));
	}
	r = pread(rfd, buf, len, pos);
	err = errno;
	if (poison >= 0)
		hook(0);

	got = r > 0 ? r : 0;
	if (r < 0)
		printf("read %s", err == EIO ? "EIO" : err == EFAULT ?
		       "EFAULT" : errname(err));
	else
		printf("read %zd", r);
	printf(" before %s", memcmp(buf, map + PAGE0 * 4096 + off, got) ?
	       "bad" : "ok");
	for (i = got; i < len && buf[i] == 0xa5; i++)
		;
	printf(" past %s\n", i == len ? "ok" : "bad");
	return 0;
}
