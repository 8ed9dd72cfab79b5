/*
 * The table's index of local addresses (exporter/locals_index.c): which
 * devices hold an address, as their latest published snapshots say; a
 * device that publishes again with other addresses moves in the index,
 * an address held by two devices lists both, and a device never polled
 * holds none.  /probe's peers of a device come from it, each once.
 * Devices are polled for real (vx_device_collect) by a test
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
#include "probe_peers.h"
#include "runtime.h"
#include "test_collector.h"

/* What each device reports: its local address and its peers (1 or 2). */
struct end {
	const char	*local;
	const char	*peer;
	const char	*peer2;
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
	if (e->peer2 != NULL) {
		if ((t = vx_snapshot_tunnel(snap, NULL, e->peer2)) == NULL)
			return -1;
		vx_tunnel_set_attr(snap, t, VX_TA_LOCAL_ADDR, e->local);
	}
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

/*
 * A hub whose two tunnels go to an address held by two spokes and to a
 * third spoke, one of them also named in peer_devices: the hub first,
 * then every spoke once; a device at no tunnel's end is not a peer.
 */
static void
test_probe_peers_once(void **state)
{
	struct end		 eh = { "192.0.2.1", "198.51.100.1",
				    "203.0.113.1" };
	struct end		 e1 = { "198.51.100.1", "192.0.2.1", NULL };
	struct end		 e2 = { "198.51.100.1", "192.0.2.1", NULL };
	struct end		 e3 = { "203.0.113.1", "192.0.2.1", NULL };
	struct end		 ex = { "203.0.113.99", "192.0.2.1", NULL };
	const char		*names[] = { "hub", "spoke-1", "spoke-2",
				    "spoke-3", "elsewhere" };
	struct end		*ends[] = { &eh, &e1, &e2, &e3, &ex };
	struct vx_device	*devs[5], **peers;
	struct vx_devtable	 t;
	struct vx_snapshot	*hs;
	char			 got[128] = "";
	size_t			 n;

	(void)state;
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < 5; i++) {
		devs[i] = new_device(names[i], ends[i]);
		assert_true(vx_strmap_put(&t.byname, names[i],
		    strlen(names[i]), devs[i]));
	}
	/* peer_devices: peer 203.0.113.1 is spoke-3 (a pair per entry). */
	devs[0]->cfg.peer_devices.v = calloc(2, sizeof(char *));
	assert_non_null(devs[0]->cfg.peer_devices.v);
	devs[0]->cfg.peer_devices.v[0] = strdup("203.0.113.1");
	devs[0]->cfg.peer_devices.v[1] = strdup("spoke-3");
	devs[0]->cfg.peer_devices.n = 2;
	t.devs = devs;
	t.n = 5;
	t.locals = vx_locals_index_new(devs, 5);
	assert_non_null(t.locals);
	for (int i = 1; i < 5; i++)
		poll_once(devs[i]);
	hs = vx_device_collect(devs[0], vx_deadline_in(2000));
	assert_non_null(hs);
	assert_int_equal(hs->ntunnels, 2);

	peers = vx_probe_peers(&t, devs[0], hs, &n);
	assert_non_null(peers);
	for (size_t i = 0; i < n; i++) {
		strncat(got, peers[i]->cfg.name, sizeof(got) - strlen(got) - 1);
		if (i + 1 < n)
			strncat(got, ",", sizeof(got) - strlen(got) - 1);
	}
	/* spoke-1 and spoke-2 share an address: the index's order. */
	if (strcmp(got, "hub,spoke-3,spoke-1,spoke-2") != 0 &&
	    strcmp(got, "hub,spoke-3,spoke-2,spoke-1") != 0)
		fail_msg("peers of hub: \"%s\"", got);
	free(peers);

	vx_snapshot_unref(hs);
	vx_locals_index_free(t.locals);
	vx_strmap_release(&t.byname);
	for (int i = 0; i < 5; i++)
		vx_device_unref(devs[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_publications),
		cmocka_unit_test(test_probe_peers_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
