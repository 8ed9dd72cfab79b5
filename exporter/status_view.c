/* The status page's view: gathered from the runtime, indexed, selected. */
#include "status.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "runtime.h"

#include "banned.h"

#define REFRESH_MIN_S		5
#define REFRESH_MAX_S		300
#define REFRESH_DEFAULT_S	60

static const char *const key_names[VX_SK__COUNT] = {
	[VX_SK_DEVICE] = "device",
	[VX_SK_TUNNEL] = "tunnel",
	[VX_SK_PEER] = "peer",
	[VX_SK_STATE] = "state",
	[VX_SK_SPI] = "spi",
	[VX_SK_LIFE] = "life",
	[VX_SK_RATE] = "rate",
	[VX_SK_DURATION] = "duration",
	[VX_SK_POLL] = "poll",
};

const char *
vx_status_key_name(enum vx_status_key k)
{
	return (int)k >= 0 && k < VX_SK__COUNT ? key_names[k] : NULL;
}

const char *
vx_status_state_name(enum vx_status_state st)
{
	switch (st) {
	case VX_ST_UP:
		return "up";
	case VX_ST_PARTIAL:
		return "partial";
	case VX_ST_DOWN:
		return "down";
	case VX_ST_STALE:
		return "stale";
	case VX_ST_PENDING:
		return "pending";
	case VX_ST_PROBE_ONLY:
		return "probe_only";
	}
	return "unknown";
}

const char *
vx_status_spi_name(enum vx_status_spi s)
{
	switch (s) {
	case VX_SS_NOT_MONITORED:
		return "not_monitored";
	case VX_SS_UNKNOWN:
		return "unknown";
	case VX_SS_MATCH:
		return "match";
	case VX_SS_DIFFER:
		return "differ";
	case VX_SS_MISMATCH:
		return "mismatch";
	}
	return "unknown";
}

void
vx_status_query_init(struct vx_status_query *q)
{
	memset(q, 0, sizeof(*q));
	q->sort = VX_SK_DEVICE;
	q->dsort = VX_SK_DEVICE;
	q->refresh_s = -1;
	q->limit = -1;
}

static bool
parse_key(const char *v, enum vx_status_key *k, bool *rev)
{
	*rev = v[0] == '-';
	if (*rev)
		v++;
	for (int i = 0; i < VX_SK__COUNT; i++) {
		if (strcmp(v, key_names[i]) == 0) {
			*k = (enum vx_status_key)i;
			return true;
		}
	}
	return false;
}

static bool
parse_num(const char *v, uint64_t max, uint64_t *out)
{
	return vx_parse_u64(v, strlen(v), out) && *out <= max;
}

bool
vx_status_query_arg(struct vx_status_query *q, const char *key,
    const char *value)
{
	enum vx_status_key	k;
	uint64_t		n;
	bool			rev;

	if (value == NULL)
		value = "";
	if (strcmp(key, "device") == 0) {
		q->device = value;
	} else if (strcmp(key, "peer") == 0) {
		q->peer = value;
	} else if (strcmp(key, "problems") == 0) {
		q->problems = value[0] != '\0' && strcmp(value, "0") != 0;
	} else if (strcmp(key, "sort") == 0 || strcmp(key, "dsort") == 0) {
		if (!parse_key(value, &k, &rev))
			return false;
		if (key[0] == 's') {
			q->sort = k;
			q->sort_rev = rev;
		} else {
			q->dsort = k;
			q->dsort_rev = rev;
		}
	} else if (strcmp(key, "refresh") == 0) {
		if (!parse_num(value, 3600, &n))
			return false;
		q->refresh_s = (int)n;
	} else if (strcmp(key, "limit") == 0) {
		if (!parse_num(value, 10000000, &n))
			return false;
		q->limit = (long)n;
	}
	return true;
}

bool
vx_status_rate(const struct vx_counter_sample *s, size_t n, double *per_s)
{
	double inc = 0;

	if (n < 2 || s[n - 1].ms <= s[0].ms)
		return false;
	for (size_t i = 1; i < n; i++) {
		if (s[i].value >= s[i - 1].value)
			inc += (double)(s[i].value - s[i - 1].value);
		else
			inc += (double)s[i].value;	/* a reset */
	}
	*per_s = inc * 1000.0 / (double)(s[n - 1].ms - s[0].ms);
	return true;
}

