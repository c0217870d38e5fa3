/*
 * daxgup.h: what the test programs share.  Each program is one .c file
 * that includes this; everything here is static inline, so a program
 * that does not use a helper gets no unused-function warning.
 */
#ifndef DAXGUP_H
#define DAXGUP_H

#include <errno.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* a setup error, not a test result: report errno, exit 2 */
static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(errno));
	exit(2);
}

/* /proc/vmstat's counter NAME, or -1 when the kernel has none */
static inline long vmstat_value(const char *name)
{
	char key[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		die("/proc/vmstat");
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/* seconds on the monotonic clock, for timing */
/* faults so far; *MAJ (if not NULL): of them, major (DAX: it zeroed blocks) */
static inline long faults(long *maj)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	if (maj)
		*maj = ru.ru_majflt;
	return ru.ru_minflt + ru.ru_majflt;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* a size with an optional k, m or g suffix; exits 2 on anything else */
static inline size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	case '\0': break;
	default:
		fprintf(stderr, "%s: bad size '%s'\n",
			program_invocation_short_name, s);
		exit(2);
	}
	return v;
}

/*
 * The data pattern: each 8-byte word names its offset and the pass
 * (SEED), so a misplaced or stale block cannot look right.
 */
static inline uint64_t pattern_word(size_t off, uint64_t seed)
{
	return (seed << 40) ^ off ^ 0x5a5a000000000000ull;
}

static inline void pattern_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern_word(i * 8, seed);
}

/* the offset of the first word that is not pass SEED's, or -1 */
static inline long pattern_mismatch(const void *buf, size_t len, uint64_t seed)
{
	const uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != pattern_word(i * 8, seed))
			return (long)(i * 8);
	return -1;
}

/*
 * Map LEN bytes of FD from offset OFF shared at an ALIGN-aligned address
 * (a power of two, at least 4 KiB): reserve LEN + ALIGN, then map over it
 * with MAP_FIXED.  ALIGN 2 MiB with a 2 MiB-aligned OFF lets DAX map PMDs.
 */
static inline char *map_aligned_at(int fd, size_t len, off_t off,
				   size_t align)
{
	char *area, *p;

	area = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap reserve");
	p = (char *)(((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1));
	p = mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off);
	if (p == MAP_FAILED)
		die("mmap file");
	return p;
}

static inline char *map_aligned(int fd, size_t len, size_t align)
{
	return map_aligned_at(fd, len, 0, align);
}

/*
 * Create PATH as LEN bytes of pass 1 of the pattern, synced; return its
 * descriptor (read-write) and, in *DATA, a copy of what it holds.
 */
static inline int pattern_file(const char *path, size_t len, char **data)
{
	char *buf = malloc(len);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || !buf)
		die(path);
	pattern_fill(buf, len, 1);
	if (pwrite(fd, buf, len, 0) != (ssize_t)len || fsync(fd))
		die("write the file");
	*data = buf;
	return fd;
}

/*
 * The byte offset on its device of byte OFF of FD (FIEMAP), or -1 if it
 * has no block
 */
static inline long long phys_of(int fd, off_t off)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[1];
	} f;

	memset(&f, 0, sizeof(f));
	f.fm.fm_start = off;
	f.fm.fm_length = 1;
	f.fm.fm_flags = FIEMAP_FLAG_SYNC;
	f.fm.fm_extent_count = 1;
	if (ioctl(fd, FS_IOC_FIEMAP, &f.fm))
		die("FIEMAP");
	if (!f.fm.fm_mapped_extents || f.fe[0].fe_logical > (__u64)off)
		return -1;
	return f.fe[0].fe_physical + (off - f.fe[0].fe_logical);
}

/* the /proc/self/pagemap entries of the N pages from P into E */
static inline void pagemap_read(const void *p, size_t n, uint64_t *e)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	size_t len = n * sizeof(*e);

	if (fd < 0)
		die("/proc/self/pagemap");
	if (pread(fd, e, len, (uintptr_t)p / 4096 * sizeof(*e)) != (ssize_t)len)
		die("read /proc/self/pagemap");
	close(fd);
}

/* the series' layout lease, for F_SETLEASE (linux/fcntl.h) */
#ifndef F_LAYOUT
#define F_LAYOUT	64
#endif

/* "ok", or what errno ERR means */
static inline const char *errname(int err)
{
	return err ? strerror(err) : "ok";
}

/* /proc/sys/fs/lease-break-time, in seconds */
static inline double lease_break_time(void)
{
	FILE *f = fopen("/proc/sys/fs/lease-break-time", "r");
	int t;

	if (!f || fscanf(f, "%d", &t) != 1)
		die("/proc/sys/fs/lease-break-time");
	fclose(f);
	return t;
}

/* a child that truncates PATH to 0, and exits with 0 or the errno */
static inline pid_t truncate_child(const char *path)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid)
		_exit(truncate(path, 0) ? errno : 0);
	return pid;
}

#endif /* DAXGUP_H */
