/*
 * stale_map: a process keeps its DAX mappings while the device under them
 * goes away, and while the namespace is reconfigured and gets a new owner.
 *
 * usage: stale_map run FILE STATEDIR DEV
 *        stale_map fill DEV
 *        stale_map verify DEV
 *
 * run: write a 4 MiB FILE (pass 1 of the pattern), map its first 2 MiB at
 * a 2 MiB-aligned address (DAX can map a PMD there) and 64 KiB at offset
 * 2 MiB (PTEs only: the vma is smaller than a PMD), and read both.  Then,
 * each time after a SIGUSR1 (the caller's cue):
 *   1. create STATEDIR/mapped, and wait (the caller unbinds the device);
 *   2. walk the mappings as the kernel's walkers do: /proc/self/pagemap,
 *      /proc/self/clear_refs, /proc/self/smaps, mincore(), get_user_pages
 *      fast (an O_DIRECT read from DEV, the scratch disk, into the
 *      mapping) and slow (/proc/self/mem), fork, mprotect, mremap (the
 *      PMD mapping moves) and plain loads; create STATEDIR/walked, wait
 *      (the caller reconfigures the namespace and fills the new device
 *      with "stale_map fill");
 *   3. load from and store to the old mappings, munmap them.
 * Every access to a mapping of the dead device must get SIGBUS, and no
 * walker may find a present entry.  smaps, clear_refs, O_DIRECT and
 * /proc/self/mem cannot tell a stale entry from none (smaps does not
 * count DAX pages, GUP fails on a dead pagemap either way): they are
 * there for the walk, which must not oops (the host checks the log).  Prints TAP lines; exits 0 if all
 * passed, 1 if not, 2 on a setup error.
 *
 * fill writes pass 99 of the pattern over all of DEV; verify checks that
 * it is still there (a store through a stale mapping would change it).
 * Both use O_DIRECT: verify must read the media, not the page cache that
 * fill left behind, which would hide such a store.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daxgup.h"

#define FLEN	(4 << 20)	/* the file */
#define PMDLEN	(2 << 20)	/* the PMD mapping: file offset 0 */
#define PTELEN	(64 << 10)	/* the PTE mapping: file offset PMDLEN */
#define NEWSEED	99		/* the new owner's data */
#define CHUNK	(1 << 20)

static int failed;
static sigjmp_buf probe_env;
static volatile sig_atomic_t cue;

static void report(int ok, const char *fmt, const char *what, const char *why)
{
	printf("%sok - ", ok ? "" : "not ");
	printf(fmt, what);
	if (!ok && why)
		printf(" # %s", why);
	printf("\n");
	fflush(stdout);
	failed |= !ok;
}

static void on_fault(int sig)
{
	siglongjmp(probe_env, sig);
}

static void on_cue(int sig)
{
	(void)sig;
	cue = 1;
}

static void wait_cue(const char *dir, const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die(path);
	close(fd);
	while (!cue)
		pause();
	cue = 0;
}

/* a load (or a store of VAL if STORE) at P: 0, or the signal it got */
static int probe(volatile uint64_t *p, int store, uint64_t val, uint64_t *out)
{
	int sig = sigsetjmp(probe_env, 1);

	if (sig)
		return sig;
	if (store)
		*p = val;
	else
		*out = *p;
	return 0;
}

/* an access to a mapping of the dead device: must be SIGBUS */
static void expect_sigbus(const char *what, void *addr, int store)
{
	uint64_t v = 0;
	char why[128];
	int sig;

	sig = probe(addr, store, pattern_word(0, NEWSEED), &v);
	if (sig == SIGBUS) {
		report(1, "%s gets SIGBUS", what, NULL);
		return;
	}
	if (sig)
		snprintf(why, sizeof(why), "signal %d", sig);
	else if (store)
		snprintf(why, sizeof(why), "the store went through");
	else
		snprintf(why, sizeof(why), "read %#llx%s", (unsigned long long)v,
			 v >> 40 == (pattern_word(0, NEWSEED) >> 40) ?
			 " (the new owner's data)" : "");
	report(0, "%s gets SIGBUS", what, why);
}

