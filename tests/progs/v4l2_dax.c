/*
 * v4l2_dax: V4L2 captures into USERPTR buffers in a DAX file under a
 * layout lease, and lets them go.
 *
 * usage: v4l2_dax DEVICE FILE OTHER series|base
 *   DEVICE  a video capture node with USERPTR streaming (vivid's)
 *   FILE    a file on a DAX filesystem, for two capture buffers
 *   OTHER   a file to create on the same filesystem while a truncate of
 *           FILE fails (it must not get FILE's blocks)
 *
 * /proc/sys/fs/lease-break-time must be small (the caller sets 2 s).
 * As a control, anonymous buffers capture frames on any kernel.  On the
 * base, VIDIOC_QBUF of a DAX buffer fails with EINVAL (it cannot pin DAX
 * pages, and videobuf2 drops the reason), and F_SETLEASE F_LAYOUT with
 * EINVAL.  On the series:
 *  - without a lease, VIDIOC_QBUF of a DAX buffer fails with EOPNOTSUPP;
 *  - under a lease (F_SETLEASE F_LAYOUT), frames are captured into the
 *    file;
 *  - a truncate by another process sends the holder SIGIO; a holder that
 *    stops streaming, frees its buffers and releases the lease lets it
 *    complete before the break time;
 *  - one that does not makes it fail with ETXTBSY after the break time;
 *    the file keeps its size, capture goes on into its blocks, and OTHER,
 *    written meanwhile, keeps its data: the blocks went to nobody else.
 * Prints TAP lines; exits 0 if all passed, 1 if not, 2 on a setup error.
 */
#include <linux/videodev2.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "daxgup.h"

#define NBUF	2

static int failed, vfd;
static size_t blen;		/* one buffer, rounded up to 2 MiB */
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

static int xioctl(unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(vfd, req, arg);
	while (r && errno == EINTR);
	return r ? errno : 0;
}

static int reqbufs(unsigned int count)
{
	struct v4l2_requestbuffers rb = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
	};

	return xioctl(VIDIOC_REQBUFS, &rb);
}

static int qbuf(unsigned int i, char *p, size_t len)
{
	struct v4l2_buffer b = {
		.index = i,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
		.m.userptr = (unsigned long)p,
		.length = len,
	};

	return xioctl(VIDIOC_QBUF, &b);
}

static int stream(int on)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	return xioctl(on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type);
}

/* dequeue a frame, and queue its buffer again; its index or -errno */
static int frame(char *bufs, size_t len)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
	};
	int err = xioctl(VIDIOC_DQBUF, &b);

	if (err)
		return -err;
	if (b.bytesused == 0)
		return -ENODATA;
	err = qbuf(b.index, bufs + b.index * blen, len);
	return err ? -err : (int)b.index;
}

/* queue NBUF buffers at BUFS, stream, and capture N frames; 0 or errno */
static int capture(char *bufs, size_t len, int n)
{
	int i, err = reqbufs(NBUF);

	for (i = 0; !err && i < NBUF; i++)
		err = qbuf(i, bufs + i * blen, len);
	if (!err)
		err = stream(1);
	for (i = 0; !err && i < n; i++) {
		int r = frame(bufs, len);

		err = r < 0 ? -r : 0;
	}
	return err;
}

/* stop and free the buffers: this unpins them */
static void release(void)
{
	if (stream(0) || reqbufs(0))
		die("VIDIOC_STREAMOFF, VIDIOC_REQBUFS 0");
}

static long nonzero(const char *p, size_t len)
{
	long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += p[i] != 0;
	return n;
}

/*
 * Reap the truncate child, killing it after LIMIT seconds; its result
 * (0, an errno, -1 if killed), and in *SECS when it ended.  While it
 * runs, the holder captures frames into BUFS (if not NULL); if COMPLY, it
 * releases its buffers and its lease (FD) once SIGIO came.
 */
