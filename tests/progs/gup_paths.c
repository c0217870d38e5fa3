/*
 * gup_paths: every way a user can make the kernel pin or reach the pages
 * of a DAX mapping through get_user_pages() and its fast and remote
 * variants, one path per run.
 *
 * usage: gup_paths [-a ALIGN] [-e ok|efault] PATH FILE DEV
 *   PATH   one of the paths below
 *   FILE   the file to map shared (created, 4 MiB)
 *   DEV    a block device opened O_DIRECT (the scratch disk)
 *   -a     alignment of the mapping (default 4k; 2m lets a fault map a PMD)
 *   -e     the result expected: ok (the path works and the data verify) or
 *          efault (it fails with EFAULT, or EIO where the kernel reports a
 *          failed remote access so, and nothing is transferred)
 *
 * Paths (the kernel function that pins, in brackets):
 *   aio        io_submit() O_DIRECT read into and write from the mapping
 *              (get_user_pages_fast, from the aio worker's submit)
 *   vmsplice   vmsplice() the mapping into a pipe, read it back out
 *              (get_user_pages_fast)
 *   vm-readv   process_vm_readv() from the mapping (get_user_pages_unlocked
 *              on the target mm)
 *   vm-writev  process_vm_writev() into the mapping (the same, FOLL_WRITE)
 *   proc-mem   pread()/pwrite() of /proc/PID/mem at the mapping, as a
 *              debugger does (access_process_vm: get_user_pages_remote)
 *   futex      FUTEX_WAKE, not private, on a word of the mapping
 *              (get_futex_key: get_user_pages_fast)
 *   fork       fault the mapping in, fork; the child does an O_DIRECT
 *              read into it, the parent verifies, then does its own
 *              (copy_huge_pmd / copy_pte_range, then both paths)
 *   mprotect   O_DIRECT write from a PROT_READ mapping, mprotect() it
 *              PROT_READ|PROT_WRITE, O_DIRECT read into it
 *   mremap     fault in, mremap() to a new aligned address, O_DIRECT read
 *              into the moved mapping (move_huge_pmd / move_ptes)
 *   mlock      mlock() (populates through get_user_pages), O_DIRECT read,
 *              munlock() (follow_page_mask with FOLL_GET)
 *   move_pages move_pages() of a mapped page to node 0 (follow_page);
 *              device pages cannot move: any per-page status is fine
 *
 * Prints one line; exits 0 if the result was the expected one, 1 if not,
 * 2 on a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daxgup.h"

#define FLEN	(4 << 20)	/* the file and the mapping */
#define IOLEN	(1 << 20)	/* bytes per transfer */

static char *map;
static size_t align = 4096;
static int fd, dev;
static uint64_t *buf;

/* is LEN bytes at P pass SEED of the pattern? */
static int same(const void *p, size_t len, uint64_t seed)
{
	return pattern_mismatch(p, len, seed) < 0;
}

static char *map_file(size_t len)
{
	return map_aligned(fd, len, align);
}

/*
 * The result of one transfer: 0 when it moved LEN bytes, else the errno
 * (EIO for a short or failed remote access, which is how the kernel
 * reports a page it could not pin there).
 */
static int result(ssize_t ret, size_t len)
{
	if (ret < 0)
		return errno;
	return (size_t)ret == len ? 0 : EIO;
}

/*
 * O_DIRECT read of pass SEED from DEV into P: 0 when it verifies, an
 * errno, or -1 when the data differ.
 */
static int dio_read(char *p, uint64_t seed)
{
	int err;

	pattern_fill(buf, IOLEN, seed);
	if (pwrite(dev, buf, IOLEN, 0) != IOLEN)
		die("pwrite (setup)");
	err = result(pread(dev, p, IOLEN, 0), IOLEN);
	return err ?: (same(p, IOLEN, seed) ? 0 : -1);
}