/* /proc/self/pagemap: no entry of [P, P+LEN) may be present */
static void check_pagemap(const char *what, char *p, size_t len)
{
	size_t i, n = len / 4096, present = 0;
	uint64_t e[PMDLEN / 4096];
	char why[64];

	pagemap_read(p, n, e);
	for (i = 0; i < n; i++)
		present += e[i] >> 63;
	snprintf(why, sizeof(why), "%zu of %zu present", present, n);
	report(!present, "pagemap: no page of the %s mapping is present",
	       what, why);
}

/* /proc/self/smaps: the Rss of the vma at P, in kB, or -1 */
static long smaps_rss(char *p)
{
	char line[512], head[32];
	FILE *f = fopen("/proc/self/smaps", "r");
	long rss = -1;
	int in = 0;

	if (!f)
		die("/proc/self/smaps");
	snprintf(head, sizeof(head), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, head, strlen(head)))
			in = 1;
		else if (in && sscanf(line, "Rss: %ld", &rss) == 1)
			break;
	}
	fclose(f);
	return rss;
}

static void check_smaps(const char *what, char *p)
{
	long rss = smaps_rss(p);
	char why[64];

	snprintf(why, sizeof(why), "Rss %ld kB", rss);
	report(rss == 0, "smaps: the %s mapping has Rss 0 kB (a walker; no oops)", what, why);
}

static void check_mincore(const char *what, char *p, size_t len)
{
	unsigned char vec[PMDLEN / 4096];
	size_t i, n = len / 4096, in = 0;
	char why[64];

	if (mincore(p, len, vec))
		die("mincore");
	for (i = 0; i < n; i++)
		in += vec[i] & 1;
	snprintf(why, sizeof(why), "%zu of %zu resident", in, n);
	report(!in, "mincore: no page of the %s mapping is resident", what, why);
}

