/*
 * vfio_dax: VFIO maps a DAX buffer for device DMA, and lets it go.
 *
 * usage: vfio_dax GROUP FILE EXPECT
 *   GROUP   the IOMMU group of a device bound to vfio-pci (/dev/vfio/N)
 *   FILE    a file on a DAX filesystem; 64 KiB of it are mapped
 *   EXPECT  ok: VFIO_IOMMU_MAP_DMA of the mapping succeeds;
 *           EFAULT or EOPNOTSUPP: it fails with that errno
 *
 * First, as a control, 64 KiB of anonymous memory must map and unmap on
 * any kernel.  Then a type1 container maps the 64 KiB of FILE at IOVA
 * 1 MiB, once released with VFIO_IOMMU_UNMAP_DMA and once by closing the
 * container.  A mapping that succeeds must add 64 KiB to the task's
 * locked memory (VmLck; vfio counts it even with CAP_IPC_LOCK), and each
 * release must take it back.  After each release, a truncate of FILE to
 * 0 must not wait: a page that VFIO still held would hold the truncate
 * (it waits for pinned DAX pages).  The truncate runs in a child and is
 * killed after 5 s.  Prints TAP lines; exits 0 if all passed, 1 if not,
 * 2 on a setup error.
 */
#include <linux/vfio.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "daxgup.h"

#define LEN	(64 << 10)
#define IOVA	(1 << 20)

static int failed;

static void check(int ok, const char *what)
{
	printf("%sok - %s\n", ok ? "" : "not ", what);
	if (!ok)
		failed = 1;
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

static int map_dma(int c, void *buf)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = IOVA,
		.size = LEN,
	};

	return ioctl(c, VFIO_IOMMU_MAP_DMA, &map) ? errno : 0;
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

/* does a truncate of PATH to 0 complete within 5 s? */
static int truncate_completes(const char *path)
{
	double end = now() + 5;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid)
		_exit(truncate(path, 0) ? 1 : 0);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			die("waitpid");
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("# the truncate still waited after 5 s\n");
			return 0;
		}
		usleep(20000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = IOVA, .size = LEN,
	};
	const char *group, *path, *expect;
	char what[160], *data, *buf, *anon;
	int c, g, fd, err, want;
	long locked;

	if (argc != 4) {
		fprintf(stderr, "usage: vfio_dax GROUP FILE ok|EFAULT|EOPNOTSUPP\n");
		return 2;
	}
	group = argv[1];
	path = argv[2];
	expect = argv[3];
	if (!strcmp(expect, "ok"))
		want = 0;
	else if (!strcmp(expect, "EFAULT"))
		want = EFAULT;
	else if (!strcmp(expect, "EOPNOTSUPP"))
		want = EOPNOTSUPP;
	else {
		fprintf(stderr, "vfio_dax: EXPECT is ok, EFAULT or EOPNOTSUPP, not '%s'\n",
			expect);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = pattern_file(path, LEN, &data);
	free(data);
	buf = map_aligned(fd, LEN, LEN);
	anon = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap anonymous");

	c = container(group, &g);
	err = map_dma(c, anon);
	check(!err && !ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap),
	      "control: VFIO_IOMMU_MAP_DMA and UNMAP_DMA of anonymous memory");
	unmap.size = LEN;

	locked = vmlck();
	err = map_dma(c, buf);
	snprintf(what, sizeof(what),
		 "VFIO_IOMMU_MAP_DMA of a DAX mapping: %s (want %s)",
		 err ? strerror(err) : "ok", expect);
	check(err == want, what);
	if (!err) {
		printf("# VmLck: %ld kB, then %ld kB\n", locked, vmlck());
		check(vmlck() == locked + LEN / 1024,
		      "the mapping counts as 64 KiB of locked memory");
		if (ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap))
			die("VFIO_IOMMU_UNMAP_DMA");
		check(unmap.size == LEN, "VFIO_IOMMU_UNMAP_DMA unmaps 64 KiB");
		check(vmlck() == locked, "... and no longer counts as locked");
	}
	check(truncate_completes(path),
	      "after VFIO_IOMMU_UNMAP_DMA, a truncate of the file does not wait");
	close(g);
	close(c);

	/* again, and let close() release the mapping */
	if (ftruncate(fd, LEN))
		die("ftruncate");
	c = container(group, &g);
	err = map_dma(c, buf);
	check(err == want, "VFIO_IOMMU_MAP_DMA again");
	close(g);
	close(c);
	check(vmlck() == locked, "close() of the container unlocks it");
	check(truncate_completes(path),
	      "after close() of the container, a truncate of the file does not wait");

	munmap(buf, LEN);
	close(fd);
	return failed;
}