static int path_aio(void)
{
	aio_context_t ctx = 0;
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;
	int pass, err = 0;

	if (syscall(SYS_io_setup, 1, &ctx))
		die("io_setup");
	for (pass = 0; pass < 2 && !err; pass++) {
		memset(&cb, 0, sizeof(cb));
		cb.aio_fildes = dev;
		cb.aio_buf = (uintptr_t)map;
		cb.aio_nbytes = IOLEN;
		if (pass == 0) {	/* read: DEV -> mapping */
			pattern_fill(buf, IOLEN, 11);
			if (pwrite(dev, buf, IOLEN, 0) != IOLEN)
				die("pwrite (setup)");
			cb.aio_lio_opcode = IOCB_CMD_PREAD;
		} else {		/* write: mapping -> DEV */
			pattern_fill(map, IOLEN, 12);
			cb.aio_lio_opcode = IOCB_CMD_PWRITE;
		}
		if (syscall(SYS_io_submit, ctx, 1, cbs) != 1) {
			err = errno;
			break;
		}
		if (syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) != 1)
			die("io_getevents");
		if ((long long)ev.res < 0)
			err = -ev.res;
		else if (ev.res != IOLEN)
			err = EIO;
		else if (pass == 0)
			err = same(map, IOLEN, 11) ? 0 : -1;
		else {
			if (pread(dev, buf, IOLEN, 0) != IOLEN)
				die("pread (check)");
			err = same(buf, IOLEN, 12) ? 0 : -1;
		}
	}
	syscall(SYS_io_destroy, ctx);
	return err;
}

static int path_vmsplice(void)
{
	struct iovec iov = { map, 64 << 10 };	/* within the pipe's room */
	int p[2];
	ssize_t n;

	if (pipe(p))
		die("pipe");
	pattern_fill(map, iov.iov_len, 21);
	n = vmsplice(p[1], &iov, 1, 0);
	if (n < 0 || (size_t)n != iov.iov_len)
		return result(n, iov.iov_len);
	if (read(p[0], buf, iov.iov_len) != (ssize_t)iov.iov_len)
		die("read pipe");
	close(p[0]);
	close(p[1]);
	return same(buf, iov.iov_len, 21) ? 0 : -1;
}

static int path_vm_rw(int write)
{
	struct iovec local = { buf, IOLEN }, remote = { map, IOLEN };
	ssize_t n;

	if (write) {
		pattern_fill(buf, IOLEN, 31);
		n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
		if (n != IOLEN)
			return result(n, IOLEN);
		return same(map, IOLEN, 31) ? 0 : -1;
	}
	pattern_fill(map, IOLEN, 32);
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n != IOLEN)
		return result(n, IOLEN);
	return same(buf, IOLEN, 32) ? 0 : -1;
}

static int path_proc_mem(void)
{
	int mem = open("/proc/self/mem", O_RDWR);
	ssize_t n;

	if (mem < 0)
		die("/proc/self/mem");
	pattern_fill(map, 65536, 41);
	n = pread(mem, buf, 65536, (off_t)(uintptr_t)map);
	if (n != 65536)
		return result(n, 65536);
	if (!same(buf, 65536, 41))
		return -1;
	pattern_fill(buf, 65536, 42);
	n = pwrite(mem, buf, 65536, (off_t)(uintptr_t)map);
	close(mem);
	if (n != 65536)
		return result(n, 65536);
	return same(map, 65536, 42) ? 0 : -1;
}

