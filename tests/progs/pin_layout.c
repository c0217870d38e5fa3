/*
 * pin_layout: a pinned DAX page keeps its block.  A page of file A is
 * pinned, and another process frees or moves A's blocks under the pin.
 * The operation must wait until the pin is gone, and the block must not
 * reach another file while it is pinned.
 *
 * usage: pin_layout OP DIR [DELAYED BDEV | HOLDER]
 *   OP   truncate, punch, collapse, zero or insert: vmsplice() 64 KiB
 *        of A at 1 MiB into a pipe, then truncate A to 0, or punch,
 *        collapse, zero or insert [1, 2) MiB; unlink: delete A, which
 *        nothing else holds; this process drains the pipe after the
 *        checks.  zero and insert keep A's blocks: A's data is checked
 *        instead of B's.
 *        sparse: truncate, with A 1 GiB larger and its first 64 KiB a
 *        hole, so that the wait's walk meets a hole with over 1 GiB of
 *        the file after it.
 *        exit: the same pin, and a process that unlinks A and exits with
 *        A open, so that A is evicted by a task that cannot be killed,
 *        and waits 5 s at most: A's blocks must stay allocated while the
 *        pipe holds the page.  exit-brief: the same, but the pipe is
 *        drained 1 s after, and A's blocks must go.  With
 *        HOLDER, a child keeps the page pinned (a tee() of the pipe) after
 *        this process exits, until it is killed; its pid goes to HOLDER.
 *        kill: the same pin, truncate, and SIGKILL to the truncate.
 *        dio: an O_DIRECT read from DELAYED (a device that delays reads)
 *        into A's mapping at 1 MiB, and a truncate while it is in flight;
 *        BDEV (the DAX block device) shows where the read landed.
 *   DIR  a directory on a DAX filesystem (A is DIR/a, B is DIR/b)
 *
 * Then file B is written until FIEMAP shows it owns A's old block, and
 * must hold its own data only.  Prints TAP lines; exits 0 if all passed,
 * 1 if not, 2 on a setup error.
 */
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daxgup.h"

#define ALEN	(4 << 20)	/* file A */
#define POFF	(1 << 20)	/* the pinned range of A */
#define PLEN	(64 << 10)
#define CHUNK	(1 << 20)	/* B grows by this much, up to a full disk */
#define WAITED	2		/* seconds an operation must still wait */

static int failed;
static char path_a[4096], path_b[4096];

static void check(int ok, const char *what)
{
	printf("%sok - %s\n", ok ? "" : "not ", what);
	if (!ok)
		failed = 1;
}

/* the offset of the first word of BUF that is not pass SEED's at OFF */
static long mismatch_at(const void *buf, size_t len, off_t off, uint64_t seed)
{
	const uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != pattern_word(off + i * 8, seed))
			return (long)(i * 8);
	return -1;
}

/* does FD own physical address PHYS?  (one extent at a time) */
static int owns(int fd, long long phys)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[64];
	} f;
	__u64 start = 0;
	unsigned int i;

	for (;;) {
		memset(&f, 0, sizeof(f));
		f.fm.fm_start = start;
		f.fm.fm_length = ~0ull;
		f.fm.fm_flags = FIEMAP_FLAG_SYNC;
		f.fm.fm_extent_count = 64;
		if (ioctl(fd, FS_IOC_FIEMAP, &f.fm))
			die("FIEMAP");
		if (!f.fm.fm_mapped_extents)
			return 0;
		for (i = 0; i < f.fm.fm_mapped_extents; i++) {
			struct fiemap_extent *e = &f.fe[i];

			if ((__u64)phys >= e->fe_physical &&
			    (__u64)phys < e->fe_physical + e->fe_length)
				return 1;
			if (e->fe_flags & FIEMAP_EXTENT_LAST)
				return 0;
			start = e->fe_logical + e->fe_length;
		}
	}
}

/*
 * Write B (pass 2 of the pattern) until it owns PHYS, A's old block, or
 * the disk is full: once A let the block go, the allocator hands it out
 * again, if need be as the last free one (xfs allocates 2 MiB-aligned
 * extents first).  Returns 1 if B got it.
 */
static int write_b(long long phys)
{
	static char buf[CHUNK];
	off_t off;
	ssize_t w = CHUNK;
	int fd, got = 0;

	sync();
	fd = open(path_b, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path_b);
	for (off = 0; !got && w == CHUNK; off += CHUNK) {
		for (size_t i = 0; i < CHUNK / 8; i++)
			((uint64_t *)buf)[i] = pattern_word(off + i * 8, 2);
		w = pwrite(fd, buf, CHUNK, off);
		if (fsync(fd))
			die("fsync B");
		got = owns(fd, phys);
	}
	printf("# B: %lld MiB written\n", (long long)off >> 20);
	close(fd);
	return got;
}

