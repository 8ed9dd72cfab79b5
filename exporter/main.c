/*
 * vpn_exporter: flags, startup, signals.  Fatal errors happen only here,
 * at startup; after that a failure marks a device down and never ends the
 * process.
 */
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fdlimit.h"
#include "http.h"
#include "log.h"
#include "malloc_tune.h"
#include "poller.h"
#include "registry.h"
#include "rules.h"
#include "runtime.h"
#include "shutdown.h"
#include "webcfg.h"

#ifndef VX_VERSION
#define VX_VERSION "unknown"
#endif
#ifndef VX_REVISION
#define VX_REVISION "unknown"
#endif

/* Prints every error of a refused file, then a count. */
static void
print_errors(struct vx_cfg_errors *errs, const char *path, const char *what)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->msgs[i]);
	fprintf(stderr, "%s: %s has %zu error%s\n", path, what, errs->n,
	    errs->n == 1 ? "" : "s");
}

/*
 * --dry-run: checks the configuration (and that it fits in the hard limit
 * on descriptors, which the exporter raises its own to) and the web
 * configuration, if any.
 */
static int
dry_run(const char *path, const char *web_path, size_t workers)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	struct vx_config	*cfg = vx_config_load(path, &errs);
	struct vx_webcfg	*web = NULL;
	int			 rc = 0;

	if (cfg != NULL && !vx_fd_check(cfg, workers, vx_fd_limit(true),
	    &errs)) {
		vx_config_free(cfg);
		cfg = NULL;
	}
	if (cfg == NULL) {
		print_errors(&errs, path, "configuration");
		rc = 1;
	}
	vx_cfg_errors_release(&errs);
	if (web_path != NULL) {
		web = vx_webcfg_load(web_path, &errs);
		if (web == NULL) {
			print_errors(&errs, web_path, "web configuration");
			rc = 1;
		}
		vx_cfg_errors_release(&errs);
		vx_webcfg_free(web);
	}
	if (rc == 0)
		printf("configuration OK: %s (%zu device%s)%s%s\n", path,
		    cfg->ndevices, cfg->ndevices == 1 ? "" : "s",
		    web_path != NULL ? ", web configuration OK: " : "",
		    web_path != NULL ? web_path : "");
	vx_config_free(cfg);
	return rc;
}

static struct vx_webcfg *
load_web_config(const char *path, bool *failed)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	struct vx_webcfg	*w;

	*failed = false;
	if (path == NULL)
		return NULL;
	w = vx_webcfg_load(path, &errs);
	if (w == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			vx_log_error("%s", errs.msgs[i]);
		vx_log_error("%s: web configuration not loaded", path);
		*failed = true;
	}
	vx_cfg_errors_release(&errs);
	return w;
}

/* SIGHUP's reload, in the reload thread: configuration and web config. */
static bool
reload_all(void *http)
{
	return vx_http_reload(http, NULL);
}

int
main(int argc, char **argv)
{
	static const struct timespec tick = { 1, 0 };
	struct vx_opts		 o;
	struct vx_runtime	 rt;
	struct vx_poller	*poller;
	struct vx_http		*http;
	struct vx_webcfg	*web;
	struct vx_http_opts	 hopts;
	struct vx_err		 err;
	sigset_t		 sigs;
	bool			 web_failed;
	int			 rc;
	unsigned long long	 fds, fds_before;

	if (argc > 1 && strcmp(argv[1], "parse") == 0)
		return vx_cli_parse_cmd(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "rules") == 0)
		return vx_cli_rules_cmd(argc - 1, argv + 1);
	rc = vx_cli_parse(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (o.dry_run)
		return dry_run(o.config_file, o.web_config_file,
		    (size_t)o.workers);
	vx_log_setup(stderr, o.log_level, o.log_format);
	fds = vx_fd_limit_raise(&fds_before);
	vx_malloc_tune(sysconf(_SC_NPROCESSORS_ONLN));

	/* Signals go to the main thread's sigwait; threads inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	web = load_web_config(o.web_config_file, &web_failed);
	if (web_failed)
		return 1;
	vx_log_info("starting vpn_exporter %s (revision %s)", VX_VERSION,
	    VX_REVISION);
	if (fds != fds_before)
		vx_log_info("file descriptor limit raised from %llu to %llu",
		    fds_before, fds);
	vx_collectors_global_init();
	poller = vx_poller_start((size_t)o.workers);
	if (poller == NULL) {
		vx_log_error("cannot start the poller threads");
		vx_webcfg_free(web);
		return 1;
	}
	vx_runtime_init(&rt, o.config_file, poller);
	if (!vx_runtime_reload(&rt, NULL)) {
		vx_poller_stop(poller);
		vx_runtime_release(&rt);
		vx_webcfg_free(web);
		return 1;
	}
	memset(&hopts, 0, sizeof(hopts));
	hopts.listen = o.listen;
	hopts.nlisten = o.nlisten;
	hopts.systemd_socket = o.systemd_socket;
	hopts.metrics_path = o.metrics_path;
	hopts.timeout_offset_ms = o.timeout_offset_ms;
	hopts.web_config_file = o.web_config_file;
	hopts.web = web;	/* taken over */
	hopts.probe_workers = (size_t)o.probe_workers;
	hopts.probe_nice = o.probe_nice;
	hopts.version = VX_VERSION;
	hopts.revision = VX_REVISION;
	vx_err_clear(&err);
	http = vx_http_start(&hopts, &rt, &err);
	if (http == NULL) {
		vx_log_error("%s", err.msg);
		vx_poller_stop(poller);
		vx_runtime_release(&rt);
		return 1;
	}
	vx_runtime_set_reload_fn(&rt, reload_all, http);

	for (;;) {
		int sig = sigtimedwait(&sigs, NULL, &tick);

		if (sig < 0) {
			vx_http_tick(http);
			continue;
		}
		if (sig == SIGHUP) {
			vx_log_info("SIGHUP: reloading the configuration");
			vx_runtime_reload_async(&rt);
			continue;
		}
		vx_log_info("%s: shutting down", sig == SIGINT ? "SIGINT" :
		    "SIGTERM");
		vx_shutdown_begin(VX_SHUTDOWN_GRACE_MS);
		break;
	}
	vx_runtime_stop_reloads(&rt);
	vx_http_stop(http);
	/* The runtime first: a reload in progress still uses the poller. */
	vx_runtime_release(&rt);
	vx_poller_stop(poller);
	return 0;
}
