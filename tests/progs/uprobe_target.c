/*
 * uprobe_target: a program with 6 MiB of text, so that a DAX-resident
 * copy of it has text that DAX can map with a PMD (a 2 MiB-aligned run of
 * the text segment that the vma covers whole) and text that it maps with
 * PTEs (the first, partial 2 MiB).
 *
 * usage: uprobe_target offsets   print "PTE_OFF PMD_OFF": the file offsets
 *                                of a nop in each kind of text, for a
 *                                uprobe ("p:NAME FILE:OFF")
 *        uprobe_target run       run through all of the text once
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "daxgup.h"

#define MIB		(1ul << 20)
#define PAD_STR		"6291456"	/* 6 MiB of nops */

__asm__(".text\n"
	".globl pad\n"
	".type pad, @function\n"
	".balign 4096\n"
	"pad:\n"
	".fill " PAD_STR ", 1, 0x90\n"
	"ret\n"
	".size pad, . - pad\n");
void pad(void);

/* the file offset of ADDR, from its line in /proc/self/maps */
static unsigned long file_offset(uintptr_t addr)
{
	unsigned long start, end, off;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		die("/proc/self/maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %*s %lx", &start, &end, &off) == 3 &&
		    addr >= start && addr < end) {
			fclose(f);
			return addr - start + off;
		}
	fprintf(stderr, "uprobe_target: %#lx is in no mapping\n",
		(unsigned long)addr);
	exit(2);
}

int main(int argc, char **argv)
{
	uintptr_t p = (uintptr_t)pad;
	uintptr_t pmd = ((p + 2 * MIB - 1) & ~(2 * MIB - 1)) + MIB;

	if (argc == 2 && !strcmp(argv[1], "run")) {
		pad();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "offsets")) {
		if (p % (2 * MIB) == 0 || pmd + MIB > p + 6 * MIB) {
			fprintf(stderr, "uprobe_target: pad at %#lx\n",
				(unsigned long)p);
			return 2;
		}
		printf("%#lx %#lx\n", file_offset(p + 64), file_offset(pmd));
		return 0;
	}
	fprintf(stderr, "usage: uprobe_target offsets|run\n");
	return 2;
}