/* does B hold pass 2 of the pattern only? */
static int b_intact(void)
{
	static char buf[CHUNK];
	off_t off;
	ssize_t r;
	int fd = open(path_b, O_RDONLY);

	if (fd < 0)
		die(path_b);
	for (off = 0; (r = pread(fd, buf, CHUNK, off)) > 0; off += r) {
		long bad = mismatch_at(buf, r, off, 2);

		if (bad >= 0) {
			printf("# B differs at offset %lld\n", (long long)off + bad);
			close(fd);
			return 0;
		}
	}
	close(fd);
	return 1;
}

/* run OP on A in a child; return its pid */
static pid_t start_op(const char *op)
{
	pid_t pid = fork();
	int fd, rc = 0;

	if (pid < 0)
		die("fork");
	if (pid)
		return pid;
	fd = open(path_a, O_RDWR);
	if (fd < 0)
		_exit(100);
	if (!strcmp(op, "punch"))
		rc = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       POFF, POFF);
	else if (!strcmp(op, "collapse"))
		rc = fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, POFF, POFF);
	else if (!strcmp(op, "zero"))
		rc = fallocate(fd, FALLOC_FL_ZERO_RANGE, POFF, POFF);
	else if (!strcmp(op, "insert"))
		rc = fallocate(fd, FALLOC_FL_INSERT_RANGE, POFF, POFF);
	else if (!strcmp(op, "unlink"))
		rc = close(fd) || unlink(path_a);	/* the last reference */
	else if (!strcmp(op, "exit"))
		_exit(unlink(path_a) ? errno & 0x7f : 0);	/* A open */
	else
		rc = ftruncate(fd, 0);
	_exit(rc ? (errno & 0x7f) : 0);
}

/*
 * The children: an operation on A, a reader.  A child that has ended is
 * reaped once; its status is kept for wait_child().
 */
#define MAXKIDS	4
static struct { pid_t pid; int status; } kids[MAXKIDS];

static int reap(pid_t pid)
{
	int i, status;

	for (i = 0; i < MAXKIDS; i++)
		if (kids[i].pid == pid)
			return kids[i].status;
	if (waitpid(pid, &status, WNOHANG) != pid)
		return -1;
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
	for (i = 0; i < MAXKIDS; i++)
		if (!kids[i].pid) {
			kids[i].pid = pid;
			kids[i].status = status;
			break;
		}
	return status;
}

/* wait up to SECS for PID; its exit status, or -1 on timeout */
static int wait_child(pid_t pid, double secs)
{
	double end = now() + secs;
	int status;

	while ((status = reap(pid)) < 0 && now() < end)
		usleep(20000);
	return status;
}

static int running(pid_t pid)
{
	return reap(pid) < 0;
}

/* the data of A, pass 1 of the pattern, synced */
static void make_a(void)
{
	char *data;
	int fd;

	memset(kids, 0, sizeof(kids));
	unlink(path_b);
	sync();		/* B's blocks are free once the unlink commits */
	fd = pattern_file(path_a, ALEN, &data);
	free(data);
	close(fd);
}

/* A with a hole in its first 64 KiB and 1 GiB more of size */
static void make_sparse_a(void)
{
	int fd = open(path_a, O_RDWR);

	if (fd < 0 || fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				0, PLEN) || ftruncate(fd, ALEN + (1l << 30)))
		die("sparse A");
	close(fd);
}

/* the pinned range of A into a pipe, with nothing else holding it */
static void pin_a(int p[2], long long *phys)
{
	struct iovec iov;
	char *map;
	int fd = open(path_a, O_RDWR);

	if (fd < 0)
		die(path_a);
	*phys = phys_of(fd, POFF);
	if (*phys < 0)
		die("A has no block at 1 MiB");
	map = map_aligned(fd, ALEN, 2 << 20);
	if (pipe(p))
		die("pipe");
	iov.iov_base = map + POFF;
	iov.iov_len = PLEN;
	if (vmsplice(p[1], &iov, 1, 0) != PLEN)
		die("vmsplice");
	munmap(map, ALEN);
	close(fd);
}

/* drain the pipe: does it give A's old data? */
static int pipe_has_a(int p[2])
{
	static char buf[PLEN];
	long bad;

	if (read(p[0], buf, PLEN) != PLEN)
		die("read pipe");
	close(p[0]);
	close(p[1]);
	bad = mismatch_at(buf, PLEN, POFF, 1);
	if (bad >= 0)
		printf("# the pipe differs at offset %ld: %#llx, not %#llx\n",
		       bad, (unsigned long long)*(uint64_t *)(buf + bad),
		       (unsigned long long)pattern_word(POFF + bad, 1));
	return bad < 0;
}

