/*
 * pfn_sb: show or change the pfn info block of a namespace, through its
 * raw block device (the info block is the 4 KiB at offset 4 KiB).
 *
 * usage: pfn_sb DEV show
 *        pfn_sb DEV set FIELD VALUE...   FIELD: mode, dataoff, npfns,
 *                                        minor (version), start_pad,
 *                                        end_trim, align; the checksum
 *                                        is recomputed
 *        pfn_sb DEV corrupt              flip one byte, keep the checksum
 *
 * 'show' prints "mode=M dataoff=D npfns=N checksum=ok|bad minor=V
 * start_pad=P end_trim=T align=A"; it exits 1
 * if there is no info block.  Exit 2 on any other error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SB_OFFSET	4096
#define SB_SIZE		4096
#define SIG		"NVDIMM_PFN_INFO"	/* 16 bytes with the NUL */

/* the on-media layout (little-endian), see drivers/nvdimm/pfn.h */
static const struct field {
	const char *name;
	int off, len;
} fields[] = {
	{ "mode", 72, 4 }, { "dataoff", 56, 8 }, { "npfns", 64, 8 },
	{ "minor", 54, 2 }, { "start_pad", 76, 4 }, { "end_trim", 80, 4 },
	{ "align", 84, 4 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
enum { OFF_NPFNS = 64, OFF_CSUM = 4088 };

static uint8_t *sb;

static void die(const char *what)
{
	fprintf(stderr, "pfn_sb: %s: %s\n", what, strerror(errno));
	exit(2);
}

static uint64_t get_le(int off, int len)
{
	uint64_t v = 0;

	while (len--)
		v = v << 8 | sb[off + len];
	return v;
}

static void put_le(int off, int len, uint64_t v)
{
	for (int i = 0; i < len; i++, v >>= 8)
		sb[off + i] = v & 0xff;
}

/* nd_sb_checksum(): fletcher64 over little-endian u32s, checksum 0 */
static uint64_t checksum(void)
{
	uint64_t save = get_le(OFF_CSUM, 8), hi = 0;
	uint32_t lo = 0;

	put_le(OFF_CSUM, 8, 0);
	for (int i = 0; i < SB_SIZE; i += 4) {
		lo += (uint32_t) get_le(i, 4);
		hi += lo;
	}
	put_le(OFF_CSUM, 8, save);
	return hi << 32 | lo;
}

int main(int argc, char **argv)
{
	int fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: pfn_sb DEV show|set FIELD VALUE...|corrupt\n");
		return 2;
	}
	/* O_DIRECT: straight to the media; a saved copy in a file may not */
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 && errno == EINVAL)
		fd = open(argv[1], O_RDWR);
	if (fd < 0)
		die(argv[1]);
	if (posix_memalign((void **) &sb, 4096, SB_SIZE))
		die("posix_memalign");
	if (pread(fd, sb, SB_SIZE, SB_OFFSET) != SB_SIZE)
		die("read");

	if (strcmp(argv[2], "show") == 0) {
		if (memcmp(sb, SIG, sizeof(SIG)) != 0) {
			printf("no info block\n");
			return 1;
		}
		for (i = 0; i < (int) NFIELDS; i++) {
			printf("%s=%llu ", fields[i].name, (unsigned long long)
			       get_le(fields[i].off, fields[i].len));
			if (i == 2)	/* the old format's order first */
				printf("checksum=%s ", checksum() ==
				       get_le(OFF_CSUM, 8) ? "ok" : "bad");
		}
		printf("\n");
		return 0;
	} else if (strcmp(argv[2], "set") == 0 && argc % 2 == 1) {
		for (i = 3; i < argc; i += 2) {
			uint64_t v = strtoull(argv[i + 1], NULL, 0);
			const struct field *f = NULL;

			for (unsigned int j = 0; j < NFIELDS; j++)
				if (strcmp(argv[i], fields[j].name) == 0)
					f = &fields[j];
			if (!f) {
				fprintf(stderr, "pfn_sb: unknown field %s\n", argv[i]);
				return 2;
			}
			put_le(f->off, f->len, v);
		}
		put_le(OFF_CSUM, 8, checksum());
	} else if (strcmp(argv[2], "corrupt") == 0) {
		sb[OFF_NPFNS] ^= 0x5a;
	} else {
		fprintf(stderr, "pfn_sb: unknown command %s\n", argv[2]);
		return 2;
	}

	if (pwrite(fd, sb, SB_SIZE, SB_OFFSET) != SB_SIZE || fsync(fd))
		die("write");
	return 0;
}
