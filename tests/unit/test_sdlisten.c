/*
 * systemd socket activation (exporter/sdlisten.c): the sockets from
 * descriptor 3 when LISTEN_PID is ours, each checked; the variables are
 * unset either way.  Each case runs in a child that sets up descriptors 3
 * and 4 itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sdlisten.h"
#include "test_child.h"

enum kind { LISTENING, UDP, UNLISTENED, CLOSED };

struct sd_case {
	const char	*pid;		/* "self", another value or NULL */
	const char	*fds;
	enum kind	 k3, k4;
	int		 want;		/* the count, or -1 */
	const char	*msg;		/* in the error, when want is -1 */
};

static void
place(enum kind k, int fd)
{
	int s;

	if (k == CLOSED) {
		close(fd);
		return;
	}
	s = socket(AF_INET, k == UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (k == LISTENING) {
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(s, (struct sockaddr *)&sin, sizeof(sin));
		listen(s, 8);
	}
	if (s != fd) {
		dup2(s, fd);
		close(s);
	}
}

static int
run_case(const void *arg)
{
	const struct sd_case	*c = arg;
	struct vx_err		 err;
	char			 pid[32];
	int			 n;

	place(c->k3, 3);
	place(c->k4, 4);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	if (c->pid != NULL) {
		snprintf(pid, sizeof(pid), "%ld", strcmp(c->pid, "self") == 0 ?
		    (long)getpid() : atol(c->pid));
		setenv("LISTEN_PID", pid, 1);
	}
	if (c->fds != NULL)
		setenv("LISTEN_FDS", c->fds, 1);
	setenv("LISTEN_FDNAMES", "web", 1);
	vx_err_clear(&err);
	n = vx_sd_listen_fds(&err);
	if (n != c->want) {
		fprintf(stderr, "got %d (%s), want %d\n", n, err.msg, c->want);
		return 1;
	}
	if (n < 0 && strstr(err.msg, c->msg) == NULL) {
		fprintf(stderr, "message '%s' lacks '%s'\n", err.msg, c->msg);
		return 1;
	}
	if (getenv("LISTEN_PID") != NULL || getenv("LISTEN_FDS") != NULL ||
	    getenv("LISTEN_FDNAMES") != NULL)
		return 2;
	for (int i = 0; i < n; i++)
		if (!(fcntl(3 + i, F_GETFD) & FD_CLOEXEC))
			return 3;
	return 0;
}

static void
test_listen_fds(void **state)
{
	static const struct sd_case cases[] = {
		{ "self", "1", LISTENING, CLOSED, 1, NULL },
		{ "self", "2", LISTENING, LISTENING, 2, NULL },
		/* 2: not for us */
		{ NULL, NULL, LISTENING, CLOSED, -1, "are not set" },
		{ "self", NULL, LISTENING, CLOSED, -1, "are not set" },
		{ "1", "1", LISTENING, CLOSED, -1, "not this process" },
		{ "self", "0", LISTENING, CLOSED, -1, "not a number of" },
		{ "self", "x", LISTENING, CLOSED, -1, "not a number of" },
		/* 7: sockets systemd should not have passed */
		{ "self", "1", UDP, CLOSED, -1, "not a stream socket" },
		{ "self", "1", UNLISTENED, CLOSED, -1, "not listening" },
		{ "self", "2", LISTENING, CLOSED, -1, "descriptor 4 from "
		    "systemd is not open" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[64];

		if (!vxt_in_child(run_case, &cases[i], 10, why, sizeof(why)))
			fail_msg("case %zu: %s", i, why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
