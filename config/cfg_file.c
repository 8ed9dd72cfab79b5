/*
 * Files named by the configuration.  They are opened without blocking and
 * must be regular files of a bounded size: a FIFO would block the open,
 * /dev/zero never ends, and a huge sparse file takes minutes to read, and
 * any of them would wedge a reload (and SIGTERM behind it).
 */
#include "cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* Opens path and checks it; returns the descriptor, or -1 and why. */
static int
open_checked(const char *path, size_t max, struct stat *st, char *why,
    size_t whylen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, whylen, "%s", errno == ENXIO ?
		    "not a regular file" : strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, whylen, "%s, not a regular file",
		    file_kind(st->st_mode));
		close(fd);
		return -1;
	}
	if ((uintmax_t)st->st_size > max) {
		snprintf(why, whylen, "%jd bytes, more than the %zu allowed",
		    (intmax_t)st->st_size, max);
		close(fd);
		return -1;
	}
	return fd;
}

bool
vx_cfg_file_check(const char *path, size_t max, char *why, size_t whylen)
{
	struct stat	st;
	int		fd = open_checked(path, max, &st, why, whylen);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

char *
vx_cfg_file_read(const char *path, size_t max, size_t *len, char *why,
    size_t whylen)
{
	struct stat	 st;
	int		 fd = open_checked(path, max, &st, why, whylen);
	char		*buf;
	size_t		 n = 0, cap;

	if (fd < 0)
		return NULL;
	/* One byte more than allowed, to see a file that grew meanwhile. */
	cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		snprintf(why, whylen, "out of memory");
		close(fd);
		return NULL;
	}
	while (n < cap) {
		ssize_t got = read(fd, buf + n, cap - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(why, whylen, "%s", strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n == cap && cap <= max) {
			/* It grew since fstat: read on, up to the limit. */
			size_t	 ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char	*p = realloc(buf, ncap + 1);

			if (p == NULL) {
				snprintf(why, whylen, "out of memory");
				goto fail;
			}
			buf = p;
			cap = ncap;
		}
	}
	if (n > max) {
		snprintf(why, whylen, "more than the %zu bytes allowed", max);
		goto fail;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	explicit_bzero(buf, n);
	free(buf);
	close(fd);
	return NULL;
}