static enum vx_status_state
device_state(const struct vx_status_dev *d)
{
	const struct vx_snapshot	*s = d->snap;
	size_t				 ok = 0;

	if (s == NULL)
		return d->background ? VX_ST_PENDING : VX_ST_PROBE_ONLY;
	if (s->stale)
		return VX_ST_STALE;
	if (s->up)
		return VX_ST_UP;
	for (size_t i = 0; i < s->nruns; i++)
		ok += s->runs[i].code == VX_E_OK;
	return ok > 0 ? VX_ST_PARTIAL : VX_ST_DOWN;
}

static enum vx_status_spi
spi_state(const struct vx_spi_check *c)
{
	if (c == NULL)
		return VX_SS_NOT_MONITORED;
	if (!c->known)
		return VX_SS_UNKNOWN;
	if (c->mismatch)
		return VX_SS_MISMATCH;
	return c->differ ? VX_SS_DIFFER : VX_SS_MATCH;
}

int
vx_status_index(struct vx_status_view *v)
{
	size_t	total = 0, k = 0, c = 0;
	int64_t	min_interval = 0;

	for (size_t i = 0; i < v->ndevs; i++) {
		const struct vx_snapshot *s = v->devs[i].snap;

		total += s != NULL ? s->ntunnels : 0;
	}
	free(v->tuns);
	v->tuns = calloc(total + 1, sizeof(*v->tuns));
	if (v->tuns == NULL) {
		v->oom = true;
		return -VX_E_NOMEM;
	}
	for (size_t i = 0; i < v->ndevs; i++) {
		struct vx_status_dev		*d = &v->devs[i];
		const struct vx_snapshot	*s = d->snap;

		d->state = device_state(d);
		d->tunnels = d->tunnels_up = d->mismatches = 0;
		d->spi_rate_set = vx_status_rate(d->spi, d->nspi, &d->spi_rate);
		if (d->background && (min_interval == 0 ||
		    d->interval_ms < min_interval))
			min_interval = d->interval_ms;
		for (size_t j = 0; s != NULL && j < s->ntunnels; j++) {
			struct vx_status_tun *t = &v->tuns[k++];

			t->dev = d;
			t->t = s->tunnels[j];
			/* Checks come in the order of devices and tunnels. */
			if (c < v->nchecks && v->checks[c].tun == t->t)
				t->check = &v->checks[c++];
			t->spi = spi_state(t->check);
			d->tunnels++;
			d->tunnels_up += t->t->up;
			d->mismatches += t->spi == VX_SS_MISMATCH;
		}
	}
	v->ntuns = k;
	if (min_interval == 0)
		v->refresh_s = REFRESH_DEFAULT_S;
	else if (min_interval / 1000 < REFRESH_MIN_S)
		v->refresh_s = REFRESH_MIN_S;
	else if (min_interval / 1000 > REFRESH_MAX_S)
		v->refresh_s = REFRESH_MAX_S;
	else
		v->refresh_s = (int)(min_interval / 1000);
	return 0;
}

/* Case-insensitive substring; an empty or NULL needle matches. */
static bool
contains(const char *hay, const char *needle)
{
	size_t n;

	if (needle == NULL || needle[0] == '\0')
		return true;
	if (hay == NULL)
		return false;
	n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] != '\0' &&
		    tolower((unsigned char)hay[i]) ==
		    tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static bool
device_problem(const struct vx_status_dev *d)
{
	return d->state != VX_ST_UP || d->tunnels_up < d->tunnels ||
	    d->mismatches > 0 || (d->spi_rate_set && d->spi_rate > 0);
}

static bool
tunnel_problem(const struct vx_status_tun *t)
{
	return !t->t->up || t->spi == VX_SS_MISMATCH ||
	    t->spi == VX_SS_DIFFER;
}

/*
 * Orders; every comparison ends on the unique (device, tunnel, peer).
 * Names compare "naturally": runs of digits by value, so 198.18.0.2 comes
 * before 198.18.0.10 and asa-9 before asa-10.
 */
static int
cmp_natural(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t la, lb;
			int r;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			r = memcmp(a, b, la);
			if (r != 0)
				return r;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (*a != '\0') - (*b != '\0');
}

static int
cmp_str(const char *a, const char *b)
{
	int r;

	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	r = cmp_natural(a, b);
	return r != 0 ? r : strcmp(a, b);	/* "a01" and "a1" */
}

