/*
 * ssh_driver: drives the SSH transport (collectors/transport/ssh.c) from
 * the command line, for the integration tests and the benchmark.
 *
 *   ssh_driver -p PORT -u USER -K KNOWN_HOSTS [-k KEY] [-P PASSWORD_FILE]
 *       [-E ENABLE_FILE] [-a] [-c CONTEXT] [-n] [-t MS] [-r N] [-f] [-w]
 *       [-q] [-x] [-D DIALECT] [-H HOST] CMD...
 *
 *   -a     host_key_policy accept-new (default strict)
 *   -c     "changeto context CONTEXT" after login
 *   -n     none of the dialect's pager-off commands after login
 *   -x     each command on an exec channel instead of the shell
 *   -D     the command line's dialect: cisco_asa (default), juniper_srx
 *   -t     deadline of each command in ms (default 5000)
 *   -r     run the command list N times (default 1)
 *   -f     a fresh login for every run of the list
 *   -w     before every command but the first, print "READY" and wait
 *          for a line on stdin (so a test can act between commands)
 *   -q     do not print outputs
 *
 * For each command it prints
 *   >>> CMD
 *   (the output)
 *   <<< ok            or   <<< error reason=REASON msg=MESSAGE
 * and at the end "# logins=N commands=N errors=N elapsed_ms=N".  The exit
 * status is 0 if every command succeeded, 1 otherwise, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asa_cli.h"
#include "srx.h"
#include "ssh.h"

#include "banned.h"

static char *
read_secret(const char *path)
{
	char	 buf[1024];
	FILE	*f = fopen(path, "r");
	size_t	 n;

	if (f == NULL) {
		fprintf(stderr, "ssh_driver: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return strdup(buf);
}

static long
number(const char *s, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0) {
		fprintf(stderr, "ssh_driver: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ssh_driver -p PORT -u USER -K KNOWN_HOSTS "
	    "[-k KEY] [-P PASSWORD_FILE] [-E ENABLE_FILE] [-a] [-c CONTEXT] "
	    "[-n] [-t MS] [-r N] [-f] [-w] [-q] [-x] [-D DIALECT] [-H HOST] "
	    "CMD...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct vx_ssh_params	 p = { .sess.address = "127.0.0.1" };
	struct vx_cli_dialect	 dialect = asa_cli_dialect;
	const char		*setup[2];
	bool			 optional[2] = { false, false };
	char			 ctxcmd[300];
	char			*password = NULL, *enable = NULL;
	const char		*context = NULL;
	bool			 pager = true, fresh = false, wait = false;
	bool			 quiet = false, exec = false;
	long			 timeout = 5000, repeat = 1;
	unsigned long		 commands = 0, errors = 0;
	struct vx_ssh		*s;
	struct vx_strbuf	 out;
	int64_t			 t0;
	size_t			 ns = 0;
	int			 c;

	while ((c = getopt(argc, argv, "H:p:u:k:P:E:K:ac:nt:r:fwqxD:")) !=
	    -1) {
		switch (c) {
		case 'H':
			p.sess.address = optarg;
			break;
		case 'p':
			p.sess.port = (unsigned)number(optarg, "port");
			break;
		case 'u':
			p.sess.username = optarg;
			break;
		case 'k':
			p.sess.private_key_file = optarg;
			break;
		case 'P':
			password = read_secret(optarg);
			break;
		case 'E':
			enable = read_secret(optarg);
			break;
		case 'K':
			p.sess.known_hosts_file = optarg;
			break;
		case 'a':
			p.sess.host_key_policy = VX_SSH_HOST_KEY_ACCEPT_NEW;
			break;
		case 'c':
			context = optarg;
			break;
		case 'n':
			pager = false;
			break;
		case 't':
			timeout = number(optarg, "timeout");
			break;
		case 'r':
			repeat = number(optarg, "repeat count");
			break;
		case 'f':
			fresh = true;
			break;
		case 'w':
			wait = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'x':
			exec = true;
			break;
		case 'D':
			if (strcmp(optarg, "juniper_srx") == 0)
				dialect = srx_cli_dialect;
			else if (strcmp(optarg, "cisco_asa") != 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (p.sess.username == NULL || p.sess.known_hosts_file == NULL || optind >= argc)
		usage();
	p.sess.password = password;
	p.enable_password = enable;
	if (context != NULL) {
		snprintf(ctxcmd, sizeof(ctxcmd), "changeto context %s",
		    context);
		optional[ns] = false;
		setup[ns++] = ctxcmd;
	}
	if (!pager)
		dialect.pager_off = NULL;
	setup[ns] = NULL;
	p.dialect = &dialect;
	p.setup = setup;
	p.setup_optional = optional;

	s = vx_ssh_new(&p);
	if (s == NULL) {
		fprintf(stderr, "ssh_driver: out of memory\n");
		return 1;
	}
	vx_strbuf_init(&out, 4096);
	t0 = vx_now_mono_ms();
	for (long r = 0; r < repeat; r++) {
		if (fresh)
			vx_ssh_close(s);
		for (int i = optind; i < argc; i++) {
			struct vx_err	err;
			int		rc;

			if (wait && commands > 0) {
				char line[64];

				printf("READY\n");
				fflush(stdout);
				if (fgets(line, sizeof(line), stdin) == NULL)
					break;
			}
			vx_err_clear(&err);
			if (exec) {
				int status;

				rc = vx_ssh_exec_cmd(s, argv[i], &out, &status,
				    vx_deadline_in(timeout), &err);
				if (rc == 0 && status != 0 && !quiet)
					printf("# exit status %d\n", status);
			} else
				rc = vx_ssh_run(s, argv[i], &out,
				    vx_deadline_in(timeout), &err);
			commands++;
			if (!quiet || rc != 0) {
				printf(">>> %s\n", argv[i]);
				if (!quiet)
					fwrite(out.buf, 1, out.len, stdout);
				if (rc == 0)
					printf("<<< ok\n");
				else
					printf("<<< error reason=%s msg=%s\n",
					    vx_errcode_reason(err.code),
					    err.msg);
			}
			if (rc != 0)
				errors++;
			fflush(stdout);
		}
	}
	printf("# logins=%lu commands=%lu errors=%lu elapsed_ms=%lld\n",
	    vx_ssh_logins(s), commands, errors,
	    (long long)(vx_now_mono_ms() - t0));
	vx_strbuf_release(&out);
	vx_ssh_free(s);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	if (enable != NULL) {
		explicit_bzero(enable, strlen(enable));
		free(enable);
	}
	return errors > 0 ? 1 : 0;
}
