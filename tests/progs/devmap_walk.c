/*
 * devmap_walk: the page table walkers of a live DAX mapping.
 *
 * usage: devmap_walk FILE READY
 *
 * Writes a 4 MiB FILE (pass 1 of the pattern), maps its first 2 MiB at a
 * 2 MiB-aligned address (DAX maps a PMD there) and 64 KiB at offset 2 MiB
 * (PTEs), and reads both.  Then /proc/self/pagemap must show every page
 * present, with consecutive pfns in the PMD, before and after a write of
 * 1 (referenced bits) and 4 (soft-dirty bits) to /proc/self/clear_refs,
 * and the data must read back.  Then it creates READY and waits for a
 * SIGUSR1 (the caller moves it to another memory cgroup meanwhile), and
 * checks the data and pagemap once more.  Prints TAP lines; exits 0 if
 * all passed, 1 if not, 2 on a setup error.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "daxgup.h"

#define FLEN	(4 << 20)
#define PMDLEN	(2 << 20)
#define PTELEN	(64 << 10)

static int failed;
static char *file_data;		/* what the file holds */
static volatile sig_atomic_t cue;

static void on_cue(int sig)
{
	(void)sig;
	cue = 1;
}

static void report(int ok, const char *what, const char *why)
{
	printf("%sok - %s", ok ? "" : "not ", what);
	if (!ok && why)
		printf(" # %s", why);
	printf("\n");
	fflush(stdout);
	failed |= !ok;
}

/* every page of [P, P+LEN) present; if CONSECUTIVE, with consecutive pfns */
static void check_pagemap(const char *what, char *p, size_t len,
			  int consecutive)
{
	size_t i, n = len / 4096, present = 0, runs = 0;
	uint64_t e[PMDLEN / 4096], pfn, last = 0;
	char name[128], why[64];

	pagemap_read(p, n, e);
	for (i = 0; i < n; i++) {
		present += e[i] >> 63;
		pfn = e[i] & ((1ull << 55) - 1);
		runs += !i || pfn != last + 1;
		last = pfn;
	}
	snprintf(name, sizeof(name), "pagemap: %s", what);
	snprintf(why, sizeof(why), "%zu of %zu present, %zu pfn runs",
		 present, n, runs);
	report(present == n && (!consecutive || runs == 1), name, why);
}

static void clear_refs(const char *v)
{
	char name[64];
	int fd = open("/proc/self/clear_refs", O_WRONLY);

	snprintf(name, sizeof(name), "clear_refs: write %s", v);
	report(fd >= 0 && write(fd, v, 1) == 1, name, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void check_data(const char *what, char *pmd, char *pte)
{
	long off = pattern_mismatch(pmd, PMDLEN, 1);
	char why[64];

	if (off < 0 && memcmp(pte, file_data + PMDLEN, PTELEN))
		off = PMDLEN;
	snprintf(why, sizeof(why), "mismatch at %ld", off);
	report(off < 0, what, why);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_cue };
	char *buf, *pmd, *pte;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: devmap_walk FILE READY\n");
		return 2;
	}
	sigaction(SIGUSR1, &sa, NULL);
	fd = pattern_file(argv[1], FLEN, &buf);
	pmd = map_aligned(fd, PMDLEN, PMDLEN);
	pte = map_aligned_at(fd, PTELEN, PMDLEN, 4096);
	close(fd);
	file_data = buf;
	check_data("both mappings read the file", pmd, pte);

	check_pagemap("the PMD mapping is present, one pfn run", pmd, PMDLEN, 1);
	check_pagemap("the PTE mapping is present", pte, PTELEN, 0);
	clear_refs("1");
	clear_refs("4");
	check_pagemap("the PMD mapping is still present after clear_refs",
		      pmd, PMDLEN, 1);
	check_data("the data after clear_refs", pmd, pte);

	fd = open(argv[2], O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die(argv[2]);
	close(fd);
	while (!cue)
		pause();
	check_data("the data after the cgroup move", pmd, pte);
	check_pagemap("the PMD mapping after the cgroup move", pmd, PMDLEN, 1);
	return failed;
}