/* clear_refs walks every vma's page tables; the host checks the log */
static void check_clear_refs(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);

	report(fd >= 0 && write(fd, "1", 1) == 1, "%s: write 1 (a walker; no oops)", "clear_refs",
	       strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* get_user_pages_fast, then the slow path: O_DIRECT read into P */
static void check_dio(const char *what, const char *dev, char *p)
{
	char why[64];
	ssize_t n;
	int fd = open(dev, O_RDONLY | O_DIRECT);

	if (fd < 0)
		die(dev);
	n = pread(fd, p, 4096, 0);
	snprintf(why, sizeof(why), "returned %zd (%s)", n,
		 n < 0 ? strerror(errno) : "data");
	report(n < 0 && errno == EFAULT,
	       "O_DIRECT read into the %s mapping fails with EFAULT (GUP; no oops)", what, why);
	close(fd);
}

/* get_user_pages() on a remote mm: pread of /proc/self/mem at P */
static void check_proc_mem(const char *what, char *p)
{
	char buf[64], why[64];
	ssize_t n;
	int fd = open("/proc/self/mem", O_RDONLY);

	if (fd < 0)
		die("/proc/self/mem");
	n = pread(fd, buf, sizeof(buf), (uintptr_t)p);
	snprintf(why, sizeof(why), "returned %zd", n);
	report(n < 0, "/proc/self/mem: a read of the %s mapping fails (GUP; no oops)", what,
	       why);
	close(fd);
}

/* fork copies the mappings: the child's load must get SIGBUS too */
static void check_fork(const char *what, char *p)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		uint64_t v;

		_exit(probe((uint64_t *)p, 0, 0, &v) == SIGBUS ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	report(WIFEXITED(status) && !WEXITSTATUS(status),
	       "fork: the child's load from the %s mapping gets SIGBUS", what,
	       "it did not");
}

static int run(const char *file, const char *dir, const char *dev)
{
	struct sigaction sa = { .sa_handler = on_fault };
	char *buf, *pmd, *pte, *moved, *area;
	long off;
	int fd;

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sa.sa_handler = on_cue;
	sigaction(SIGUSR1, &sa, NULL);

	fd = pattern_file(file, FLEN, &buf);
	pmd = map_aligned(fd, PMDLEN, PMDLEN);
	pte = map_aligned_at(fd, PTELEN, PMDLEN, 4096);
	close(fd);
	off = pattern_mismatch(pmd, PMDLEN, 1);
	if (off < 0 && memcmp(pte, buf + PMDLEN, PTELEN))
		off = PMDLEN;
	report(off < 0, "%s: both mappings read the file", file, "mismatch");
	free(buf);

	wait_cue(dir, "mapped");
	check_pagemap("PMD", pmd, PMDLEN);
	check_pagemap("PTE", pte, PTELEN);
	check_clear_refs();
	check_smaps("PMD", pmd);
	check_smaps("PTE", pte);
	check_mincore("PMD", pmd, PMDLEN);
	check_mincore("PTE", pte, PTELEN);
	check_dio("PMD", dev, pmd);
	check_dio("PTE", dev, pte);
	check_proc_mem("PMD", pmd);
	check_proc_mem("PTE", pte);
	check_fork("PMD", pmd);
	check_fork("PTE", pte);
	report(!mprotect(pte, PTELEN, PROT_READ), "%s: mprotect PROT_READ",
	       "PTE mapping", strerror(errno));
	expect_sigbus("a load from the PROT_READ PTE mapping", pte, 0);
	if (mprotect(pte, PTELEN, PROT_READ | PROT_WRITE))
		die("mprotect back");
	area = mmap(NULL, 2 * PMDLEN, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap reserve");
	moved = (char *)(((uintptr_t)area + PMDLEN - 1) & ~(uintptr_t)(PMDLEN - 1));
	moved = mremap(pmd, PMDLEN, PMDLEN, MREMAP_MAYMOVE | MREMAP_FIXED,
		       moved);
	report(moved != MAP_FAILED, "%s: mremap to a new 2 MiB-aligned address",
	       "PMD mapping", strerror(errno));
	if (moved == MAP_FAILED)
		moved = pmd;
	check_pagemap("moved PMD", moved, PMDLEN);
	expect_sigbus("a load from the moved PMD mapping", moved, 0);
	expect_sigbus("a load from the PTE mapping", pte, 0);

	wait_cue(dir, "walked");
	expect_sigbus("after the reconfiguration: a load from the PMD mapping",
		      moved, 0);
	expect_sigbus("after the reconfiguration: a load from the PTE mapping",
		      pte, 0);
	expect_sigbus("after the reconfiguration: a store to the PMD mapping",
		      moved + 8192, 1);
	expect_sigbus("after the reconfiguration: a store to the PTE mapping",
		      pte + 8192, 1);
	report(!munmap(moved, PMDLEN) && !munmap(pte, PTELEN),
	       "%s: munmap both", "mappings", strerror(errno));
	return failed;
}

/* fill or verify all of DEV with the new owner's pattern */
static int new_owner(const char *dev, int fill)
{
	char *buf = aligned_alloc(4096, CHUNK);
	uint64_t *w;
	long bad = 0;
	off_t off;
	ssize_t n;
	size_t i;
	int fd = open(dev, (fill ? O_WRONLY : O_RDONLY) | O_DIRECT);

	if (fd < 0 || !buf)
		die(dev);
	for (off = 0;; off += n) {
		if (fill) {
			w = (uint64_t *)buf;
			for (i = 0; i < CHUNK / 8; i++)
				w[i] = pattern_word(off + i * 8, NEWSEED);
			n = pwrite(fd, buf, CHUNK, off);
		} else {
			n = pread(fd, buf, CHUNK, off);
			w = (uint64_t *)buf;
			for (i = 0; n > 0 && i < (size_t)n / 8; i++)
				if (w[i] != pattern_word(off + i * 8, NEWSEED) &&
				    !bad++)
					printf("# %s: offset %lld changed: %#llx\n",
					       dev, (long long)(off + i * 8),
					       (unsigned long long)w[i]);
		}
		if (n <= 0)
			break;
	}
	if (n < 0 && !(fill && errno == ENOSPC))
		die(fill ? "write" : "read");
	if (fill && fsync(fd))
		die("fsync");
	if (!fill)
		printf("# %s: %ld words changed, %lld bytes read\n", dev, bad,
		       (long long)off);
	return !!bad;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "run"))
		return run(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "fill"))
		return new_owner(argv[2], 1);
	if (argc == 3 && !strcmp(argv[1], "verify"))
		return new_owner(argv[2], 0);
	fprintf(stderr, "usage: stale_map run FILE STATEDIR DEV\n"
		"       stale_map fill|verify DEV\n");
	return 2;
}
