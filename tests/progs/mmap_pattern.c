/*
 * mmap_pattern: write a pattern through a shared mmap of a file, or check
 * that a file holds it: through a mapping and through read(2).
 *
 * usage: mmap_pattern write|verify FILE SIZE SEED
 *
 * 'write' creates FILE, stores the pattern through the mapping and makes
 * it durable with msync(MS_SYNC) and fsync().  Exit 0 if all went right,
 * 1 on a data mismatch, 2 on any other error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK 8192	/* words per read(2) when checking through read */

static uint64_t word(uint64_t seed, size_t i)
{
	return (seed * 0x9e3779b97f4a7c15ull) ^ i;
}

static void die(const char *what)
{
	fprintf(stderr, "mmap_pattern: %s: %s\n", what, strerror(errno));
	exit(2);
}

int main(int argc, char **argv)
{
	static uint64_t buf[CHUNK];
	uint64_t *map, seed;
	size_t size, i, n, want;
	int fd, wr;

	if (argc != 5 || (strcmp(argv[1], "write") && strcmp(argv[1], "verify"))) {
		fprintf(stderr, "usage: mmap_pattern write|verify FILE SIZE SEED\n");
		return 2;
	}
	wr = !strcmp(argv[1], "write");
	size = strtoull(argv[3], NULL, 0);
	seed = strtoull(argv[4], NULL, 0);
	n = size / 8;
	if (!n)
		return 2;

	fd = open(argv[2], wr ? O_RDWR | O_CREAT | O_TRUNC : O_RDONLY, 0644);
	if (fd < 0)
		die(argv[2]);
	if (wr && ftruncate(fd, size))
		die("ftruncate");
	map = mmap(NULL, size, PROT_READ | (wr ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	if (wr) {
		for (i = 0; i < n; i++)
			map[i] = word(seed, i);
		if (msync(map, size, MS_SYNC) || fsync(fd))
			die("msync/fsync");
		printf("mmap_pattern: wrote %zu bytes (seed %llu) to %s\n",
		       size, (unsigned long long)seed, argv[2]);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (map[i] != word(seed, i)) {
			printf("mmap_pattern: %s differs at offset %zu (mapping)\n", argv[2], i * 8);
			return 1;
		}
	for (i = 0; i < n; i++) {
		if (i % CHUNK == 0) {
			want = (n - i < CHUNK ? n - i : CHUNK) * 8;
			if (pread(fd, buf, want, i * 8) != (ssize_t)want)
				die("pread");
		}
		if (buf[i % CHUNK] != word(seed, i)) {
			printf("mmap_pattern: %s differs at offset %zu (read)\n", argv[2], i * 8);
			return 1;
		}
	}
	printf("mmap_pattern: %s holds the %zu-byte pattern (seed %llu)\n",
	       argv[2], size, (unsigned long long)seed);
	return 0;
}
