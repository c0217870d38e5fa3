/*
 * vmflags: map FILE shared, touch it, and print the VmFlags of that
 * mapping from /proc/self/smaps.  A DAX mapping on this kernel carries
 * "mm" (VM_MIXEDMAP); a page-cache mapping does not.
 *
 * usage: vmflags FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[512], want[64];
	int fd, in = 0;
	FILE *f;
	char *p;

	if (argc != 2) {
		fprintf(stderr, "usage: vmflags FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, 4096)) {
		perror(argv[1]);
		return 2;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	p[0] = 1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	f = fopen("/proc/self/smaps", "r");
	if (!f) {
		perror("/proc/self/smaps");
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = 1;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			fputs(line, stdout);
			return 0;
		}
	}
	fprintf(stderr, "vmflags: mapping not found in smaps\n");
	return 2;
}
