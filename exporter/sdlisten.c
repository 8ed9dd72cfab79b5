/* systemd socket activation: LISTEN_PID / LISTEN_FDS. */
#include "sdlisten.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "numparse.h"

#define SD_FDS_MAX	64

static int
check_env(struct vx_err *err)
{
	const char	*pid = getenv("LISTEN_PID");
	const char	*fds = getenv("LISTEN_FDS");
	uint64_t	 p, n;

	if (pid == NULL || fds == NULL)
		return vx_err_set(err, VX_E_CONFIG, "--web.systemd-socket: "
		    "LISTEN_PID and LISTEN_FDS are not set (not started by "
		    "systemd socket activation?)");
	if (!vx_parse_u64(pid, strlen(pid), &p) || p != (uint64_t)getpid())
		return vx_err_set(err, VX_E_CONFIG, "--web.systemd-socket: "
		    "LISTEN_PID is '%s', not this process (%ld): the sockets "
		    "are not for us", pid, (long)getpid());
	if (!vx_parse_u64(fds, strlen(fds), &n) || n == 0 || n > SD_FDS_MAX)
		return vx_err_set(err, VX_E_CONFIG, "--web.systemd-socket: "
		    "LISTEN_FDS is '%s', not a number of sockets (1 to %d)",
		    fds, SD_FDS_MAX);
	return (int)n;
}

/* 0 if fd is a listening stream socket, else an error. */
static int
check_fd(int fd, struct vx_err *err)
{
	int		type = 0, listening = 0, flags;
	socklen_t	len = sizeof(type);

	flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		return vx_err_set(err, VX_E_CONFIG, "--web.systemd-socket: "
		    "descriptor %d from systemd is not open", fd);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    type != SOCK_STREAM)
		return vx_err_set(err, VX_E_CONFIG, "--web.systemd-socket: "
		    "descriptor %d from systemd is not a stream socket (use "
		    "ListenStream= in the .socket unit)", fd);
	len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 ||
	    !listening)
		return vx_err_set(err, VX_E_CONFIG, "--web.systemd-socket: "
		    "descriptor %d from systemd is not listening (Accept=no "
		    "in the .socket unit)", fd);
	fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
	return 0;
}

int
vx_sd_listen_fds(struct vx_err *err)
{
	int n = check_env(err);

	for (int i = 0; n > 0 && i < n; i++) {
		if (check_fd(VX_SD_LISTEN_FDS_START + i, err) != 0)
			n = -1;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return n < 0 ? -1 : n;
}
