#ifndef VX_TEST_SNAPSHOTS_H
#define VX_TEST_SNAPSHOTS_H

/*
 * A snapshot with every kind of value the model holds, for the renderer
 * tests: device i ("asa-<i>"; device 1 is down, with a timed-out
 * collector), every device value, two drops, three tunnels with every
 * counter, attribute, an SA pair and a rekey count, their IKE SAs with
 * every attribute, and an expected peer without a tunnel.
 */

#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "model.h"

static inline struct vx_snapshot *
vxt_busy_snapshot(int i)
{
	char			 name[32];
	struct vx_snapshot	*s;

	snprintf(name, sizeof(name), "asa-%d", i);
	s = vx_snapshot_new(name);
	assert_non_null(s);
	s->up = i != 1;
	s->collected_ms = INT64_C(1700000000000) + i;
	s->runs = vx_arena_alloc(&s->arena, 2 * sizeof(*s->runs));
	s->runs[0] = (struct vx_collector_run){ "cisco_asa_snmp", 10 * i,
	    i == 1 ? VX_E_TIMEOUT : VX_E_OK };
	s->runs[1] = (struct vx_collector_run){ "cisco_asa_ssh", 2000,
	    VX_E_OK };
	s->nruns = 2;
	s->errors_total[VX_E_TIMEOUT] = (uint64_t)i;
	vx_snapshot_add_label(s, "site", i % 2 ? "fra1" : "ams2");
	for (int d = 0; d < VX_DV__COUNT; d++)
		vx_snapshot_set_dev(s, (enum vx_dev_val)d, 10u + (unsigned)d,
		    VX_PRIO_NORMAL);
	vx_snapshot_add_drop(s, "frame", "np-sp-invalid-spi", 100u * (unsigned)i);
	vx_snapshot_add_drop(s, "flow", "acl-drop", 3);
	s->ike_known = true;
	for (int k = 0; k < 3; k++) {
		char			 peer[32];
		struct vx_tunnel	*t;
		struct vx_ike_sa	*ike;
		struct vx_sa		 sa = { 0x100u * (unsigned)(k + 1),
					    0x200u * (unsigned)(k + 1), true,
					    true, VX_SA_ACTIVE };

		snprintf(peer, sizeof(peer), "198.51.100.%d", k + 1);
		t = vx_snapshot_tunnel(s, NULL, peer);
		for (int c = 0; c < VX_TC__COUNT; c++)
			vx_tunnel_add(t, (enum vx_tun_ctr)c, (uint64_t)c * 1000);
		vx_tunnel_note_life_s(t, 1000 + k);
		vx_tunnel_note_life_kb(t, 4000000);
		for (int a = 0; a < VX_TA__COUNT; a++)
			vx_tunnel_set_attr(s, t, (enum vx_tun_attr)a, "x");
		vx_tunnel_add_sa(s, t, &sa);
		t->rekeys = (uint64_t)k;
		t->rekeys_set = true;
		ike = vx_snapshot_ike_sa(s, peer);
		ike->up = true;
		ike->state = VX_IKE_ESTABLISHED;
		ike->life_s = 80000;
		ike->life_s_set = true;
		for (int a = 0; a < VX_IA__COUNT; a++)
			vx_ike_sa_set_attr(s, ike, (enum vx_ike_attr)a, "y");
	}
	vx_snapshot_expect_peer(s, "203.0.113.9");
	vx_snapshot_add_threshold(s, "invalid_spi", "warning", 0.25);
	vx_snapshot_add_threshold(s, "invalid_spi", "page", 2);
	return s;
}

#endif
