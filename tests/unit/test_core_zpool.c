/*
 * The pool of deflate streams (core/zpool.c): a stream given back is
 * used again, reset; no more than VX_ZPOOL_IDLE_MAX are kept however many
 * threads used one; and render caches built on many threads leave at
 * most that many behind (one kept per thread made the soak's resident
 * size climb).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "model.h"
#include "render.h"
#include "zpool.h"

/* Raw-deflates text with zs and inflates it back; true if it round-trips. */
static bool
round_trip(z_stream *zs, const char *text)
{
	unsigned char	z[512], back[512];
	z_stream	inf;
	size_t		zlen, len = strlen(text);
	bool		ok;

	zs->next_in = (Bytef *)(uintptr_t)text;
	zs->avail_in = (uInt)len;
	zs->next_out = z;
	zs->avail_out = sizeof(z);
	if (deflate(zs, Z_FINISH) != Z_STREAM_END)
		return false;
	zlen = sizeof(z) - zs->avail_out;
	memset(&inf, 0, sizeof(inf));
	if (inflateInit2(&inf, -15) != Z_OK)
		return false;
	inf.next_in = z;
	inf.avail_in = (uInt)zlen;
	inf.next_out = back;
	inf.avail_out = sizeof(back);
	ok = inflate(&inf, Z_FINISH) == Z_STREAM_END &&
	    sizeof(back) - inf.avail_out == len && memcmp(back, text, len) == 0;
	inflateEnd(&inf);
	return ok;
}

static void
test_reused_and_reset(void **state)
{
	z_stream *a, *b;

	(void)state;
	a = vx_zpool_get();
	assert_non_null(a);
	assert_true(round_trip(a, "vpn_up{device=\"asa-1\"} 1\n"));
	vx_zpool_put(a);
	assert_int_equal(vx_zpool_idle(), 1);
	/* The same stream again, reset: a finished stream would not deflate. */
	b = vx_zpool_get();
	assert_ptr_equal(a, b);
	assert_int_equal(vx_zpool_idle(), 0);
	assert_true(round_trip(b, "vpn_tunnel_up{peer=\"192.0.2.7\"} 0\n"));
	vx_zpool_put(b);
}

static void
test_idle_capped(void **state)
{
	z_stream *zs[VX_ZPOOL_IDLE_MAX * 3];

	(void)state;
	for (size_t i = 0; i < sizeof(zs) / sizeof(zs[0]); i++) {
		zs[i] = vx_zpool_get();
		assert_non_null(zs[i]);
	}
	for (size_t i = 0; i < sizeof(zs) / sizeof(zs[0]); i++)
		vx_zpool_put(zs[i]);
	assert_int_equal(vx_zpool_idle(), VX_ZPOOL_IDLE_MAX);
	vx_zpool_put(NULL);
	assert_int_equal(vx_zpool_idle(), VX_ZPOOL_IDLE_MAX);
}

#define THREADS	16

static void *
build_one(void *arg)
{
	struct vx_snapshot	*s = vx_snapshot_new(arg);
	intptr_t		 rc = -1;

	if (s != NULL) {
		s->collected_ms = 1;
		s->up = true;
		rc = vx_render_cache_build(s);
		if (rc == 0 && s->render_cache == NULL)
			rc = -1;
		vx_snapshot_unref(s);
	}
	return (void *)rc;
}

/* Caches built on THREADS threads, one after the other and all at once. */
static void
test_threads_leave_few(void **state)
{
	pthread_t	 t[THREADS];
	char		 names[THREADS][16];
	void		*rc;

	(void)state;
	for (int i = 0; i < THREADS; i++) {
		snprintf(names[i], sizeof(names[i]), "asa-%d", i);
		assert_int_equal(pthread_create(&t[i], NULL, build_one,
		    names[i]), 0);
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_int_equal((intptr_t)rc, 0);
	}
	assert_true(vx_zpool_idle() >= 1);
	assert_true(vx_zpool_idle() <= VX_ZPOOL_IDLE_MAX);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, build_one,
		    names[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_int_equal((intptr_t)rc, 0);
	}
	assert_true(vx_zpool_idle() <= VX_ZPOOL_IDLE_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reused_and_reset),
		cmocka_unit_test(test_idle_capped),
		cmocka_unit_test(test_threads_leave_few),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