/*
 * After zero or insert of [1, 2) MiB: A's data is pass 1 of the pattern
 * with that range zeroed, or with a zeroed range inserted there.
 */
static int a_after(const char *op)
{
	static char buf[POFF];
	off_t off, len = ALEN + (!strcmp(op, "insert") ? POFF : 0);
	int fd = open(path_a, O_RDONLY), ok = 1;

	if (fd < 0)
		die(path_a);
	for (off = 0; ok && off < len; off += POFF) {
		if (pread(fd, buf, POFF, off) != POFF)
			die("read A");
		if (off == POFF) {
			for (size_t i = 0; i < POFF; i++)
				ok &= !buf[i];
		} else {
			off_t was = off > POFF && len > ALEN ? off - POFF : off;

			ok = mismatch_at(buf, POFF, was, 1) < 0;
		}
		if (!ok)
			printf("# A differs in [%lld, %lld)\n", (long long)off,
			       (long long)off + POFF);
	}
	close(fd);
	return ok;
}

static void test_pipe(const char *op)
{
	char what[128];
	long long phys;
	int p[2], rc, b_early = 0;
	pid_t pid;

	make_a();
	if (!strcmp(op, "sparse"))
		make_sparse_a();
	pin_a(p, &phys);
	pid = start_op(op);
	sleep(WAITED);
	snprintf(what, sizeof(what), "%s of A waits while its page is pinned",
		 op);
	check(running(pid), what);
	/* no wait: B takes the block while the pipe still holds the page */
	if (!running(pid))
		b_early = write_b(phys);
	check(pipe_has_a(p), "the pipe returns A's old data");
	rc = wait_child(pid, 60);
	snprintf(what, sizeof(what), "%s completes once the pipe is drained (exit %d)",
		 op, rc);
	check(rc == 0, what);
	if (!strcmp(op, "zero") || !strcmp(op, "insert")) {
		snprintf(what, sizeof(what), "A's data is right after the %s",
			 op);
		check(a_after(op), what);
		return;
	}
	if (!b_early)
		b_early = write_b(phys);
	check(b_early, "B gets A's old block (FIEMAP)");
	check(b_intact(), "B holds its own data only");
}

/* a child that keeps the pages of pipe P pinned until it is killed */
static void hold(int p[2], const char *pidfile)
{
	int q[2];
	FILE *f;
	pid_t pid;

	if (pipe(q) || tee(p[0], q[1], PLEN, 0) != PLEN)
		die("tee");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		for (;;)
			pause();
	}
	close(q[0]);
	close(q[1]);
	f = fopen(pidfile, "w");
	if (!f || fprintf(f, "%d\n", pid) < 0 || fclose(f))
		die(pidfile);
}

/*
 * A deleted by an exiting task, which waits 5 s at most for the pin.
 * BRIEF: the pipe is drained 1 s later, and A's blocks must go; else the
 * pin lasts (held past this process by a child, with PIDFILE), and A's
 * blocks must stay.
 */
static void test_exit(const char *pidfile, int brief)
{
	long long phys;
	int p[2], rc;
	pid_t pid;
	double t;

	make_a();
	pin_a(p, &phys);
	if (pidfile)
		hold(p, pidfile);
	t = now();
	pid = start_op("exit");
	if (brief) {
		sleep(1);
		check(running(pid), "a task that exits with a deleted file open waits for the pin");
		check(pipe_has_a(p), "the pipe returns A's old data");
	}
	rc = wait_child(pid, 15);
	printf("# the exiting task ended after %.2f s\n", now() - t);
	if (brief) {
		check(rc == 0, "it ends once the pipe is drained");
		check(write_b(phys), "B gets A's old block (FIEMAP)");
	} else {
		check(rc == 0 && now() - t < 8,
		      "a task that exits with a deleted file open waits 5 s at most");
		check(!write_b(phys), "B does not get A's pinned block (FIEMAP)");
	}
	check(b_intact(), "B holds its own data only");
	if (!brief)
		check(pipe_has_a(p), "the pipe returns A's old data");
}

