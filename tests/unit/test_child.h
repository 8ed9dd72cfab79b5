#ifndef VX_TEST_CHILD_H
#define VX_TEST_CHILD_H

/*
 * Runs a check in a forked child, for code that may crash or hang when it
 * is wrong (size overflows, runaway loops): the child fails, not the test
 * run.  Include after <cmocka.h>.
 */

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Forks; the child restores the default crash signals (cmocka's handlers
 * would otherwise catch them and run the remaining tests in the child),
 * arms an alarm of seconds, and exits with fn(arg).  Returns true if the
 * child exited with 0; else describes how it ended in why.
 */
static inline bool
vxt_in_child(int (*fn)(const void *), const void *arg, unsigned seconds,
    char *why, size_t size)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	pid_t	pid = fork();
	int	status;

	assert_true(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		alarm(seconds);
		_exit(fn(arg));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	snprintf(why, size, "%s %d", WIFEXITED(status) ? "exit" : "signal",
	    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return false;
}

/* A child's exit that skips the test: what it checks does not apply here. */
#define VXT_SKIP_EXIT	77

/*
 * vxt_in_child() as a whole check: the test is skipped if fn returned
 * VXT_SKIP_EXIT, and fails naming what (and how the child ended) if fn
 * returned anything else but 0.
 */
static inline void
vxt_child_check(int (*fn)(const void *), const void *arg, unsigned seconds,
    const char *what)
{
	char why[64], skipped[32];

	if (vxt_in_child(fn, arg, seconds, why, sizeof(why)))
		return;
	snprintf(skipped, sizeof(skipped), "exit %d", VXT_SKIP_EXIT);
	if (strcmp(why, skipped) == 0)
		skip();
	fail_msg("%s: %s", what, why);
}

#endif
