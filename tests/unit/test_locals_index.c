/*
 * The table's index of local addresses (exporter/locals_index.c): which
 * devices hold an address, as their latest published snapshots say; a
 * device that publishes again with other addresses moves in the index,
 * an address held by two devices lists both, and a device never polled
 * holds none.  Devices are polled for real (vx_device_collect) by a test
 * collector that reports one tunnel from each device's own settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "device.h"
#include "locals_index.h"
#include "test_collector.h"

/* What each device reports: its local address and its one peer. */
struct end {
	const char	*local;
	const char	*peer;
};

static int
end_collect(void *state, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	const struct end	*e = state;
	struct vx_tunnel	*t = vx_snapshot_tunnel(snap, NULL, e->peer);

	(void)target;
	(void)deadline;
	(void)err;
	if (t == NULL)
		return -1;
	vx_tunnel_set_attr(snap, t, VX_TA_LOCAL_ADDR, e->local);
	return 0;
}

static const struct vx_collector_ops end_ops =
    TEST_COLLECTOR_OPS("end", end_collect);

static struct vx_device *
new_device(const char *name, struct end *e)
{
	return test_device_new(name, &end_ops, e, 1000);
}

static void
poll_once(struct vx_device *d)
{
	struct vx_snapshot *s = vx_device_collect(d, vx_deadline_in(2000));

	assert_non_null(s);
	assert_true(s->up);
	vx_snapshot_unref(s);
}

/* The names of the devices holding addr, sorted, joined by commas. */
static void
owners(struct vx_locals_index *ix, const char *addr, char *out, size_t len)
{
	struct vx_device *const	*o;
	const char		*names[8];
	size_t			 n;

	vx_locals_index_lock(ix);
	o = vx_locals_index_owners(ix, addr, &n);
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		names[i] = o[i]->cfg.name;
	vx_locals_index_unlock(ix);
	for (size_t i = 1; i < n; i++) {
		for (size_t k = i; k > 0 && strcmp(names[k - 1],
		    names[k]) > 0; k--) {
			const char *tmp = names[k];

			names[k] = names[k - 1];
			names[k - 1] = tmp;
		}
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(out, names[i], len - strlen(out) - 1);
		if (i + 1 < n)
			strncat(out, ",", len - strlen(out) - 1);
	}
}

/* The devices holding addr are those in want (sorted, comma-separated). */
static void
expect_owners(struct vx_locals_index *ix, const char *addr, const char *want)
{
	char got[128];

	owners(ix, addr, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("owners of %s: \"%s\", want \"%s\"", addr, got, want);
}

static void
test_follows_publications(void **state)
{
	struct end		 ea = { "192.0.2.1", "198.51.100.1" };
	struct end		 eb = { "198.51.100.1", "192.0.2.1" };
	struct end		 ec = { "203.0.113.9", "192.0.2.1" };
	struct vx_device	*devs[3];
	struct vx_locals_index	*ix;

	(void)state;
	devs[0] = new_device("asa-a", &ea);
	devs[1] = new_device("asa-b", &eb);
	devs[2] = new_device("asa-c", &ec);
	ix = vx_locals_index_new(devs, 3);
	assert_non_null(ix);

	/* Nothing polled yet: nobody holds anything. */
	expect_owners(ix, "192.0.2.1", "");

	poll_once(devs[0]);
	poll_once(devs[1]);
	expect_owners(ix, "192.0.2.1", "asa-a");
	expect_owners(ix, "198.51.100.1", "asa-b");
	expect_owners(ix, "203.0.113.9", "");

	/* c publishes: its address appears without a's and b's reread. */
	poll_once(devs[2]);
	expect_owners(ix, "203.0.113.9", "asa-c");

	/* b's end moves to another address; the old one is nobody's. */
	eb.local = "198.51.100.2";
	poll_once(devs[1]);
	expect_owners(ix, "198.51.100.1", "");
	expect_owners(ix, "198.51.100.2", "asa-b");

	/* c takes the same address: both hold it. */
	ec.local = "198.51.100.2";
	poll_once(devs[2]);
	expect_owners(ix, "198.51.100.2", "asa-b,asa-c");
	expect_owners(ix, "203.0.113.9", "");

	vx_locals_index_free(ix);
	for (int i = 0; i < 3; i++)
		vx_device_unref(devs[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_publications),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
