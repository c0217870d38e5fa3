/*
 * pin_teardown: time the teardown of a namespace whose pages are pinned,
 * from the moment the pins are released at once to the end of the unbind.
 *
 * usage: pin_teardown -n PAGES -f FILE -m MOUNT -u DRIVER-UNBIND -d DEVICE
 *
 * Maps FILE (on the DAX mount MOUNT) 2 MiB aligned and pins PAGES of its
 * 4 KiB pages with vmsplice() into pipes, then drops the mapping and the
 * file and unmounts MOUNT: the pipes hold the only references.  A child
 * writes DEVICE to DRIVER-UNBIND, which must wait for the pins; one second
 * later the parent closes every pipe (the release) and waits for the child.
 * With -n 0 nothing is pinned and the clock starts with the unbind.
 *
 * Prints "seconds <release to unbind done> waited <0|1>": waited is 1 when
 * the unbind was still running at the release.  Exits 0, 1 if the unbind
 * failed, 2 on a setup error (EFAULT from vmsplice: no DAX-GUP).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daxgup.h"

#define PIPE_PAGES	4096	/* 16 MiB of pages per pipe */

int main(int argc, char **argv)
{
	const char *file = NULL, *mnt = NULL, *unbind = NULL, *dev = NULL;
	size_t pages = 0, len, done = 0, n;
	int opt, fd, (*p)[2], npipes, i, status, waited;
	struct iovec iov;
	char *map;
	pid_t child;
	double t;

	while ((opt = getopt(argc, argv, "n:f:m:u:d:")) != -1) {
		switch (opt) {
		case 'n': pages = parse_size(optarg); break;
		case 'f': file = optarg; break;
		case 'm': mnt = optarg; break;
		case 'u': unbind = optarg; break;
		case 'd': dev = optarg; break;
		default: goto usage;
		}
	}
	if (!file || !mnt || !unbind || !dev || optind != argc)
		goto usage;

	npipes = (pages + PIPE_PAGES - 1) / PIPE_PAGES;
	p = calloc(npipes + 1, sizeof(*p));
	len = ((pages * 4096) + (2 << 20) - 1) & ~(size_t)((2 << 20) - 1);
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (!p || fd < 0 || ftruncate(fd, len ? len : 4096))
		die(file);
	if (pages) {
		map = map_aligned(fd, len, 2 << 20);
		memset(map, 0x5a, len);
		for (i = 0; i < npipes; i++) {
			if (pipe(p[i]))
				die("pipe");
			if (fcntl(p[i][1], F_SETPIPE_SZ, PIPE_PAGES * 4096) < 0)
				die("F_SETPIPE_SZ (raise /proc/sys/fs/pipe-max-size)");
			n = pages - done < PIPE_PAGES ? pages - done : PIPE_PAGES;
			/* one iovec per page: one pipe buffer, one pin each */
			while (n--) {
				iov.iov_base = map + done * 4096;
				iov.iov_len = 4096;
				if (vmsplice(p[i][1], &iov, 1, 0) != 4096)
					die("vmsplice");
				done++;
			}
		}
		munmap(map, len);
	}
	close(fd);
	if (umount(mnt))
		die("umount");

	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		/* the pipes must not outlive the parent's close in here */
		for (i = 0; i < npipes; i++) {
			close(p[i][0]);
			close(p[i][1]);
		}
		fd = open(unbind, O_WRONLY);
		if (fd < 0 || write(fd, dev, strlen(dev)) < 0)
			_exit(1);
		_exit(0);
	}
	if (pages)
		sleep(1);
	t = now();
	waited = waitpid(child, &status, WNOHANG) == 0;
	for (i = 0; i < npipes; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	t = now() - t;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "pin_teardown: writing %s to %s failed\n", dev, unbind);
		return 1;
	}
	printf("seconds %.4f waited %d\n", t, pages ? waited : 0);
	return 0;
usage:
	fprintf(stderr, "usage: pin_teardown -n PAGES -f FILE -m MOUNT -u DRIVER-UNBIND -d DEVICE\n");
	return 2;
}