static void test_kill(void)
{
	struct stat st;
	long long phys;
	double t;
	int p[2], rc, fd;
	pid_t pid;

	make_a();
	pin_a(p, &phys);
	pid = start_op("truncate");
	sleep(WAITED);
	check(running(pid), "the truncate waits while the page is pinned");
	t = now();
	kill(pid, SIGKILL);
	rc = wait_child(pid, 10);
	printf("# the killed truncate exited %d after %.2f s\n", rc, now() - t);
	check(rc == 128 + SIGKILL && now() - t < 5, "SIGKILL ends the wait");
	fd = open(path_a, O_RDWR);
	if (fd < 0 || fstat(fd, &st))
		die(path_a);
	printf("# A: %lld bytes after the killed truncate\n",
	       (long long)st.st_size);
	check(st.st_size == ALEN, "A keeps its size");
	check(phys_of(fd, POFF) == phys, "A keeps its pinned block");
	check(pipe_has_a(p), "the pipe returns A's data");
	check(ftruncate(fd, 0) == 0, "a truncate without the pin succeeds");
	close(fd);
}

/* the /sys/dev/block entry of the device FD, for its inflight count */
static int inflight_reads(int fd)
{
	char path[64];
	struct stat st;
	FILE *f;
	int r = -1, w;

	if (fstat(fd, &st))
		die("fstat DELAYED");
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/inflight",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d %d", &r, &w) != 2)
		die(path);
	fclose(f);
	return r;
}

static void test_dio(const char *delayed, const char *bdev)
{
	static char buf[PLEN] __attribute__((aligned(4096)));
	long long phys;
	char *map;
	int fa, fd, rc, b_early = 0;
	pid_t reader, pid;
	double t;

	make_a();
	fd = open(delayed, O_RDWR | O_DIRECT);
	if (fd < 0)
		die(delayed);
	pattern_fill(buf, PLEN, 3);
	if (pwrite(fd, buf, PLEN, 0) != PLEN)
		die("write DELAYED");
	fa = open(path_a, O_RDWR);
	if (fa < 0)
		die(path_a);
	phys = phys_of(fa, POFF);
	map = map_aligned(fa, ALEN, 2 << 20);
	close(fa);
	reader = fork();
	if (reader < 0)
		die("fork");
	if (!reader)
		_exit(pread(fd, map + POFF, PLEN, 0) == PLEN ? 0 : 1);
	/* the read is in flight, so its pages are pinned */
	t = now();
	while (inflight_reads(fd) < 1 && now() - t < 30)
		usleep(10000);
	printf("# the O_DIRECT read is in flight after %.2f s\n", now() - t);
	munmap(map, ALEN);
	pid = start_op("truncate");
	usleep(500000);
	check(running(pid) && running(reader),
	      "the truncate waits while the O_DIRECT read is in flight");
	if (!running(pid))
		b_early = write_b(phys);
	rc = wait_child(reader, 60);
	check(rc == 0, "the O_DIRECT read completes");
	rc = wait_child(pid, 60);
	check(rc == 0, "the truncate completes after the read");
	if (!b_early) {
		int fb = open(bdev, O_RDONLY | O_DIRECT);

		if (fb < 0 || pread(fb, buf, PLEN, phys) != PLEN)
			die(bdev);
		close(fb);
		check(mismatch_at(buf, PLEN, 0, 3) < 0,
		      "the read landed in A's old block");
		b_early = write_b(phys);
	}
	check(b_early, "B gets A's old block (FIEMAP)");
	check(b_intact(), "B holds its own data only");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *op;

	if (argc < 3 || (!strcmp(argv[1], "dio") ? argc != 5 :
			 argc > (!strcmp(argv[1], "exit") ? 4 : 3))) {
		fprintf(stderr, "usage: pin_layout truncate|punch|collapse|zero|insert|unlink|sparse|kill|exit-brief DIR\n"
				"       pin_layout exit DIR [HOLDER]\n"
				"       pin_layout dio DIR DELAYED BDEV\n");
		return 2;
	}
	op = argv[1];
	snprintf(path_a, sizeof(path_a), "%s/a", argv[2]);
	snprintf(path_b, sizeof(path_b), "%s/b", argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(op, "kill"))
		test_kill();
	else if (!strcmp(op, "dio"))
		test_dio(argv[3], argv[4]);
	else if (!strcmp(op, "exit"))
		test_exit(argc > 3 ? argv[3] : NULL, 0);
	else if (!strcmp(op, "exit-brief"))
		test_exit(NULL, 1);
	else if (!strcmp(op, "truncate") || !strcmp(op, "punch") ||
		 !strcmp(op, "collapse") || !strcmp(op, "zero") ||
		 !strcmp(op, "insert") || !strcmp(op, "unlink") ||
		 !strcmp(op, "sparse"))
		test_pipe(op);
	else {
		fprintf(stderr, "pin_layout: unknown OP '%s'\n", op);
		return 2;
	}
	unlink(path_a);
	unlink(path_b);
	return failed;
}
