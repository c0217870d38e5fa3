/*
 * vfio_dax: VFIO maps a DAX buffer for device DMA under a layout lease,
 * and lets it go.
 *
 * usage: vfio_dax GROUP FILE series|base
 *   GROUP   the IOMMU group of a device bound to vfio-pci (/dev/vfio/N)
 *   FILE    a file on a DAX filesystem; 64 KiB of it are mapped
 *
 * /proc/sys/fs/lease-break-time must be small (the caller sets 2 s).
 * As a control, 64 KiB of anonymous memory must map and unmap on any
 * kernel.  On the base, VFIO_IOMMU_MAP_DMA of the DAX mapping fails with
 * EFAULT (it cannot pin DAX pages at all), and F_SETLEASE F_LAYOUT with
 * EINVAL.  On the series:
 *  - without a lease, the MAP_DMA fails with EOPNOTSUPP;
 *  - bad lease requests get their errno and change nothing;
 *  - under a lease (F_SETLEASE F_LAYOUT), it maps, and counts 64 KiB in
 *    VmLck;
 *  - a truncate by another process sends the holder SIGIO; a holder that
 *    unmaps and releases the lease lets it complete before the break
 *    time; one that does not makes it fail with ETXTBSY after the break
 *    time, with the file's size, data and pin left as they were, and its
 *    lease gone: a new MAP_DMA is refused;
 *  - closing the container, and the exit of a holder, drop the pins: a
 *    truncate then completes;
 *  - a holder that closes its leased file keeps its pins (they are the
 *    container's): a truncate fails with ETXTBSY until it lets them go.
 * Prints TAP lines; exits 0 if all passed, 1 if not, 2 on a setup error.
 */
#include <linux/vfio.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "daxgup.h"

#define LEN	(64 << 10)
#define IOVA	(1 << 20)

static int failed;
static volatile sig_atomic_t sigio;

static void check(int ok, const char *what)
{
	printf("%sok - %s\n", ok ? "" : "not ", what);
	if (!ok)
		failed = 1;
}

static void on_sigio(int sig)
{
	(void)sig;
	sigio++;
}

/* a type1 container with GROUP in it */
static int container(const char *group, int *groupfd)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int c = open("/dev/vfio/vfio", O_RDWR);

	if (c < 0)
		die("/dev/vfio/vfio");
	if (ioctl(c, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    !ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU))
		die("VFIO type1 IOMMU support");
	*groupfd = open(group, O_RDWR);
	if (*groupfd < 0)
		die(group);
	if (ioctl(*groupfd, VFIO_GROUP_GET_STATUS, &st))
		die("VFIO_GROUP_GET_STATUS");
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		die("the group is not viable (bind all its devices to vfio-pci)");
	}
	if (ioctl(*groupfd, VFIO_GROUP_SET_CONTAINER, &c))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		die("VFIO_SET_IOMMU");
	return c;
}

static int map_dma(int c, void *buf, unsigned long iova)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = iova,
		.size = LEN,
	};

	return ioctl(c, VFIO_IOMMU_MAP_DMA, &map) ? errno : 0;
}

static int unmap_dma(int c)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = IOVA, .size = LEN,
	};

	return ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap) || unmap.size != LEN;
}