static int
cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_dbl(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* What qsort sorts: a row and the key (qsort has no context argument). */
struct titem {
	const struct vx_status_tun	*t;
	enum vx_status_key		 key;
};

struct ditem {
	const struct vx_status_dev	*d;
	enum vx_status_key		 key;
};

static int
cmp_tun_default(const struct vx_status_tun *a, const struct vx_status_tun *b)
{
	int r = cmp_str(a->dev->name, b->dev->name);

	if (r == 0)
		r = cmp_str(a->t->name, b->t->name);
	return r != 0 ? r : cmp_str(a->t->peer, b->t->peer);
}

static int64_t
life_of(const struct vx_status_tun *t)
{
	return t->t->up && t->t->life_s_set ? t->t->life_s : INT64_MAX;
}

static int
cmp_tun(const void *pa, const void *pb)
{
	const struct titem		*ia = pa, *ib = pb;
	const struct vx_status_tun	*a = ia->t, *b = ib->t;
	int				 r = 0;

	switch (ia->key) {
	case VX_SK_TUNNEL:
		r = cmp_str(a->t->name, b->t->name);
		break;
	case VX_SK_PEER:
		r = cmp_str(a->t->peer, b->t->peer);
		break;
	case VX_SK_STATE:
		r = cmp_i64(a->t->up, b->t->up);
		break;
	case VX_SK_SPI:
		r = -cmp_i64(a->spi, b->spi);
		break;
	case VX_SK_LIFE:
		r = cmp_i64(life_of(a), life_of(b));
		break;
	case VX_SK_RATE:
		r = -cmp_dbl(a->dev->spi_rate_set ? a->dev->spi_rate : -1,
		    b->dev->spi_rate_set ? b->dev->spi_rate : -1);
		break;
	case VX_SK_DURATION:
	case VX_SK_POLL:
	case VX_SK_DEVICE:
	case VX_SK__COUNT:
		break;
	}
	return r != 0 ? r : cmp_tun_default(a, b);
}

static int64_t
duration_of(const struct vx_status_dev *d)
{
	int64_t ms = 0;

	for (size_t i = 0; d->snap != NULL && i < d->snap->nruns; i++)
		ms += d->snap->runs[i].duration_ms;
	return ms;
}

static int
cmp_dev(const void *pa, const void *pb)
{
	const struct ditem		*ia = pa, *ib = pb;
	const struct vx_status_dev	*a = ia->d, *b = ib->d;
	int				 r = 0;

	switch (ia->key) {
	case VX_SK_STATE:
		r = -cmp_i64(a->state, b->state);
		if (r == 0)
			r = cmp_i64((int64_t)a->tunnels_up -
			    (int64_t)a->tunnels, (int64_t)b->tunnels_up -
			    (int64_t)b->tunnels);
		break;
	case VX_SK_SPI:
		r = -cmp_i64((int64_t)a->mismatches, (int64_t)b->mismatches);
		break;
	case VX_SK_RATE:
		r = -cmp_dbl(a->spi_rate_set ? a->spi_rate : -1,
		    b->spi_rate_set ? b->spi_rate : -1);
		break;
	case VX_SK_DURATION:
		r = -cmp_i64(duration_of(a), duration_of(b));
		break;
	case VX_SK_POLL:
		r = cmp_i64(a->snap != NULL ? a->snap->collected_ms : 0,
		    b->snap != NULL ? b->snap->collected_ms : 0);
		break;
	case VX_SK_TUNNEL:
	case VX_SK_PEER:
	case VX_SK_LIFE:
	case VX_SK_DEVICE:
	case VX_SK__COUNT:
		break;
	}
	return r != 0 ? r : cmp_str(a->name, b->name);
}

/* Sorts the index arrays of v by the query's keys. */
static bool
sort_rows(struct vx_status_view *v, const struct vx_status_query *q)
{
	struct titem	*ti = calloc(v->ntorder + 1, sizeof(*ti));
	struct ditem	*di = calloc(v->ndorder + 1, sizeof(*di));

	if (ti == NULL || di == NULL) {
		free(ti);
		free(di);
		return false;
	}
	for (size_t i = 0; i < v->ntorder; i++)
		ti[i] = (struct titem){ &v->tuns[v->torder[i]], q->sort };
	qsort(ti, v->ntorder, sizeof(*ti), cmp_tun);
	for (size_t i = 0; i < v->ntorder; i++)
		v->torder[i] = (size_t)(ti[i].t - v->tuns);
	for (size_t i = 0; i < v->ndorder; i++)
		di[i] = (struct ditem){ &v->devs[v->dorder[i]], q->dsort };
	qsort(di, v->ndorder, sizeof(*di), cmp_dev);
	for (size_t i = 0; i < v->ndorder; i++)
		v->dorder[i] = (size_t)(di[i].d - v->devs);
	free(ti);
	free(di);
	return true;
}

static void
reverse(size_t *v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		size_t tmp = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = tmp;
	}
}