static int path_futex(void)
{
	uint32_t *word = (uint32_t *)(map + 8192);

	*word = 0;
	if (syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
		return errno;
	return 0;
}

static int path_fork(void)
{
	pid_t pid;
	int status;

	pattern_fill(map, FLEN, 51);	/* fault it all in: a PMD where it can be */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(dio_read(map, 52) ? 1 : 0);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return dio_read(map, 53) ?: -1;	/* report the parent's errno */
	if (!same(map, IOLEN, 52))
		return -1;
	return dio_read(map, 54);
}

static int path_mprotect(void)
{
	pattern_fill(map, IOLEN, 61);
	if (mprotect(map, FLEN, PROT_READ))
		die("mprotect read");
	if (pwrite(dev, map, IOLEN, 0) != IOLEN)
		return errno;
	if (pread(dev, buf, IOLEN, 0) != IOLEN)
		die("pread (check)");
	if (!same(buf, IOLEN, 61))
		return -1;
	if (mprotect(map, FLEN, PROT_READ | PROT_WRITE))
		die("mprotect write");
	return dio_read(map, 62);
}

static int path_mremap(void)
{
	char *to = map_file(FLEN);	/* a second aligned range, then move */

	pattern_fill(map, FLEN, 71);
	to = mremap(map, FLEN, FLEN, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (to == MAP_FAILED)
		die("mremap");
	map = to;
	if (!same(map, FLEN, 71))
		return -1;
	return dio_read(map, 72);
}

static int path_mlock(void)
{
	int err;

	if (mlock(map, FLEN))
		return errno;
	err = dio_read(map, 81);
	if (munlock(map, FLEN))
		die("munlock");
	return err;
}

static int path_move_pages(void)
{
	void *pages[1] = { map };
	int node = 0, status = 0;

	pattern_fill(map, 4096, 91);
	if (syscall(SYS_move_pages, 0, 1, pages, &node, &status, 0) < 0)
		return errno == ENOSYS ? 0 : errno;
	printf("(page status %d) ", status);
	return same(map, 4096, 91) ? 0 : -1;
}

static int path_vm_readv(void)
{
	return path_vm_rw(0);
}

static int path_vm_writev(void)
{
	return path_vm_rw(1);
}

static const struct path {
	const char *name;
	int (*run)(void);	/* 0, an errno, or -1: the data differ */
} paths[] = {
	{ "aio", path_aio },
	{ "vmsplice", path_vmsplice },
	{ "vm-readv", path_vm_readv },
	{ "vm-writev", path_vm_writev },
	{ "proc-mem", path_proc_mem },
	{ "futex", path_futex },
	{ "fork", path_fork },
	{ "mprotect", path_mprotect },
	{ "mremap", path_mremap },
	{ "mlock", path_mlock },
	{ "move_pages", path_move_pages },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	const char *expect = "ok";
	const struct path *path;
	int opt, err;

	while ((opt = getopt(argc, argv, "a:e:")) != -1) {
		switch (opt) {
		case 'a': align = parse_size(optarg); break;
		case 'e': expect = optarg; break;
		default: goto usage;
		}
	}
	if (argc - optind != 3 || (strcmp(expect, "ok") && strcmp(expect, "efault")) ||
	    align < 4096 || align & (align - 1))
		goto usage;
	for (path = paths; path->name && strcmp(path->name, argv[optind]); path++)
		;
	if (!path->name)
		goto usage;
	fd = open(argv[optind + 1], O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		die(argv[optind + 1]);
	if (ftruncate(fd, FLEN))
		die("ftruncate");
	dev = open(argv[optind + 2], O_RDWR | O_DIRECT);
	if (dev < 0)
		die(argv[optind + 2]);
	if (posix_memalign((void **)&buf, 4096, IOLEN))
		die("posix_memalign");
	map = map_file(FLEN);

	printf("gup_paths: %s, %zuk-aligned DAX mapping: ", path->name, align >> 10);
	fflush(stdout);
	err = path->run();

	if (err < 0) {
		printf("transferred, but the data differ\n");
		return 1;
	}
	if (err) {
		printf("%s\n", strerror(err));
		return !strcmp(expect, "efault") && (err == EFAULT || err == EIO) ? 0 : 1;
	}
	printf("ok, data verified\n");
	return strcmp(expect, "ok") ? 1 : 0;
usage:
	fprintf(stderr, "usage: gup_paths [-a ALIGN] [-e ok|efault] PATH FILE DEV\n");
	return 2;
}
