#ifndef VX_TEST_COLLECTOR_H
#define VX_TEST_COLLECTOR_H

/*
 * Devices polled for real (vx_device_collect) by a collector of the
 * test's own: the test writes collect; reset and free do nothing.
 * Include after cmocka.h.
 */
#include <stdlib.h>
#include <string.h>

#include "device.h"

static inline void
test_collector_noop(void *state)
{
	(void)state;
}

#define TEST_COLLECTOR_OPS(nm, fn) {					\
	.name = (nm),							\
	.vendor = "test",						\
	.priority = VX_PRIO_NORMAL,					\
	.collect = (fn),						\
	.reset = test_collector_noop,					\
	.free = test_collector_noop,					\
}

/* A device named name whose one collector is ops, with state. */
static inline struct vx_device *
test_device_new(const char *name, const struct vx_collector_ops *ops,
    void *state, int64_t timeout_ms)
{
	struct vx_device_cfg	 cfg;
	struct vx_device	*d;

	memset(&cfg, 0, sizeof(cfg));
	cfg.name = strdup(name);
	cfg.vendor = strdup("test");
	cfg.address = strdup("127.0.0.1");
	cfg.interval_ms = 60000;
	cfg.timeout_ms = timeout_ms;
	cfg.forget_after_ms = 3600000;
	cfg.collectors = calloc(1, sizeof(*cfg.collectors));
	assert_non_null(cfg.collectors);
	cfg.collectors[0].ops = ops;
	cfg.collectors[0].state = state;
	memset(&cfg.collectors[0].allow, 1, sizeof(cfg.collectors[0].allow));
	cfg.ncollectors = 1;
	d = vx_device_new(&cfg);
	assert_non_null(d);
	return d;
}

#endif
