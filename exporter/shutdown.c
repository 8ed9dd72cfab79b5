/* The bound on an orderly shutdown. */
#include "shutdown.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

static void *
watchdog_main(void *arg)
{
	int64_t		ms = *(int64_t *)arg;
	struct timespec	ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
	vx_log_error("shutdown did not finish within %lldms (a poll or a "
	    "reload still running); exiting now", (long long)ms);
	_exit(1);
	return NULL;
}

void
vx_shutdown_begin(int64_t grace_ms)
{
	static int64_t	ms;
	pthread_t	t;
	pthread_attr_t	attr;

	vx_deadline_cancel_all();
	ms = grace_ms;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, watchdog_main, &ms) != 0) {
		vx_log_error("cannot start the shutdown watchdog; exiting now");
		_exit(1);
	}
	pthread_attr_destroy(&attr);
}