int
vx_status_select(struct vx_status_view *v, const struct vx_status_query *q)
{
	size_t	limit;

	free(v->dorder);
	free(v->torder);
	v->dorder = calloc(v->ndevs + 1, sizeof(*v->dorder));
	v->torder = calloc(v->ntuns + 1, sizeof(*v->torder));
	v->ndorder = v->ntorder = v->tmatched = 0;
	if (v->dorder == NULL || v->torder == NULL) {
		v->oom = true;
		return -VX_E_NOMEM;
	}
	for (size_t i = 0; i < v->ndevs; i++) {
		struct vx_status_dev *d = &v->devs[i];

		d->shown = contains(d->name, q->device) &&
		    (!q->problems || device_problem(d));
		if (d->shown)
			v->dorder[v->ndorder++] = i;
	}
	for (size_t i = 0; i < v->ntuns; i++) {
		const struct vx_status_tun *t = &v->tuns[i];

		if (contains(t->dev->name, q->device) &&
		    (contains(t->t->name, q->peer) ||
		    contains(t->t->peer, q->peer)) &&
		    (!q->problems || tunnel_problem(t)))
			v->torder[v->ntorder++] = i;
	}
	if (!sort_rows(v, q)) {
		v->oom = true;
		return -VX_E_NOMEM;
	}
	if (q->dsort_rev)
		reverse(v->dorder, v->ndorder);
	if (q->sort_rev)
		reverse(v->torder, v->ntorder);
	v->tmatched = v->ntorder;
	limit = q->limit < 0 ? VX_STATUS_DEFAULT_LIMIT : (size_t)q->limit;
	if (limit > 0 && v->ntorder > limit)
		v->ntorder = limit;
	return 0;
}

void
vx_status_release(struct vx_status_view *v)
{
	free(v->tuns);
	free(v->dorder);
	free(v->torder);
	free(v->checks);
	if (v->table != NULL) {
		for (size_t i = 0; i < v->ndevs; i++) {
			vx_snapshot_unref(v->held[i]);
			free(v->errors[i]);
			free(v->devs[i].collectors);
		}
		free(v->held);
		free(v->errors);
		free(v->devs);
		vx_devtable_unref(v->table);
	}
	for (size_t i = 0; i < v->nprobed; i++)
		vx_device_unref(v->probed[i]);
	free(v->probed);
	memset(v, 0, sizeof(*v));
}

int
vx_status_gather(struct vx_status_view *v, struct vx_runtime *rt)
{
	struct vx_devtable *t = vx_runtime_table(rt);

	memset(v, 0, sizeof(*v));
	v->now_ms = vx_now_wall_ms();
	if (t == NULL)
		return vx_status_index(v);
	v->table = t;
	/* The configured devices, then those made for /probe?target=. */
	v->nprobed = vx_runtime_probe_devices(rt, &v->probed);
	v->devs = calloc(t->n + v->nprobed + 1, sizeof(*v->devs));
	v->held = calloc(t->n + v->nprobed + 1, sizeof(*v->held));
	v->errors = calloc(t->n + v->nprobed + 1, sizeof(*v->errors));
	if (v->devs == NULL || v->held == NULL || v->errors == NULL)
		goto oom;
	v->ndevs = t->n + v->nprobed;
	for (size_t i = 0; i < v->ndevs; i++) {
		struct vx_device	*d = i < t->n ? t->devs[i] :
					    v->probed[i - t->n];
		struct vx_status_dev	*sd = &v->devs[i];

		v->errors[i] = malloc(sizeof(d->last_error));
		sd->collectors = calloc(d->cfg.ncollectors + 1,
		    sizeof(*sd->collectors));
		if (v->errors[i] == NULL || sd->collectors == NULL)
			goto oom;
		v->held[i] = vx_device_latest(d, vx_device_max_age_ms(d));
		vx_device_last_error(d, v->errors[i], sizeof(d->last_error));
		sd->nspi = vx_device_spi_history(d, sd->spi);
		sd->name = d->cfg.name;
		sd->vendor = d->cfg.vendor;
		sd->address = d->cfg.address;
		for (size_t c = 0; c < d->cfg.ncollectors; c++)
			sd->collectors[c] = d->cfg.collectors[c].ops->name;
		sd->ncollectors = d->cfg.ncollectors;
		sd->background = d->cfg.background;
		sd->interval_ms = d->cfg.interval_ms;
		sd->snap = v->held[i];
		sd->last_error = v->errors[i];
	}
	/* Pairs among the configured devices (held[0..t->n)) only. */
	v->checks = vx_runtime_spi_pairs(rt, t, v->held, &v->nchecks);
	if (vx_status_index(v) == 0)
		return 0;
oom:
	vx_status_release(v);
	return -VX_E_NOMEM;
}