static int reap(pid_t pid, double limit, double *secs, char *bufs,
		size_t len, int comply, int fd)
{
	double start = now();
	int status, released = 0;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			die("waitpid");
		if (comply && sigio && !released) {
			release();
			if (fcntl(fd, F_SETLEASE, F_UNLCK))
				die("F_SETLEASE F_UNLCK");
			released = 1;
		}
		if (bufs && !released && frame(bufs, len) < 0)
			die("a frame while the truncate waits");
		if (now() - start > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*secs = now() - start;
			return -1;
		}
	}
	*secs = now() - start;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_capability cap;
	const char *path, *other;
	char what[200], *anon, *bufs, *odata;
	int fd, od, err, base, i;
	double bt, secs;
	size_t len;
	struct stat st;

	if (argc != 5 || (strcmp(argv[4], "series") && strcmp(argv[4], "base"))) {
		fprintf(stderr, "usage: v4l2_dax DEVICE FILE OTHER series|base\n");
		return 2;
	}
	path = argv[2];
	other = argv[3];
	base = !strcmp(argv[4], "base");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (signal(SIGIO, on_sigio) == SIG_ERR)
		die("signal");
	bt = lease_break_time();

	vfd = open(argv[1], O_RDWR);
	if (vfd < 0)
		die(argv[1]);
	if (xioctl(VIDIOC_QUERYCAP, &cap) ||
	    !(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.device_caps & V4L2_CAP_STREAMING)) {
		errno = ENODEV;
		die("a video capture device with streaming");
	}
	if (xioctl(VIDIOC_G_FMT, &fmt))
		die("VIDIOC_G_FMT");
	len = (fmt.fmt.pix.sizeimage + 4095) & ~4095UL;
	blen = (len + (2 << 20) - 1) & ~((2UL << 20) - 1);
	printf("# %s (%s): %ux%u, %u bytes a frame\n", argv[1], cap.card,
	       fmt.fmt.pix.width, fmt.fmt.pix.height, fmt.fmt.pix.sizeimage);

	/* control: anonymous buffers */
	anon = mmap(NULL, NBUF * blen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap anonymous");
	memset(anon, 0, NBUF * blen);
	err = capture(anon, len, 3);
	snprintf(what, sizeof(what),
		 "control: 3 frames into anonymous USERPTR buffers: %s",
		 errname(err));
	check(!err && nonzero(anon, len) > 0, what);
	release();

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, NBUF * blen))
		die(path);
	bufs = map_aligned(fd, NBUF * blen, 2 << 20);
	err = reqbufs(NBUF);
	if (!err)
		err = qbuf(0, bufs, len);
	snprintf(what, sizeof(what),
		 "without a lease, VIDIOC_QBUF of a DAX buffer fails: %s (want %s)",
		 errname(err), base ? "EINVAL" : "EOPNOTSUPP");
	check(err == (base ? EINVAL : EOPNOTSUPP), what);
	reqbufs(0);

	err = fcntl(fd, F_SETLEASE, F_LAYOUT) ? errno : 0;
	if (base) {
		snprintf(what, sizeof(what),
			 "F_SETLEASE F_LAYOUT: %s (want EINVAL)", errname(err));
		check(err == EINVAL, what);
		return failed;
	}
	check(!err, "F_SETLEASE F_LAYOUT on the DAX file");

	/* a holder that complies */
	err = capture(bufs, len, 3);
	snprintf(what, sizeof(what),
		 "under the lease, 3 frames into USERPTR buffers in the DAX file: %s",
		 errname(err));
	check(!err && nonzero(bufs, len) > 0, what);
	sigio = 0;
	err = reap(truncate_child(path), bt + 5, &secs, bufs, len, 1, fd);
	printf("# SIGIO: %d; the truncate ended after %.2f s (break time %.0f s)\n",
	       (int)sigio, secs, bt);
	check(sigio, "a truncate by another process sends the holder SIGIO");
	snprintf(what, sizeof(what),
		 "the holder stops, frees its buffers and releases: the truncate completes (%s) before the break time",
		 err < 0 ? "killed" : errname(err));
	check(!err && secs < bt, what);

	/* a holder that ignores the break */
	if (ftruncate(fd, NBUF * blen))
		die("ftruncate");
	err = fcntl(fd, F_SETLEASE, F_LAYOUT) ? errno : 0;
	if (!err)
		err = capture(bufs, len, 2);
	check(!err, "the lease again, and capture again");
	sigio = 0;
	err = reap(truncate_child(path), bt + 10, &secs, bufs, len, 0, fd);
	printf("# SIGIO: %d; the truncate ended after %.2f s: %s\n",
	       (int)sigio, secs, err < 0 ? "killed" : errname(err));
	snprintf(what, sizeof(what),
		 "a holder that ignores SIGIO: the truncate fails with ETXTBSY after the break time (%.0f s)",
		 bt);
	check(sigio && err == ETXTBSY && secs > bt - 0.5 && secs < bt + 3,
	      what);
	check(!fstat(fd, &st) && st.st_size == (off_t)(NBUF * blen),
	      "... and leaves the file its size");

	/* another file gets none of the pinned blocks */
	od = pattern_file(other, NBUF * blen, &odata);
	for (i = 0; i < 10; i++)
		if (frame(bufs, len) < 0)
			die("a frame after the failed truncate");
	if (pread(od, odata, NBUF * blen, 0) != (ssize_t)(NBUF * blen))
		die("read the other file");
	snprintf(what, sizeof(what),
		 "10 more frames land in the file's blocks, not in another file's (first difference at %ld; -1: none)",
		 pattern_mismatch(odata, NBUF * blen, 1));
	check(pattern_mismatch(odata, NBUF * blen, 1) < 0, what);
	release();
	check(fcntl(fd, F_GETLEASE) == F_UNLCK,
	      "the lease is gone after the break time");
	err = reqbufs(NBUF);
	if (!err)
		err = qbuf(0, bufs, len);
	snprintf(what, sizeof(what),
		 "... so VIDIOC_QBUF of a DAX buffer is refused again: %s",
		 errname(err));
	check(err == EOPNOTSUPP, what);
	reqbufs(0);
	err = reap(truncate_child(path), 5, &secs, NULL, 0, 0, fd);
	snprintf(what, sizeof(what),
		 "with the buffers freed, a truncate of the file completes: %s",
		 err < 0 ? "killed" : errname(err));
	check(!err, what);
	free(odata);
	close(od);
	munmap(bufs, NBUF * blen);
	close(fd);
	return failed;
}
