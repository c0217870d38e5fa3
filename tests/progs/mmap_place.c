/*
 * mmap_place: where mmap() with no MAP_FIXED puts a mapping of a DAX
 * file, of another file, and of anonymous memory.
 *
 * usage: mmap_place DAXFILE OTHERFILE
 *   Both files are created (truncated) and sized to 16 MiB.
 *
 * Prints "<check> yes|no" lines:
 *   anon-adjacent       two 1 MiB anonymous mappings in a row touch
 *                       (the control: the allocator packs mappings)
 *   dax-short-adjacent  so do two 1 MiB mappings of DAXFILE: too short
 *                       for a PMD, they are not padded
 *   other-adjacent      so do two 8 MiB mappings of OTHERFILE
 *   dax-congruent-0     an 8 MiB mapping of DAXFILE from offset 0 is
 *                       2 MiB aligned
 *   dax-congruent-12k   one from offset 12 KiB is 12 KiB past a 2 MiB
 *                       boundary: the file's 2 MiB blocks line up
 *   dax-hint-honoured   a free, unaligned hint is taken as given
 * Exits 0, or 2 on a setup error.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "daxgup.h"

#define MB	(1UL << 20)
#define PMD	(2 * MB)

static int file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path);
	if (ftruncate(fd, 16 * MB))
		die("ftruncate");
	return fd;
}

static char *map(void *hint, size_t len, int fd, off_t off)
{
	int flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
	char *p = mmap(hint, len, PROT_READ | PROT_WRITE, flags, fd, off);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* two LEN mappings in a row: does one end where the other starts? */
static const char *adjacent(size_t len, int fd)
{
	char *a = map(NULL, len, fd, 0), *b = map(NULL, len, fd, 0);

	return b + len == a || a + len == b ? "yes" : "no";
}

static const char *congruent(int fd, off_t off)
{
	char *p = map(NULL, 8 * MB, fd, off);

	return ((uintptr_t)p - off) % PMD == 0 ? "yes" : "no";
}

int main(int argc, char **argv)
{
	int dax, other;
	char *hint, *p;

	if (argc != 3) {
		fprintf(stderr, "usage: mmap_place DAXFILE OTHERFILE\n");
		return 2;
	}
	dax = file(argv[1]);
	other = file(argv[2]);

	printf("anon-adjacent %s\n", adjacent(MB, -1));
	printf("dax-short-adjacent %s\n", adjacent(MB, dax));
	printf("other-adjacent %s\n", adjacent(8 * MB, other));
	printf("dax-congruent-0 %s\n", congruent(dax, 0));
	printf("dax-congruent-12k %s\n", congruent(dax, 12 << 10));

	/* a hint 4 KiB past a 2 MiB boundary, in a range just freed */
	p = map(NULL, 16 * MB, -1, 0);
	if (munmap(p, 16 * MB))
		die("munmap");
	hint = (char *)(((uintptr_t)p + PMD - 1) & ~(PMD - 1)) + 4096;
	p = map(hint, 8 * MB, dax, 0);
	printf("dax-hint-honoured %s\n", p == hint ? "yes" : "no");
	return 0;
}