/* VmLck of this task, in KiB */
static long vmlck(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* fcntl(FD, F_SETLEASE, ARG): 0 or the errno */
static int setlease(int fd, int arg)
{
	return fcntl(fd, F_SETLEASE, arg) ? errno : 0;
}

/*
 * Reap the truncate child PID, killing it after LIMIT seconds; return
 * its result (0 or an errno, -1 if it was killed), and in *SECS how long
 * after START it ended.  While it runs, call HOLDER once SIGIO came.
 */
static int reap(pid_t pid, double start, double limit, double *secs,
		void (*holder)(void))
{
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			die("waitpid");
		if (holder && sigio) {
			holder();
			holder = NULL;
		}
		if (now() - start > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*secs = now() - start;
			return -1;
		}
		usleep(10000);
	}
	*secs = now() - start;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* does a truncate of PATH to 0 complete within 5 s? */
static int truncate_completes(const char *path)
{
	double secs;
	int err = reap(truncate_child(path), now(), 5, &secs, NULL);

	if (err)
		printf("# the truncate: %s after %.2f s\n",
		       err < 0 ? "still waiting" : strerror(err), secs);
	return !err;
}

static int holder_c, holder_fd, new_lease = -1;
static const char *holder_path;

/* while a truncate waits for the pins: may another lease be taken? */
static void try_lease(void)
{
	int fd = open(holder_path, O_RDWR);

	if (fd < 0)
		die(holder_path);
	new_lease = setlease(fd, F_LAYOUT);
	close(fd);
}

/* a holder that complies: it unmaps its DMA and releases the lease */
static void comply(void)
{
	if (unmap_dma(holder_c))
		die("VFIO_IOMMU_UNMAP_DMA");
	if (setlease(holder_fd, F_UNLCK))
		die("F_SETLEASE F_UNLCK");
}

/* a holder that exits with its pins, killed: it pins, then waits */
static void holder_exits(const char *group, const char *path)
{
	int ready[2], c, g, fd, ok;
	char *buf, b;
	pid_t pid;

	if (pipe(ready))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(ready[0]);
		fd = open(path, O_RDWR);
		if (fd < 0 || setlease(fd, F_LAYOUT))
			_exit(2);
		buf = map_aligned(fd, LEN, LEN);
		c = container(group, &g);
		b = map_dma(c, buf, IOVA) ? 'n' : 'y';
		if (write(ready[1], &b, 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ok = read(ready[0], &b, 1) == 1 && b == 'y';
	close(ready[0]);
	check(ok, "a child takes a lease and maps the file for DMA");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	check(truncate_completes(path),
	      "after the child is killed, a truncate of the file completes");
}

int main(int argc, char **argv)
{
	const char *group, *path, *other = "/tmp/vfio_dax.notdax";
	char what[200], *data, *buf, *anon;
	int c, g, fd, ro, nd, err, base;
	double bt, start, secs;
	long locked;
	struct stat st;

	if (argc != 4 || (strcmp(argv[3], "series") && strcmp(argv[3], "base"))) {
		fprintf(stderr, "usage: vfio_dax GROUP FILE series|base\n");
		return 2;
	}
	group = argv[1];
	path = argv[2];
	base = !strcmp(argv[3], "base");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (signal(SIGIO, on_sigio) == SIG_ERR)
		die("signal");
	bt = lease_break_time();

	fd = pattern_file(path, LEN, &data);
	buf = map_aligned(fd, LEN, LEN);
	anon = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap anonymous");

	c = container(group, &g);
	check(!map_dma(c, anon, IOVA) && !unmap_dma(c),
	      "control: VFIO_IOMMU_MAP_DMA and UNMAP_DMA of anonymous memory");

	locked = vmlck();
	err = map_dma(c, buf, IOVA);
	snprintf(what, sizeof(what),
		 "without a lease, VFIO_IOMMU_MAP_DMA of a DAX mapping fails: %s (want %s)",
		 errname(err), base ? "EFAULT" : "EOPNOTSUPP");
	check(err == (base ? EFAULT : EOPNOTSUPP), what);
	check(vmlck() == locked, "... and locks no memory");

	err = setlease(fd, F_LAYOUT);
	if (base) {
		snprintf(what, sizeof(what),
			 "F_SETLEASE F_LAYOUT: %s (want EINVAL)", errname(err));
		check(err == EINVAL, what);
		goto out;
	}
	check(!err, "F_SETLEASE F_LAYOUT on the DAX file");
	check(fcntl(fd, F_GETLEASE) == F_LAYOUT, "F_GETLEASE says F_LAYOUT");

	/* bad input: each gets its errno, and changes nothing */
	err = setlease(fd, F_LAYOUT);
	snprintf(what, sizeof(what), "a second F_LAYOUT on the same file: %s (want EBUSY)",
		 errname(err));
	check(err == EBUSY && fcntl(fd, F_GETLEASE) == F_LAYOUT, what);
	ro = open(path, O_RDONLY);
	if (ro < 0)
		die(path);
	err = setlease(ro, F_LAYOUT);
	snprintf(what, sizeof(what), "F_LAYOUT on a file opened read-only: %s (want EBADF)",
		 errname(err));
	check(err == EBADF && fcntl(ro, F_GETLEASE) == F_UNLCK, what);
	err = setlease(ro, F_UNLCK);
	snprintf(what, sizeof(what), "F_UNLCK of a lease that is not held: %s (want EAGAIN)",
		 errname(err));
	check(err == EAGAIN && fcntl(fd, F_GETLEASE) == F_LAYOUT, what);
	close(ro);
	nd = open(other, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (nd < 0)
		die(other);
	err = setlease(nd, F_LAYOUT);
	snprintf(what, sizeof(what), "F_LAYOUT on a file that is not DAX (%s): %s (want EINVAL)",
		 other, errname(err));
	check(err == EINVAL && fcntl(nd, F_GETLEASE) == F_UNLCK, what);
	close(nd);
	unlink(other);

	/* under the lease, a holder that complies */
	err = map_dma(c, buf, IOVA);
	snprintf(what, sizeof(what), "under the lease, VFIO_IOMMU_MAP_DMA: %s",
		 errname(err));
	check(!err, what);
	printf("# VmLck: %ld kB, then %ld kB\n", locked, vmlck());
	check(vmlck() == locked + LEN / 1024,
	      "the mapping counts as 64 KiB of locked memory");
	holder_c = c;
	holder_fd = fd;
	sigio = 0;
	start = now();
	err = reap(truncate_child(path), start, bt + 5, &secs, comply);
	printf("# SIGIO: %d; the truncate ended after %.2f s (break time %.0f s)\n",
	       (int)sigio, secs, bt);
	check(sigio, "a truncate by another process sends the holder SIGIO");
	snprintf(what, sizeof(what),
		 "the holder unmaps and releases: the truncate completes (%s) before the break time",
		 err < 0 ? "killed" : errname(err));
	check(!err && secs < bt, what);
	check(vmlck() == locked, "... and the mapping no longer counts as locked");

	/* a holder that ignores the break */
	if (pwrite(fd, data, LEN, 0) != LEN || fsync(fd))
		die("rewrite the file");
	check(!setlease(fd, F_LAYOUT) && !map_dma(c, buf, IOVA),
	      "the lease again, and VFIO_IOMMU_MAP_DMA again");
	sigio = 0;
	start = now();
	holder_path = path;
	err = reap(truncate_child(path), start, bt + 10, &secs, try_lease);
	printf("# SIGIO: %d; the truncate ended after %.2f s: %s\n",
	       (int)sigio, secs, err < 0 ? "killed" : errname(err));
	snprintf(what, sizeof(what),
		 "while the truncate waits, a new F_LAYOUT lease of the file: %s (want EAGAIN)",
		 new_lease < 0 ? "not tried" : errname(new_lease));
	check(new_lease == EAGAIN, what);
	snprintf(what, sizeof(what),
		 "a holder that ignores SIGIO: the truncate fails with ETXTBSY after the break time (%.0f s)",
		 bt);
	check(sigio && err == ETXTBSY && secs > bt - 0.5 && secs < bt + 3,
	      what);
	check(!fstat(fd, &st) && st.st_size == LEN,
	      "... and leaves the file its size");
	snprintf(what, sizeof(what),
		 "... its data (first difference at %ld; -1: none), and the pin (VmLck %ld kB)",
		 pattern_mismatch(buf, LEN, 1), vmlck());
	check(pattern_mismatch(buf, LEN, 1) < 0 &&
	      vmlck() == locked + LEN / 1024, what);
	err = fcntl(fd, F_GETLEASE);
	check(err == F_UNLCK, "the lease is gone after the break time");
	err = map_dma(c, buf, IOVA + LEN);
	snprintf(what, sizeof(what),
		 "... so a new VFIO_IOMMU_MAP_DMA is refused: %s (want EOPNOTSUPP)",
		 errname(err));
	check(err == EOPNOTSUPP, what);
	check(!unmap_dma(c), "VFIO_IOMMU_UNMAP_DMA");
	check(truncate_completes(path),
	      "after it, a truncate of the file completes");

	/* close() of the container drops the pins */
	if (ftruncate(fd, LEN))
		die("ftruncate");
	check(!setlease(fd, F_LAYOUT) && !map_dma(c, buf, IOVA),
	      "the lease, and VFIO_IOMMU_MAP_DMA, a third time");
	close(g);
	close(c);
	check(vmlck() == locked, "close() of the container unlocks the memory");
	check(truncate_completes(path),
	      "after close() of the container, a truncate of the file completes");

	/* so does the exit of a holder */
	if (ftruncate(fd, LEN))
		die("ftruncate");
	check(!setlease(fd, F_UNLCK), "F_SETLEASE F_UNLCK");
	holder_exits(group, path);

	/* a holder that closes its leased file keeps its pins */
	if (ftruncate(fd, LEN))
		die("ftruncate");
	c = container(group, &g);
	check(!setlease(fd, F_LAYOUT) && !map_dma(c, buf, IOVA),
	      "the lease, and VFIO_IOMMU_MAP_DMA, once more");
	munmap(buf, LEN);
	close(fd);
	start = now();
	err = reap(truncate_child(path), start, bt + 10, &secs, NULL);
	snprintf(what, sizeof(what),
		 "after the holder closes the leased file, its pins stay: the truncate fails with %s after %.2f s (want ETXTBSY)",
		 err < 0 ? "killed" : errname(err), secs);
	check(err == ETXTBSY && secs < bt + 3, what);
	close(g);
	close(c);
	check(truncate_completes(path),
	      "after close() of the container, a truncate of the file completes");
	free(data);
	return failed;
out:
	close(g);
	close(c);
	munmap(buf, LEN);
	close(fd);
	free(data);
	return failed;
}
