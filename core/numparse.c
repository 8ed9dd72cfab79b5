#include "numparse.h"

#include <string.h>

bool
vx_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return false;
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
vx_parse_i64(const char *s, size_t len, int64_t *out)
{
	uint64_t	u;
	bool		neg = false;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	if (!vx_parse_u64(s, len, &u))
		return false;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return false;
		*out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)u;
	}
	return true;
}

int
vx_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
vx_parse_hex_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = vx_hex_digit(s[i]);

		if (d < 0)
			return false;
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return true;
}

bool
vx_parse_spi_hex(const char *s, size_t len, uint32_t *out)
{
	uint64_t	v;
	size_t		digits = len;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		digits -= 2;
	if (digits == 0 || digits > 8 || !vx_parse_hex_u64(s, len, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool
vx_parse_spi_dec(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (len == 0 || len > 10 || !vx_parse_u64(s, len, &v) ||
	    v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool
vx_parse_duration_ms(const char *s, size_t len, int64_t *out)
{
	static const struct {
		const char	*unit;
		size_t		 ulen;
		int64_t		 ms;
	} units[] = {
		{ "ms", 2, 1 }, { "s", 1, 1000 }, { "m", 1, 60000 },
		{ "h", 1, 3600000 }, { "d", 1, 86400000 },
	};
	int64_t	total = 0;
	size_t	i = 0;

	if (len == 0)
		return false;
	while (i < len) {
		size_t		start = i;
		uint64_t	n;
		size_t		u;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || !vx_parse_u64(s + start, i - start, &n))
			return false;
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			size_t ul = units[u].ulen;

			/* "m" must not swallow the "m" of "ms". */
			if (len - i >= ul && s[i] == units[u].unit[0] &&
			    (ul == 1 || s[i + 1] == units[u].unit[1]) &&
			    !(ul == 1 && s[i] == 'm' && i + 1 < len &&
			    s[i + 1] == 's'))
				break;
		}
		if (u == sizeof(units) / sizeof(units[0]))
			return false;
		if (n > (uint64_t)(INT64_MAX / units[u].ms))
			return false;
		if (total > INT64_MAX - (int64_t)n * units[u].ms)
			return false;
		total += (int64_t)n * units[u].ms;
		i += units[u].ulen;
	}
	*out = total;
	return true;
}

bool
vx_parse_size(const char *s, size_t len, int64_t *out)
{
	static const struct {
		const char	*unit;
		int64_t		 mult;
	} units[] = {
		{ "", 1 }, { "B", 1 }, { "KiB", INT64_C(1) << 10 },
		{ "MiB", INT64_C(1) << 20 }, { "GiB", INT64_C(1) << 30 },
		{ "kB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
	};
	size_t		digits = 0;
	uint64_t	n;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits == 0 || !vx_parse_u64(s, digits, &n))
		return false;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u].unit);

		if (len - digits != ul ||
		    strncmp(s + digits, units[u].unit, ul) != 0)
			continue;
		if (n > (uint64_t)(INT64_MAX / units[u].mult))
			return false;
		*out = (int64_t)n * units[u].mult;
		return true;
	}
	return false;
}
