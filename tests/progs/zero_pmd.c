/*
 * zero_pmd: a DAX mapping of a hole, then the hole gets blocks.
 *
 * usage: zero_pmd FILE
 *
 * Makes FILE a 4 MiB hole, maps it shared at a 2 MiB-aligned address
 * and reads it: DAX maps the hole with the huge zero page.  Then
 * pwrite() fills the first 2 MiB (pass 1 of the pattern), which gives
 * the hole blocks.  Loads through the mapping must then see the data,
 * not zeros, and a store through it must complete (within 20 s) and
 * reach the file.  Prints TAP lines; exits 0 if all passed, 1 if not,
 * 2 on a setup error.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "daxgup.h"

#define FLEN	(4 << 20)
#define PMDLEN	(2 << 20)

static int failed;

static void report(int ok, const char *what, const char *why)
{
	printf("%sok - %s%s%s\n", ok ? "" : "not ", what,
	       !ok && why ? " # " : "", !ok && why ? why : "");
	fflush(stdout);
	failed |= !ok;
}

static void on_alarm(int sig)
{
	(void)sig;
	printf("not ok - a store through the mapping completes # it hangs\n");
	_exit(1);
}

int main(int argc, char **argv)
{
	uint64_t v, *w;
	char *buf, *p, why[64];
	long off;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: zero_pmd FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	buf = malloc(PMDLEN);
	if (fd < 0 || !buf || ftruncate(fd, FLEN))
		die(argv[1]);
	p = map_aligned(fd, FLEN, PMDLEN);
	v = *(volatile uint64_t *)p;
	report(v == 0, "the hole reads as zeros", "not zero");

	pattern_fill(buf, PMDLEN, 1);
	if (pwrite(fd, buf, PMDLEN, 0) != PMDLEN || fsync(fd))
		die("pwrite");
	off = pattern_mismatch(p, PMDLEN, 1);
	snprintf(why, sizeof(why), "offset %ld reads %#llx", off,
		 off < 0 ? 0ull : (unsigned long long)((uint64_t *)p)[off / 8]);
	report(off < 0, "after pwrite(), the mapping reads the data", why);

	signal(SIGALRM, on_alarm);
	alarm(20);
	w = (uint64_t *)(p + 8192);
	*w = pattern_word(8192, 2);
	alarm(0);
	report(1, "a store through the mapping completes", NULL);
	if (pread(fd, &v, 8, 8192) != 8)
		die("pread");
	report(v == pattern_word(8192, 2), "the store reached the file",
	       "pread() reads something else");
	return failed;
}
