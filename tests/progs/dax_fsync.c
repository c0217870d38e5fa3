/*
 * dax_fsync: what the kernel writes back of a shared DAX mapping, op by op.
 *
 * usage: dax_fsync [-4] FILE SIZE OP...
 *   -4      map 4 KiB past a 2 MiB boundary: every fault maps a 4 KiB
 *           PTE.  Without it the mapping is 2 MiB aligned, for PMDs.
 *
 * FILE is written whole first (SIZE bytes of pattern pass 1, synced), then
 * mapped shared.  Each OP runs in turn, and prints one line:
 *   "<op> pages <n> writebacks <n>"
 * the growth of /proc/vmstat's dax_writeback_pages (4 KiB pages whose
 * cache lines were written back) and dax_writeback (writebacks that found
 * dirty pages) across the op.  OPs:
 *   w:N:S        store 8 bytes at the start of N pages, S pages apart,
 *                from page 0
 *   pw:N:S       the same through a private mapping (copy on write)
 *   fw:N:S       the same from a child process, through the inherited
 *                mapping; the parent waits for it
 *   fsync, fdatasync, msync (MS_SYNC), msync-async (MS_ASYNC),
 *   sfr (sync_file_range, wait before and after), syncfs, sync
 *   trunc:BYTES  ftruncate
 *   punch:P:N    punch a hole of N pages at page P
 *   verify       read(2) the mapped range back and compare
 * Exits 0, 1 if verify found a difference, 2 on error.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daxgup.h"

static long vmstat(const char *name)
{
	long found = vmstat_value(name);

	if (found < 0) {
		fprintf(stderr, "dax_fsync: /proc/vmstat has no %s: not a kernel that writes DAX back\n",
			name);
		exit(2);
	}
	return found;
}

static void store(char *p, unsigned long n, unsigned long stride, int seed)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		*(volatile uint64_t *)(p + i * stride * 4096) =
			pattern_word(i * stride * 4096, seed);
}

int main(int argc, char **argv)
{
	size_t size, off = 0;
	char *data, *p;
	int fd, i = 1, seed = 2;

	if (argc > 1 && !strcmp(argv[1], "-4")) {
		off = 4096;
		i++;
	}
	if (argc < i + 3) {
		fprintf(stderr, "usage: dax_fsync [-4] FILE SIZE OP...\n");
		return 2;
	}
	size = parse_size(argv[i + 1]);
	fd = pattern_file(argv[i], size + off, &data);
	/* -4: the file from 4 KiB on, at 4 KiB past a 2 MiB boundary */
	p = map_aligned_at(fd, size + 2 * 1024 * 1024, 0, 2 * 1024 * 1024);
	if (off) {
		munmap(p, size + 2 * 1024 * 1024);
		p = mmap(p + off, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, off);
		if (p == MAP_FAILED)
			die("mmap file");
	} else {
		munmap(p + size, 2 * 1024 * 1024);
	}

	for (i += 2; i < argc; i++) {
		const char *op = argv[i];
		long pages = vmstat("dax_writeback_pages");
		long wbs = vmstat("dax_writeback");
		unsigned long a = 0, b = 0;
		int r = 0;

		if (sscanf(op, "w:%lu:%lu", &a, &b) == 2) {
			store(p, a, b, seed++);
		} else if (sscanf(op, "pw:%lu:%lu", &a, &b) == 2) {
			char *q = mmap(NULL, size, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE, fd, off);

			if (q == MAP_FAILED)
				die("mmap private");
			store(q, a, b, seed++);
			munmap(q, size);
		} else if (sscanf(op, "fw:%lu:%lu", &a, &b) == 2) {
			pid_t pid = fork();
			int status;

			if (pid < 0)
				die("fork");
			if (!pid) {
				store(p, a, b, seed);
				_exit(0);
			}
			seed++;
			if (waitpid(pid, &status, 0) != pid || status)
				die("child");
		} else if (!strcmp(op, "fsync")) {
			r = fsync(fd);
		} else if (!strcmp(op, "fdatasync")) {
			r = fdatasync(fd);
		} else if (!strcmp(op, "msync")) {
			r = msync(p, size, MS_SYNC);
		} else if (!strcmp(op, "msync-async")) {
			r = msync(p, size, MS_ASYNC);
		} else if (!strcmp(op, "sfr")) {
			r = sync_file_range(fd, 0, 0,
					    SYNC_FILE_RANGE_WAIT_BEFORE |
					    SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER);
		} else if (!strcmp(op, "syncfs")) {
			r = syncfs(fd);
		} else if (!strcmp(op, "sync")) {
			sync();
		} else if (sscanf(op, "trunc:%lu", &a) == 1) {
			r = ftruncate(fd, a);
		} else if (sscanf(op, "punch:%lu:%lu", &a, &b) == 2) {
			r = fallocate(fd, FALLOC_FL_PUNCH_HOLE |
				      FALLOC_FL_KEEP_SIZE, off + a * 4096,
				      b * 4096);
		} else if (!strcmp(op, "verify")) {
			if (pread(fd, data, size, off) != (ssize_t)size)
				die("read the file");
			if (memcmp(data, p, size)) {
				printf("verify differs\n");
				return 1;
			}
		} else {
			fprintf(stderr, "dax_fsync: bad op '%s'\n", op);
			return 2;
		}
		if (r)
			die(op);
		printf("%s pages %ld writebacks %ld\n", op,
		       vmstat("dax_writeback_pages") - pages,
		       vmstat("dax_writeback") - wbs);
		fflush(stdout);
	}
	return 0;
}
