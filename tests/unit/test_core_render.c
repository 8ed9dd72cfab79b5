/*
 * The renderer (core/render.c): exact text for a small snapshot in the
 * Prometheus text format 0.0.4 and in OpenMetrics 1.0.0, absent values
 * left out, label escaping and UTF-8 repair, extra device labels, SPIs,
 * stale and offline snapshots, and family grouping across devices.
 * test_core_render_promtool.c checks a whole exposition with promtool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "model.h"
#include "render.h"
#include "test_snapshots.h"
#include "strbuf.h"

/* Renders snaps (and self) into a malloc'd string. */
static char *
render(enum vx_format fmt, struct vx_snapshot *const *snaps, size_t n,
    const struct vx_selfstats *self)
{
	struct vx_strbuf out;

	vx_strbuf_init(&out, 0);
	vx_render(&out, fmt, snaps, n, self);
	assert_false(out.failed);
	return vx_strbuf_detach(&out, NULL);
}

/* Fails with both texts and the first differing line. */
static void
expect_text(const char *what, const char *got, const char *want)
{
	const char	*g = got, *w = want;
	int		 line = 1;

	if (strcmp(got, want) == 0)
		return;
	while (*g != '\0' && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	fail_msg("%s: differs at line %d\n--- got:\n%s\n--- want:\n%s", what,
	    line, got, want);
}

static void
expect_contains(const char *what, const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("%s: '%s' missing from:\n%s", what, needle, text);
}

static void
expect_absent(const char *what, const char *text, const char *needle)
{
	if (strstr(text, needle) != NULL)
		fail_msg("%s: '%s' should not be in:\n%s", what, needle, text);
}

/*
 * The small snapshot of the exact-text tests: one device with one extra
 * label, one collector run, one tunnel with one SA, one IKE SA, one drop.
 */
static struct vx_snapshot *
small_snapshot(void)
{
	struct vx_snapshot	*s = vx_snapshot_new("asa-1");
	struct vx_tunnel	*t;
	struct vx_ike_sa	*ike;
	struct vx_sa		 sa = { 0x00f61780u, 0xdc15bf68u, true, true,
				    VX_SA_ACTIVE };

	assert_non_null(s);
	assert_int_equal(vx_snapshot_add_label(s, "site", "fra1"), 0);
	s->up = true;
	s->collected_ms = INT64_C(1700000000123);
	s->runs = vx_arena_alloc(&s->arena, sizeof(*s->runs));
	s->runs[0].collector = "cisco_asa_snmp";
	s->runs[0].duration_ms = 1234;
	s->runs[0].code = VX_E_OK;
	s->nruns = 1;
	s->errors_total[VX_E_TIMEOUT] = 2;
	vx_snapshot_set_dev(s, VX_DV_INVALID_SPI, 42, VX_PRIO_NORMAL);
	vx_snapshot_set_dev(s, VX_DV_L2L_SESSIONS, 3, VX_PRIO_NORMAL);
	assert_int_equal(vx_snapshot_add_drop(s, "frame", "np-sp-invalid-spi",
	    42), 0);
	t = vx_snapshot_tunnel(s, "outside_map 10", "192.0.2.1");
	vx_tunnel_add(t, VX_TC_PKTS_IN, 10);
	vx_tunnel_add(t, VX_TC_BYTES_OUT, 2000);
	vx_tunnel_add(t, VX_TC_ERR_REPLAY, 1);
	vx_tunnel_note_life_s(t, 3600);
	vx_tunnel_set_attr(s, t, VX_TA_IKE_VERSION, "2");
	vx_tunnel_set_attr(s, t, VX_TA_INTERFACE, "outside");
	assert_int_equal(vx_tunnel_add_sa(s, t, &sa), 0);
	t->rekeys = 1;
	t->rekeys_set = true;
	ike = vx_snapshot_ike_sa(s, "192.0.2.1");
	ike->up = true;
	ike->life_s = 86000;
	ike->life_s_set = true;
	ike->state = VX_IKE_ESTABLISHED;
	vx_ike_sa_set_attr(s, ike, VX_IA_VERSION, "2");
	assert_int_equal(vx_snapshot_add_threshold(s, "invalid_spi", "page",
	    1.5), 0);
	return s;
}

#define DL	"device=\"asa-1\",site=\"fra1\""
#define TL	DL ",tunnel=\"outside_map 10\",peer=\"192.0.2.1\""
#define IKE_STATE(st, v) \
"vpn_ike_sa_state{" DL ",peer=\"192.0.2.1\",vpn_ike_sa_state=\"" st "\"} " v "\n"
#define IKE_STATES IKE_STATE("established", "1") IKE_STATE("negotiating", "0") \
	IKE_STATE("deleting", "0") IKE_STATE("down", "0")
#define TUN_STATE(st, v) \
"vpn_tunnel_state{" TL ",vpn_tunnel_state=\"" st "\"} " v "\n"
/* A tunnel whose collector gave no state: up, so active. */
#define TUN_STATES TUN_STATE("active", "1") TUN_STATE("init", "0") \
	TUN_STATE("inactive", "0") TUN_STATE("down", "0")
#define TUN_STATE_HELP \
"# HELP vpn_tunnel_state State of the tunnel: 1 for the current state (active: an IPsec SA is installed; init: configured, no IPsec SA yet, as an idle on-demand tunnel; inactive; down), 0 for the others.\n"

static const char small_text[] =
"# HELP vpn_up 1 if the last collection from the device succeeded, 0 otherwise.\n"
"# TYPE vpn_up gauge\n"
"vpn_up{" DL "} 1\n"
"# HELP vpn_collect_duration_seconds Time the last collection took, per collector.\n"
"# TYPE vpn_collect_duration_seconds gauge\n"
"vpn_collect_duration_seconds{" DL ",collector=\"cisco_asa_snmp\"} 1.234\n"
"# HELP vpn_collector_up 1 if the collector's last run succeeded, 0 otherwise.\n"
"# TYPE vpn_collector_up gauge\n"
"vpn_collector_up{" DL ",collector=\"cisco_asa_snmp\"} 1\n"
"# HELP vpn_collect_timestamp_seconds Unix time of the last collection from the device.\n"
"# TYPE vpn_collect_timestamp_seconds gauge\n"
"vpn_collect_timestamp_seconds{" DL "} 1700000000.123\n"
"# HELP vpn_invalid_spi_packets_total Packets the device dropped because no SA matched their SPI (ASA np-sp-invalid-spi, Junos Invalid SPI), from one source per device.\n"
"# TYPE vpn_invalid_spi_packets_total counter\n"
"vpn_invalid_spi_packets_total{" DL "} 42\n"
"# HELP vpn_dropped_packets_total Packets the device dropped, by drop section and reason keyword.\n"
"# TYPE vpn_dropped_packets_total counter\n"
"vpn_dropped_packets_total{" DL ",section=\"frame\",reason=\"np-sp-invalid-spi\"} 42\n"
"# HELP vpn_sessions Active VPN sessions by type.\n"
"# TYPE vpn_sessions gauge\n"
"vpn_sessions{" DL ",type=\"l2l\"} 3\n"
"# HELP vpn_tunnel_up 1 if the tunnel has an installed IPsec SA, 0 otherwise (vpn_tunnel_state says why).\n"
"# TYPE vpn_tunnel_up gauge\n"
"vpn_tunnel_up{" TL "} 1\n"
TUN_STATE_HELP
"# TYPE vpn_tunnel_state gauge\n"
TUN_STATES
"# HELP vpn_tunnel_info Settings of a tunnel.\n"
"# TYPE vpn_tunnel_info gauge\n"
"vpn_tunnel_info{" TL ",ike_version=\"2\",interface=\"outside\"} 1\n"
"# HELP vpn_ike_sa_up 1 if an IKE SA with the peer is established, 0 otherwise.\n"
"# TYPE vpn_ike_sa_up gauge\n"
"vpn_ike_sa_up{" DL ",peer=\"192.0.2.1\"} 1\n"
"# HELP vpn_ike_sa_lifetime_remaining_seconds Seconds until the IKE SA with the peer expires.\n"
"# TYPE vpn_ike_sa_lifetime_remaining_seconds gauge\n"
"vpn_ike_sa_lifetime_remaining_seconds{" DL ",peer=\"192.0.2.1\"} 86000\n"
"# HELP vpn_ike_sa_state State of the IKE SA with a peer: 1 for the current state, 0 for the others.\n"
"# TYPE vpn_ike_sa_state gauge\n"
IKE_STATES
"# HELP vpn_ike_sa_info Settings of the IKE SA with a peer.\n"
"# TYPE vpn_ike_sa_info gauge\n"
"vpn_ike_sa_info{" DL ",peer=\"192.0.2.1\",version=\"2\"} 1\n"
"# HELP vpn_ipsec_sa_lifetime_remaining_seconds Seconds until the tunnel's current IPsec SA expires.\n"
"# TYPE vpn_ipsec_sa_lifetime_remaining_seconds gauge\n"
"vpn_ipsec_sa_lifetime_remaining_seconds{" TL "} 3600\n"
"# HELP vpn_ipsec_packets_total Packets through the tunnel's IPsec SAs (without tunnel labels: all tunnels, when the device counts them together), by direction.\n"
"# TYPE vpn_ipsec_packets_total counter\n"
"vpn_ipsec_packets_total{" TL ",direction=\"in\"} 10\n"
"# HELP vpn_ipsec_bytes_total Bytes through the tunnel's IPsec SAs (without tunnel labels: all tunnels), by direction.\n"
"# TYPE vpn_ipsec_bytes_total counter\n"
"vpn_ipsec_bytes_total{" TL ",direction=\"out\"} 2000\n"
"# HELP vpn_ipsec_errors_total IPsec errors on the tunnel (without tunnel labels: all tunnels), by type.\n"
"# TYPE vpn_ipsec_errors_total counter\n"
"vpn_ipsec_errors_total{" TL ",type=\"replay\"} 1\n"
"# HELP vpn_ipsec_sa_info SPIs, state (active, or expiring during a rekey) and traffic selectors of the tunnel's IPsec SAs; one series per SA pair, new at every rekey.\n"
"# TYPE vpn_ipsec_sa_info gauge\n"
"vpn_ipsec_sa_info{" TL ",spi_in=\"0x00f61780\",spi_out=\"0xdc15bf68\",state=\"active\"} 1\n"
"# HELP vpn_ipsec_rekeys_total Changes of the tunnel's SPI pair seen by the exporter.\n"
"# TYPE vpn_ipsec_rekeys_total counter\n"
"vpn_ipsec_rekeys_total{" TL "} 1\n"
"# HELP vpn_alert_threshold Alert threshold configured for the device, by alert and severity (units as in the alert: packets/s, seconds, changes).\n"
"# TYPE vpn_alert_threshold gauge\n"
"vpn_alert_threshold{" DL ",alert=\"invalid_spi\",severity=\"page\"} 1.5\n"
"# HELP vpn_exporter_collect_errors_total Failed collections by device and reason.\n"
"# TYPE vpn_exporter_collect_errors_total counter\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"timeout\"} 2\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"connect\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"auth\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"hostkey\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"protocol\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"parse\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"nomem\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"internal\"} 0\n";

/*
 * OpenMetrics: family names without _total / _info, TYPE counter / info,
 * samples keep their suffix, "# EOF" last.
 */
static const char small_om[] =
"# HELP vpn_up 1 if the last collection from the device succeeded, 0 otherwise.\n"
"# TYPE vpn_up gauge\n"
"vpn_up{" DL "} 1\n"
"# HELP vpn_collect_duration_seconds Time the last collection took, per collector.\n"
"# TYPE vpn_collect_duration_seconds gauge\n"
"vpn_collect_duration_seconds{" DL ",collector=\"cisco_asa_snmp\"} 1.234\n"
"# HELP vpn_collector_up 1 if the collector's last run succeeded, 0 otherwise.\n"
"# TYPE vpn_collector_up gauge\n"
"vpn_collector_up{" DL ",collector=\"cisco_asa_snmp\"} 1\n"
"# HELP vpn_collect_timestamp_seconds Unix time of the last collection from the device.\n"
"# TYPE vpn_collect_timestamp_seconds gauge\n"
"vpn_collect_timestamp_seconds{" DL "} 1700000000.123\n"
"# HELP vpn_invalid_spi_packets Packets the device dropped because no SA matched their SPI (ASA np-sp-invalid-spi, Junos Invalid SPI), from one source per device.\n"
"# TYPE vpn_invalid_spi_packets counter\n"
"vpn_invalid_spi_packets_total{" DL "} 42\n"
"# HELP vpn_dropped_packets Packets the device dropped, by drop section and reason keyword.\n"
"# TYPE vpn_dropped_packets counter\n"
"vpn_dropped_packets_total{" DL ",section=\"frame\",reason=\"np-sp-invalid-spi\"} 42\n"
"# HELP vpn_sessions Active VPN sessions by type.\n"
"# TYPE vpn_sessions gauge\n"
"vpn_sessions{" DL ",type=\"l2l\"} 3\n"
"# HELP vpn_tunnel_up 1 if the tunnel has an installed IPsec SA, 0 otherwise (vpn_tunnel_state says why).\n"
"# TYPE vpn_tunnel_up gauge\n"
"vpn_tunnel_up{" TL "} 1\n"
TUN_STATE_HELP
"# TYPE vpn_tunnel_state stateset\n"
TUN_STATES
"# HELP vpn_tunnel Settings of a tunnel.\n"
"# TYPE vpn_tunnel info\n"
"vpn_tunnel_info{" TL ",ike_version=\"2\",interface=\"outside\"} 1\n"
"# HELP vpn_ike_sa_up 1 if an IKE SA with the peer is established, 0 otherwise.\n"
"# TYPE vpn_ike_sa_up gauge\n"
"vpn_ike_sa_up{" DL ",peer=\"192.0.2.1\"} 1\n"
"# HELP vpn_ike_sa_lifetime_remaining_seconds Seconds until the IKE SA with the peer expires.\n"
"# TYPE vpn_ike_sa_lifetime_remaining_seconds gauge\n"
"vpn_ike_sa_lifetime_remaining_seconds{" DL ",peer=\"192.0.2.1\"} 86000\n"
"# HELP vpn_ike_sa_state State of the IKE SA with a peer: 1 for the current state, 0 for the others.\n"
"# TYPE vpn_ike_sa_state stateset\n"
IKE_STATES
"# HELP vpn_ike_sa Settings of the IKE SA with a peer.\n"
"# TYPE vpn_ike_sa info\n"
"vpn_ike_sa_info{" DL ",peer=\"192.0.2.1\",version=\"2\"} 1\n"
"# HELP vpn_ipsec_sa_lifetime_remaining_seconds Seconds until the tunnel's current IPsec SA expires.\n"
"# TYPE vpn_ipsec_sa_lifetime_remaining_seconds gauge\n"
"vpn_ipsec_sa_lifetime_remaining_seconds{" TL "} 3600\n"
"# HELP vpn_ipsec_packets Packets through the tunnel's IPsec SAs (without tunnel labels: all tunnels, when the device counts them together), by direction.\n"
"# TYPE vpn_ipsec_packets counter\n"
"vpn_ipsec_packets_total{" TL ",direction=\"in\"} 10\n"
"# HELP vpn_ipsec_bytes Bytes through the tunnel's IPsec SAs (without tunnel labels: all tunnels), by direction.\n"
"# TYPE vpn_ipsec_bytes counter\n"
"vpn_ipsec_bytes_total{" TL ",direction=\"out\"} 2000\n"
"# HELP vpn_ipsec_errors IPsec errors on the tunnel (without tunnel labels: all tunnels), by type.\n"
"# TYPE vpn_ipsec_errors counter\n"
"vpn_ipsec_errors_total{" TL ",type=\"replay\"} 1\n"
"# HELP vpn_ipsec_sa SPIs, state (active, or expiring during a rekey) and traffic selectors of the tunnel's IPsec SAs; one series per SA pair, new at every rekey.\n"
"# TYPE vpn_ipsec_sa info\n"
"vpn_ipsec_sa_info{" TL ",spi_in=\"0x00f61780\",spi_out=\"0xdc15bf68\",state=\"active\"} 1\n"
"# HELP vpn_ipsec_rekeys Changes of the tunnel's SPI pair seen by the exporter.\n"
"# TYPE vpn_ipsec_rekeys counter\n"
"vpn_ipsec_rekeys_total{" TL "} 1\n"
"# HELP vpn_alert_threshold Alert threshold configured for the device, by alert and severity (units as in the alert: packets/s, seconds, changes).\n"
"# TYPE vpn_alert_threshold gauge\n"
"vpn_alert_threshold{" DL ",alert=\"invalid_spi\",severity=\"page\"} 1.5\n"
"# HELP vpn_exporter_collect_errors Failed collections by device and reason.\n"
"# TYPE vpn_exporter_collect_errors counter\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"timeout\"} 2\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"connect\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"auth\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"hostkey\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"protocol\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"parse\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"nomem\"} 0\n"
"vpn_exporter_collect_errors_total{" DL ",reason=\"internal\"} 0\n"
"# EOF\n";

static void
test_small_text(void **state)
{
	struct vx_snapshot	*s = small_snapshot();
	char			*got;

	(void)state;
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_text("text 0.0.4", got, small_text);
	free(got);
	vx_snapshot_unref(s);
}

static void
test_small_openmetrics(void **state)
{
	struct vx_snapshot	*s = small_snapshot();
	char			*got;

	(void)state;
	got = render(VX_FMT_OPENMETRICS, &s, 1, NULL);
	expect_text("OpenMetrics 1.0.0", got, small_om);
	free(got);
	vx_snapshot_unref(s);
}

static void
test_content_types(void **state)
{
	(void)state;
	assert_string_equal(vx_format_content_type(VX_FMT_TEXT),
	    "text/plain; version=0.0.4; charset=utf-8");
	assert_string_equal(vx_format_content_type(VX_FMT_OPENMETRICS),
	    "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

static const struct vx_selfstats self_stats = {
	.version = "0.1.0",
	.revision = "abc123",
	.compiler = "gcc 12",
	.reload_ok = true,
	.reload_success_ms = INT64_C(1700000000500),
	.ndevices = 2,
	.nprobe_targets = 3,
	.proc = {
		.valid = true,
		.cpu_seconds = 1.5,
		.rss_bytes = 4096,
		.vsize_bytes = 8192,
		.open_fds = 9,
		.max_fds = 1024,
		.start_time_seconds = 1700000000.25,
	},
};

static const char self_text[] =
"# HELP vpn_exporter_build_info Version of vpn_exporter.\n"
"# TYPE vpn_exporter_build_info gauge\n"
"vpn_exporter_build_info{version=\"0.1.0\",revision=\"abc123\",compiler=\"gcc 12\"} 1\n"
"# HELP vpn_exporter_config_last_reload_successful 1 if the last configuration reload succeeded.\n"
"# TYPE vpn_exporter_config_last_reload_successful gauge\n"
"vpn_exporter_config_last_reload_successful 1\n"
"# HELP vpn_exporter_config_last_reload_success_timestamp_seconds Unix time of the last successful configuration load.\n"
"# TYPE vpn_exporter_config_last_reload_success_timestamp_seconds gauge\n"
"vpn_exporter_config_last_reload_success_timestamp_seconds 1700000000.500\n"
"# HELP vpn_exporter_devices Devices in the running configuration.\n"
"# TYPE vpn_exporter_devices gauge\n"
"vpn_exporter_devices 2\n"
"# HELP vpn_exporter_probe_targets Devices made on demand for /probe?target= (probe_targets) and kept between scrapes.\n"
"# TYPE vpn_exporter_probe_targets gauge\n"
"vpn_exporter_probe_targets 3\n"
"# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
"# TYPE process_cpu_seconds_total counter\n"
"process_cpu_seconds_total 1.500\n"
"# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
"# TYPE process_resident_memory_bytes gauge\n"
"process_resident_memory_bytes 4096\n"
"# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
"# TYPE process_virtual_memory_bytes gauge\n"
"process_virtual_memory_bytes 8192\n"
"# HELP process_open_fds Number of open file descriptors.\n"
"# TYPE process_open_fds gauge\n"
"process_open_fds 9\n"
"# HELP process_max_fds Maximum number of open file descriptors.\n"
"# TYPE process_max_fds gauge\n"
"process_max_fds 1024\n"
"# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
"# TYPE process_start_time_seconds gauge\n"
"process_start_time_seconds 1700000000.250\n";

static void
test_self_metrics(void **state)
{
	struct vx_selfstats	 self = self_stats;
	char			*got;

	(void)state;
	got = render(VX_FMT_TEXT, NULL, 0, &self);
	expect_text("self", got, self_text);
	free(got);
	got = render(VX_FMT_OPENMETRICS, NULL, 0, &self);
	expect_contains("self om", got, "# TYPE vpn_exporter_build info\n"
	    "vpn_exporter_build_info{version=\"0.1.0\"");
	expect_contains("self om", got, "# TYPE process_cpu_seconds counter\n"
	    "process_cpu_seconds_total 1.500\n");
	free(got);

	/* Not valid process figures, no reload yet, a failed reload. */
	self.proc.valid = false;
	self.reload_ok = false;
	self.reload_success_ms = 0;
	self.ndevices = 0;
	got = render(VX_FMT_TEXT, NULL, 0, &self);
	expect_absent("no proc", got, "process_");
	expect_absent("no reload ts", got, "success_timestamp");
	expect_contains("reload failed", got,
	    "\nvpn_exporter_config_last_reload_successful 0\n");
	expect_contains("no devices", got, "\nvpn_exporter_devices 0\n");
	free(got);
}

/* No snapshots and no self: text is empty, OpenMetrics just "# EOF". */
static void
test_empty(void **state)
{
	struct vx_snapshot	*none[2] = { NULL, NULL };
	char			*got;

	(void)state;
	got = render(VX_FMT_TEXT, none, 2, NULL);
	assert_string_equal(got, "");
	free(got);
	got = render(VX_FMT_OPENMETRICS, none, 2, NULL);
	assert_string_equal(got, "# EOF\n");
	free(got);
}

/*
 * Absent is not zero: a new tunnel and IKE SA render only their up state,
 * and no counter, lifetime, info or rekey series at all.
 */
static void
test_absent_values_left_out(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("d");
	char			*got;

	(void)state;
	vx_snapshot_tunnel(s, NULL, "192.0.2.1");
	vx_snapshot_ike_sa(s, "192.0.2.1");
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_text("bare tunnel", got,
	    "# HELP vpn_tunnel_up 1 if the tunnel has an installed IPsec "
	    "SA, 0 otherwise (vpn_tunnel_state says why).\n"
	    "# TYPE vpn_tunnel_up gauge\n"
	    "vpn_tunnel_up{device=\"d\",tunnel=\"192.0.2.1\","
	    "peer=\"192.0.2.1\"} 1\n"
	    TUN_STATE_HELP
	    "# TYPE vpn_tunnel_state gauge\n"
	    "vpn_tunnel_state{device=\"d\",tunnel=\"192.0.2.1\","
	    "peer=\"192.0.2.1\",vpn_tunnel_state=\"active\"} 1\n"
	    "vpn_tunnel_state{device=\"d\",tunnel=\"192.0.2.1\","
	    "peer=\"192.0.2.1\",vpn_tunnel_state=\"init\"} 0\n"
	    "vpn_tunnel_state{device=\"d\",tunnel=\"192.0.2.1\","
	    "peer=\"192.0.2.1\",vpn_tunnel_state=\"inactive\"} 0\n"
	    "vpn_tunnel_state{device=\"d\",tunnel=\"192.0.2.1\","
	    "peer=\"192.0.2.1\",vpn_tunnel_state=\"down\"} 0\n"
	    "# HELP vpn_ike_sa_up 1 if an IKE SA with the peer is "
	    "established, 0 otherwise.\n"
	    "# TYPE vpn_ike_sa_up gauge\n"
	    "vpn_ike_sa_up{device=\"d\",peer=\"192.0.2.1\"} 0\n");
	free(got);
	vx_snapshot_unref(s);
}

/* Each counter renders under its own metric and label once it is set. */
static void
test_each_counter(void **state)
{
	static const struct {
		const char	*metric;
		const char	*label;
	} want[VX_TC__COUNT] = {
		[VX_TC_PKTS_IN] = { "vpn_ipsec_packets_total", "direction=\"in\"" },
		[VX_TC_PKTS_OUT] = { "vpn_ipsec_packets_total", "direction=\"out\"" },
		[VX_TC_BYTES_IN] = { "vpn_ipsec_bytes_total", "direction=\"in\"" },
		[VX_TC_BYTES_OUT] = { "vpn_ipsec_bytes_total", "direction=\"out\"" },
		[VX_TC_ERR_DECRYPT] = { "vpn_ipsec_errors_total", "type=\"decrypt\"" },
		[VX_TC_ERR_ENCRYPT] = { "vpn_ipsec_errors_total", "type=\"encrypt\"" },
		[VX_TC_ERR_AUTH] = { "vpn_ipsec_errors_total", "type=\"auth\"" },
		[VX_TC_ERR_AUTH_OUT] = { "vpn_ipsec_errors_total", "type=\"auth_out\"" },
		[VX_TC_ERR_REPLAY] = { "vpn_ipsec_errors_total", "type=\"replay\"" },
		[VX_TC_ERR_SEND] = { "vpn_ipsec_errors_total", "type=\"send\"" },
		[VX_TC_ERR_RECV] = { "vpn_ipsec_errors_total", "type=\"recv\"" },
		[VX_TC_ERR_DROP_IN] = { "vpn_ipsec_errors_total", "type=\"drop_in\"" },
		[VX_TC_ERR_DROP_OUT] = { "vpn_ipsec_errors_total", "type=\"drop_out\"" },
		[VX_TC_ERR_INVALID_SPI] = { "vpn_ipsec_errors_total", "type=\"invalid_spi\"" },
		[VX_TC_ERR_BAD_HEADER] = { "vpn_ipsec_errors_total", "type=\"bad_header\"" },
		[VX_TC_ERR_BAD_TRAILER] = { "vpn_ipsec_errors_total", "type=\"bad_trailer\"" },
	};
	static const char tl[] = "device=\"d\",tunnel=\"t\",peer=\"p\"";

	(void)state;
	for (int c = 0; c < VX_TC__COUNT; c++) {
		struct vx_snapshot	*s = vx_snapshot_new("d");
		struct vx_tunnel	*t = vx_snapshot_tunnel(s, "t", "p");
		char			*got, line[200];
		size_t			 samples = 0;

		vx_tunnel_add(t, (enum vx_tun_ctr)c, (uint64_t)(100 + c));
		got = render(VX_FMT_TEXT, &s, 1, NULL);
		snprintf(line, sizeof(line), "\n%s{%s,%s} %d\n", want[c].metric,
		    tl, want[c].label, 100 + c);
		if (strstr(got, line) == NULL)
			fail_msg("counter %d: '%s' missing from:\n%s", c, line,
			    got);
		/*
		 * Exactly one counter sample: vpn_tunnel_up, the four of
		 * vpn_tunnel_state and this one.
		 */
		for (const char *p = got; (p = strstr(p, "\nvpn_")) != NULL;
		    p++)
			samples++;
		if (samples != 6)
			fail_msg("counter %d: %zu samples in:\n%s", c, samples,
			    got);
		free(got);
		vx_snapshot_unref(s);
	}
}

/* Device values: each under its metric; unset ones nowhere. */
static void
test_each_device_value(void **state)
{
	static const char *const want[VX_DV__COUNT] = {
		[VX_DV_INVALID_SPI] = "vpn_invalid_spi_packets_total{device=\"d\"} 7\n",
		[VX_DV_NO_SA_FAILS] = "vpn_ipsec_no_sa_failures_total{device=\"d\"} 7\n",
		[VX_DV_IKE_ACTIVE_TUNNELS] = "vpn_ike_active_tunnels{device=\"d\"} 7\n",
		[VX_DV_IPSEC_ACTIVE_TUNNELS] = "vpn_ipsec_active_tunnels{device=\"d\"} 7\n",
		[VX_DV_L2L_SESSIONS] = "vpn_sessions{device=\"d\",type=\"l2l\"} 7\n",
		[VX_DV_L2L_SESSIONS_TOTAL] = "vpn_sessions_started_total{device=\"d\",type=\"l2l\"} 7\n",
		[VX_DV_DROPS_CLEARED_TS] = "vpn_dropped_packets_last_cleared_timestamp_seconds{device=\"d\"} 7\n",
		[VX_DV_PKTS_IN] = "vpn_ipsec_packets_total{device=\"d\",direction=\"in\"} 7\n",
		[VX_DV_PKTS_OUT] = "vpn_ipsec_packets_total{device=\"d\",direction=\"out\"} 7\n",
		[VX_DV_BYTES_IN] = "vpn_ipsec_bytes_total{device=\"d\",direction=\"in\"} 7\n",
		[VX_DV_BYTES_OUT] = "vpn_ipsec_bytes_total{device=\"d\",direction=\"out\"} 7\n",
		[VX_DV_ERR_AUTH] = "vpn_ipsec_errors_total{device=\"d\",type=\"auth\"} 7\n",
		[VX_DV_ERR_DECRYPT] = "vpn_ipsec_errors_total{device=\"d\",type=\"decrypt\"} 7\n",
		[VX_DV_ERR_REPLAY] = "vpn_ipsec_errors_total{device=\"d\",type=\"replay\"} 7\n",
		[VX_DV_ERR_BAD_HEADER] = "vpn_ipsec_errors_total{device=\"d\",type=\"bad_header\"} 7\n",
		[VX_DV_ERR_BAD_TRAILER] = "vpn_ipsec_errors_total{device=\"d\",type=\"bad_trailer\"} 7\n",
	};

	(void)state;
	for (int d = 0; d < VX_DV__COUNT; d++) {
		struct vx_snapshot	*s = vx_snapshot_new("d");
		char			*got;

		vx_snapshot_set_dev(s, (enum vx_dev_val)d, 7, VX_PRIO_NORMAL);
		got = render(VX_FMT_TEXT, &s, 1, NULL);
		/* HELP, TYPE and the one sample. */
		if (strstr(got, want[d]) == NULL ||
		    strchr(strchr(strchr(got, '\n') + 1, '\n') + 1, '\n') !=
		    got + strlen(got) - 1)
			fail_msg("value %d: want only '%s' in:\n%s", d, want[d],
			    got);
		free(got);
		vx_snapshot_unref(s);
	}
}

/*
 * A cluster: the node label on the tunnels, IKE SAs and device values of
 * each node, and nowhere on a device that is not one.
 */
static void
test_nodes(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("srx");
	struct vx_tunnel	*t0, *t1;
	struct vx_ike_sa	*i0;
	char			*got;

	(void)state;
	t0 = vx_snapshot_node_tunnel(s, "node0", "vpn-a", "192.0.2.1");
	t1 = vx_snapshot_node_tunnel(s, "node1", "vpn-a", "192.0.2.1");
	assert_non_null(t0);
	assert_true(t0 != t1);
	/* The same tunnel without a node is a third one. */
	assert_null(vx_snapshot_find_tunnel(s, "vpn-a", "192.0.2.1"));
	assert_ptr_equal(vx_snapshot_find_node_tunnel(s, "node1", "vpn-a",
	    "192.0.2.1"), t1);
	t1->up = false;
	i0 = vx_snapshot_node_ike_sa(s, "node0", "192.0.2.1");
	i0->up = true;
	i0->state = VX_IKE_ESTABLISHED;
	assert_null(vx_snapshot_find_ike_sa(s, "192.0.2.1"));
	assert_int_equal(vx_snapshot_set_node_dev(s, "node0",
	    VX_DV_INVALID_SPI, 5, VX_PRIO_NORMAL), 0);
	assert_int_equal(vx_snapshot_set_node_dev(s, "node1",
	    VX_DV_INVALID_SPI, 0, VX_PRIO_NORMAL), 0);
	assert_int_equal(vx_snapshot_set_node_dev(s, NULL,
	    VX_DV_IKE_ACTIVE_TUNNELS, 1, VX_PRIO_NORMAL), 0);
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("node", got, "vpn_tunnel_up{device=\"srx\",tunnel="
	    "\"vpn-a\",peer=\"192.0.2.1\",node=\"node0\"} 1\n");
	expect_contains("node", got, "vpn_tunnel_up{device=\"srx\",tunnel="
	    "\"vpn-a\",peer=\"192.0.2.1\",node=\"node1\"} 0\n");
	expect_contains("node", got, "vpn_ike_sa_up{device=\"srx\",peer="
	    "\"192.0.2.1\",node=\"node0\"} 1\n");
	expect_contains("node", got, "vpn_ike_sa_state{device=\"srx\",peer="
	    "\"192.0.2.1\",node=\"node0\",vpn_ike_sa_state=\"established\"}"
	    " 1\n");
	expect_contains("node", got, "vpn_invalid_spi_packets_total{device="
	    "\"srx\",node=\"node0\"} 5\n");
	expect_contains("node", got, "vpn_invalid_spi_packets_total{device="
	    "\"srx\",node=\"node1\"} 0\n");
	expect_contains("node", got, "vpn_ike_active_tunnels{device=\"srx\"} "
	    "1\n");
	free(got);
	vx_snapshot_unref(s);
	assert_true(vx_label_name_reserved("node"));
	assert_true(vx_label_name_reserved("metric"));
}

/* A value the device cannot supply: absent, and said so. */
static void
test_not_reported(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("srx");
	char			*got;

	(void)state;
	vx_snapshot_dev_unsupported(s, VX_DV_INVALID_SPI);
	vx_snapshot_set_dev(s, VX_DV_ERR_AUTH, 3, VX_PRIO_NORMAL);
	got = render(VX_FMT_OPENMETRICS, &s, 1, NULL);
	expect_contains("not reported", got, "# TYPE vpn_not_reported gauge\n"
	    "vpn_not_reported{device=\"srx\",metric=\"vpn_invalid_spi_"
	    "packets_total\"} 1\n");
	assert_null(strstr(got, "vpn_invalid_spi_packets_total{"));
	expect_contains("device-wide errors", got, "vpn_ipsec_errors_total{"
	    "device=\"srx\",type=\"auth\"} 3\n");
	free(got);
	/* A value that is there after all is reported, not "not reported". */
	vx_snapshot_set_dev(s, VX_DV_INVALID_SPI, 0, VX_PRIO_NORMAL);
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	assert_null(strstr(got, "vpn_not_reported"));
	free(got);
	vx_snapshot_unref(s);
}

struct esc_case {
	const char	*in;
	const char	*want;
};

#define FFFD	"\xef\xbf\xbd"

static void
test_escape_label(void **state)
{
	static const struct esc_case cases[] = {
		{ "", "" },
		{ "plain 192.0.2.1", "plain 192.0.2.1" },
		{ "a\\b", "a\\\\b" },
		{ "say \"hi\"", "say \\\"hi\\\"" },
		{ "two\nlines\n", "two\\nlines\\n" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		/* Other control bytes are legal UTF-8 and pass as they are. */
		{ "tab\there\r", "tab\there\r" },
		/* Valid multi-byte UTF-8 passes. */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "\xe2\x82\xac 5", "\xe2\x82\xac 5" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\xc2\x80", "\xc2\x80" },
		{ "\xdf\xbf", "\xdf\xbf" },
		{ "\xe0\xa0\x80", "\xe0\xa0\x80" },
		{ "\xed\x9f\xbf", "\xed\x9f\xbf" },		/* U+D7FF */
		{ "\xee\x80\x80", "\xee\x80\x80" },		/* U+E000 */
		{ "\xef\xbf\xbf", "\xef\xbf\xbf" },		/* U+FFFF */
		{ "\xf0\x90\x80\x80", "\xf0\x90\x80\x80" },	/* U+10000 */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },	/* U+10FFFF */
		/* Invalid: each offending byte becomes U+FFFD. */
		{ "\xc0\xaf", FFFD FFFD },			/* overlong / */
		{ "\xc1\xbf", FFFD FFFD },
		{ "\xe0\x80\xaf", FFFD FFFD FFFD },
		{ "\xe0\x9f\xbf", FFFD FFFD FFFD },
		{ "\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD },
		{ "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD },
		{ "\xed\xa0\x80", FFFD FFFD FFFD },		/* U+D800 */
		{ "\xed\xbf\xbf", FFFD FFFD FFFD },		/* U+DFFF */
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },	/* > U+10FFFF */
		{ "\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD },
		{ "\xff", FFFD },
		{ "\xfe", FFFD },
		{ "\x80", FFFD },
		{ "a\xbf" "b", "a" FFFD "b" },
		/* Truncated sequences, at the end and before ASCII. */
		{ "a\xc3", "a" FFFD },
		{ "a\xe2\x82", "a" FFFD FFFD },
		{ "\xf0\x9f\x98", FFFD FFFD FFFD },
		{ "\xe2\x82" "b", FFFD FFFD "b" },
		{ "\xc3" "\"", FFFD "\\\"" },
		{ "\xe2\x82\n", FFFD FFFD "\\n" },
		/* Valid after invalid is kept. */
		{ "\xff\xc3\xa9", FFFD "\xc3\xa9" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_strbuf sb;

		vx_strbuf_init(&sb, 0);
		vx_strbuf_addstr(&sb, "<");
		vx_render_escape_label(&sb, cases[i].in);
		if (strcmp(sb.buf + 1, cases[i].want) != 0) {
			char	hex[256] = "";
			size_t	n = 0;

			for (const unsigned char *p = (const unsigned char *)
			    sb.buf + 1; *p && n + 4 < sizeof(hex); p++)
				n += (size_t)snprintf(hex + n, sizeof(hex) - n,
				    "%02x ", *p);
			fail_msg("case %zu: got bytes %s", i, hex);
		}
		vx_strbuf_release(&sb);
	}
}

/*
 * Escaping and UTF-8 repair apply to every label the renderer writes:
 * device name, extra labels, tunnel and peer, drop reasons, attributes.
 */
static void
test_escaping_in_series(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("asa \"hq\"\\1");
	struct vx_tunnel	*t;
	char			*got;

	(void)state;
	assert_int_equal(vx_snapshot_add_label(s, "site", "line1\nline2"), 0);
	t = vx_snapshot_tunnel(s, "map\xff", "p\"q");
	vx_tunnel_set_attr(s, t, VX_TA_CRYPTO_MAP, "a\\b");
	vx_snapshot_add_drop(s, "frame", "bad\xc0\xafreason", 1);
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("escaping", got,
	    "vpn_tunnel_up{device=\"asa \\\"hq\\\"\\\\1\",site=\"line1\\nline2\","
	    "tunnel=\"map" FFFD "\",peer=\"p\\\"q\"} 1\n");
	expect_contains("escaping", got, ",crypto_map=\"a\\\\b\"} 1\n");
	expect_contains("escaping", got,
	    ",reason=\"bad" FFFD FFFD "reason\"} 1\n");
	expect_absent("escaping", got, "\xff");
	expect_absent("escaping", got, "line1\nline2");
	free(got);
	vx_snapshot_unref(s);
}

/* Every per-device series carries the extra labels, right after device. */
static void
test_extra_labels_everywhere(void **state)
{
	struct vx_snapshot	*s = small_snapshot();
	char			*got, *line, *save = NULL;
	size_t			 series = 0;

	(void)state;
	assert_int_equal(vx_snapshot_add_label(s, "role", "hub"), 0);
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	for (line = strtok_r(got, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		series++;
		if (strstr(line, "{device=\"asa-1\",site=\"fra1\",role=\"hub\"")
		    == NULL &&
		    strstr(line, "{device=\"asa-1\",site=\"fra1\",role=\"hub\"}")
		    == NULL)
			fail_msg("series without the extra labels: %s", line);
	}
	/*
	 * 18 series, 4 tunnel and 4 IKE states, 1 threshold and 8 error
	 * reasons; all were checked.
	 */
	assert_int_equal(series, 35);
	free(got);
	vx_snapshot_unref(s);
}

/* SPIs as 0x%08x with leading zeros; a half-known pair has one label. */
static void
test_spis(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("d");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, "t", "p");
	struct vx_sa		 sas[] = {
		{ 0x1u, 0xabcu, true, true, VX_SA_ACTIVE },
		{ 0x0u, 0xffffffffu, true, true, VX_SA_EXPIRING },
		{ 0x00f61780u, 0, true, false, VX_SA_ACTIVE },
		{ 0, 0x0000beefu, false, true, VX_SA_UNKNOWN },
	};
	char			*got;

	(void)state;
	for (size_t i = 0; i < sizeof(sas) / sizeof(sas[0]); i++)
		assert_int_equal(vx_tunnel_add_sa(s, t, &sas[i]), 0);
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("spi", got, "vpn_ipsec_sa_info{device=\"d\","
	    "tunnel=\"t\",peer=\"p\",spi_in=\"0x00000001\","
	    "spi_out=\"0x00000abc\",state=\"active\"} 1\n"
	    "vpn_ipsec_sa_info{device=\"d\",tunnel=\"t\",peer=\"p\","
	    "spi_in=\"0x00000000\",spi_out=\"0xffffffff\","
	    "state=\"expiring\"} 1\n"
	    "vpn_ipsec_sa_info{device=\"d\",tunnel=\"t\",peer=\"p\","
	    "spi_in=\"0x00f61780\",state=\"active\"} 1\n"
	    "vpn_ipsec_sa_info{device=\"d\",tunnel=\"t\",peer=\"p\","
	    "spi_out=\"0x0000beef\",state=\"unknown\"} 1\n");
	free(got);
	vx_snapshot_unref(s);
}

/* Devices count SA volume in kilobytes of 1024 bytes; the metric is bytes. */
static void
test_lifetime_volume_in_bytes(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("d");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, "t", "p");
	char			*got;

	(void)state;
	vx_tunnel_note_life_kb(t, 4608000);
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("bytes", got, "# TYPE vpn_ipsec_sa_lifetime_remaining_bytes "
	    "gauge\n");
	expect_contains("bytes", got, "vpn_ipsec_sa_lifetime_remaining_bytes{"
	    "device=\"d\",tunnel=\"t\",peer=\"p\"} 4718592000\n");
	expect_absent("bytes", got, "kilobytes");
	free(got);
	vx_snapshot_unref(s);
}

/* Traffic selectors label their SA's series, copied into the snapshot. */
static void
test_sa_idents(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("d");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, "t", "p");
	char			 lid[] = "10.0.0.0/255.0.0.0/0/0";
	struct vx_sa		 sa = { 0x1u, 0x2u, true, true, VX_SA_ACTIVE,
				    lid, "192.168.0.0/255.255.0.0/0/0" };
	char			*got;

	(void)state;
	assert_int_equal(vx_tunnel_add_sa(s, t, &sa), 0);
	lid[0] = 'X';	/* the snapshot has its own copy */
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("idents", got, "vpn_ipsec_sa_info{device=\"d\","
	    "tunnel=\"t\",peer=\"p\",spi_in=\"0x00000001\","
	    "spi_out=\"0x00000002\",state=\"active\","
	    "local_ident=\"10.0.0.0/255.0.0.0/0/0\","
	    "remote_ident=\"192.168.0.0/255.255.0.0/0/0\"} 1\n");
	free(got);
	vx_snapshot_unref(s);
}

/*
 * A stale snapshot (the device stopped answering) keeps its bookkeeping
 * but says vpn_up 0, collector_up 0, and shows no device data.
 */
static void
test_stale(void **state)
{
	struct vx_snapshot	*s = small_snapshot();
	char			*got;

	(void)state;
	s->stale = true;
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("stale", got, "\nvpn_up{" DL "} 0\n");
	expect_contains("stale", got,
	    "\nvpn_collector_up{" DL ",collector=\"cisco_asa_snmp\"} 0\n");
	expect_contains("stale", got, "\nvpn_collect_duration_seconds{" DL
	    ",collector=\"cisco_asa_snmp\"} 1.234\n");
	expect_contains("stale", got,
	    "\nvpn_collect_timestamp_seconds{" DL "} 1700000000.123\n");
	expect_contains("stale", got, "\nvpn_exporter_collect_errors_total{"
	    DL ",reason=\"timeout\"} 2\n");
	expect_absent("stale", got, "vpn_tunnel");
	expect_absent("stale", got, "vpn_ike_sa");
	expect_absent("stale", got, "vpn_ipsec");
	expect_absent("stale", got, "vpn_dropped");
	expect_absent("stale", got, "vpn_invalid_spi");
	expect_absent("stale", got, "vpn_sessions");
	free(got);

	/* up=false (failed, not stale) also says 0 but keeps its data. */
	s->stale = false;
	s->up = false;
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_contains("down", got, "\nvpn_up{" DL "} 0\n");
	expect_contains("down", got, "\nvpn_tunnel_up{" TL "} 1\n");
	free(got);
	vx_snapshot_unref(s);
}

/* An offline parse (collected_ms 0) has no collection bookkeeping. */
static void
test_offline(void **state)
{
	struct vx_snapshot	*s = small_snapshot();
	char			*got;

	(void)state;
	s->collected_ms = 0;
	s->nruns = 0;
	got = render(VX_FMT_TEXT, &s, 1, NULL);
	expect_absent("offline", got, "vpn_up");
	expect_absent("offline", got, "vpn_collect_timestamp_seconds");
	expect_absent("offline", got, "vpn_exporter_collect_errors_total");
	expect_absent("offline", got, "vpn_collector_up");
	expect_contains("offline", got, "\nvpn_tunnel_up{" TL "} 1\n");
	expect_contains("offline", got,
	    "\nvpn_invalid_spi_packets_total{" DL "} 42\n");
	free(got);
	vx_snapshot_unref(s);
}

/* The metric name of a sample line (up to '{' or ' '). */
static size_t
sample_name(const char *line, char *buf, size_t size)
{
	size_t n = strcspn(line, "{ ");

	if (n >= size)
		n = size - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return n;
}

/*
 * With several devices, each family appears once (one HELP, one TYPE) and
 * its samples from all devices follow it without interruption.
 */
static void
test_families_contiguous(void **state)
{
	struct vx_snapshot	*snaps[3];
	char			*got, *line, *save = NULL;
	char			 seen[64][96];
	size_t			 nseen = 0;
	char			 cur[96] = "";
	size_t			 per_device[3] = { 0, 0, 0 };

	(void)state;
	for (int i = 0; i < 3; i++)
		snaps[i] = vxt_busy_snapshot(i);
	got = render(VX_FMT_TEXT, snaps, 3, &self_stats);
	for (line = strtok_r(got, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[96];

		if (strncmp(line, "# HELP ", 7) == 0) {
			sample_name(line + 7, name, sizeof(name));
			for (size_t k = 0; k < nseen; k++) {
				if (strcmp(seen[k], name) == 0)
					fail_msg("family %s appears twice",
					    name);
			}
			assert_true(nseen < 64);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(cur, sizeof(cur), "%s", name);
			continue;
		}
		if (line[0] == '#')
			continue;
		sample_name(line, name, sizeof(name));
		if (strcmp(name, cur) != 0)
			fail_msg("sample of %s under family %s: %s", name, cur,
			    line);
		for (int d = 0; d < 3; d++) {
			char dev[32];

			snprintf(dev, sizeof(dev), "{device=\"asa-%d\"", d);
			if (strncmp(line + strlen(name), dev, strlen(dev)) == 0)
				per_device[d]++;
		}
	}
	/* Every device rendered the same number of series. */
	assert_true(per_device[0] > 40);
	assert_int_equal(per_device[0], per_device[1]);
	assert_int_equal(per_device[1], per_device[2]);
	free(got);
	for (int i = 0; i < 3; i++)
		vx_snapshot_unref(snaps[i]);
}

/* gunzips a whole gzip member (one stream) into a malloc'd string. */
static char *
gunzip(const char *z, size_t zlen)
{
	z_stream	 zs;
	size_t		 cap = 1 << 20, len = 0;
	char		*out = malloc(cap);
	int		 rc = Z_OK;

	assert_non_null(out);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)z;
	zs.avail_in = (uInt)zlen;
	while (rc == Z_OK) {
		if (cap - len < 65536) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		zs.next_out = (Bytef *)out + len;
		zs.avail_out = (uInt)(cap - len - 1);
		rc = inflate(&zs, Z_NO_FLUSH);
		len = zs.total_out;
	}
	/* One member, checked (CRC and length), and nothing after it. */
	assert_int_equal(rc, Z_STREAM_END);
	assert_int_equal(zs.avail_in, 0);
	inflateEnd(&zs);
	out[len] = '\0';
	return out;
}

/*
 * The gzip rendering, from snapshots with and without their render cache
 * (the cached samples are copied, compressed, into the stream), is the
 * same text as the plain rendering, in both formats.
 */
static void
test_gzip_same_text(void **state)
{
	static const enum vx_format fmts[] = { VX_FMT_TEXT,
	    VX_FMT_OPENMETRICS };
	struct vx_snapshot	*snaps[5];
	struct vx_spi_check	 check;

	(void)state;
	for (int i = 0; i < 5; i++)
		snaps[i] = i == 3 ? NULL : vxt_busy_snapshot(i);
	check = (struct vx_spi_check){ snaps[2], "198.51.100.1",
	    "198.51.100.1", NULL, "asa-4", true };
	/* Rounds: no cache; then caches for devices 0, 2 and 4 only. */
	for (int round = 0; round < 2; round++) {
		for (size_t f = 0; f < 2; f++) {
			struct vx_strbuf	 plain, z;
			char			*text, what[64];

			vx_strbuf_init(&plain, 0);
			vx_strbuf_init(&z, 0);
			vx_render_ex(&plain, fmts[f], snaps, 5, &check, 1,
			    &self_stats);
			vx_render_gzip(&z, fmts[f], snaps, 5, &check, 1,
			    &self_stats);
			assert_false(plain.failed);
			assert_false(z.failed);
			text = gunzip(z.buf, z.len);
			snprintf(what, sizeof(what), "round %d, format %zu",
			    round, f);
			expect_text(what, text, plain.buf);
			free(text);
			vx_strbuf_release(&plain);
			vx_strbuf_release(&z);
		}
		for (int i = 0; i < 5; i += 2)
			assert_int_equal(vx_render_cache_build(snaps[i]), 0);
		assert_non_null(snaps[0]->render_cache);
		assert_null(snaps[1]->render_cache);
	}
	/* Nothing at all is still a valid (empty) gzip member. */
	{
		struct vx_strbuf	 z;
		char			*text;

		vx_strbuf_init(&z, 0);
		vx_render_gzip(&z, VX_FMT_TEXT, NULL, 0, NULL, 0, NULL);
		text = gunzip(z.buf, z.len);
		assert_string_equal(text, "");
		free(text);
		vx_strbuf_release(&z);
	}
	for (int i = 0; i < 5; i++)
		vx_snapshot_unref(snaps[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_text),
		cmocka_unit_test(test_small_openmetrics),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_self_metrics),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_absent_values_left_out),
		cmocka_unit_test(test_each_counter),
		cmocka_unit_test(test_each_device_value),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_not_reported),
		cmocka_unit_test(test_escape_label),
		cmocka_unit_test(test_escaping_in_series),
		cmocka_unit_test(test_extra_labels_everywhere),
		cmocka_unit_test(test_spis),
		cmocka_unit_test(test_lifetime_volume_in_bytes),
		cmocka_unit_test(test_sa_idents),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_families_contiguous),
		cmocka_unit_test(test_gzip_same_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
