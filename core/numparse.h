#ifndef VX_NUMPARSE_H
#define VX_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bounded number parsing for untrusted device text (OpenBSD strtonum in
 * spirit): the whole of s[0..len) must be the number, no sign games, no
 * locale, no silent overflow.  Each returns true and stores the value on
 * success, false otherwise (out untouched).
 */
bool	vx_parse_u64(const char *s, size_t len, uint64_t *out);
bool	vx_parse_i64(const char *s, size_t len, int64_t *out);
/* A hex digit's value (any case); -1 if c is not one. */
int	vx_hex_digit(char c);
/* Hex digits, optional 0x/0X, at most 16 digits. */
bool	vx_parse_hex_u64(const char *s, size_t len, uint64_t *out);
/*
 * An IPsec SPI: hex with an optional 0x prefix, 1..8 digits, any case
 * ("0x1E8246FC", "dc15bf68", "00f61780").
 */
bool	vx_parse_spi_hex(const char *s, size_t len, uint32_t *out);
/*
 * An IPsec SPI written in decimal, as PAN-OS' XML "show vpn ipsec-sa"
 * gives it ("2300285266"): 1..10 digits, at most 4294967295.
 */
bool	vx_parse_spi_dec(const char *s, size_t len, uint32_t *out);
/*
 * A Prometheus-style duration: "500ms", "30s", "5m", "1h", "1h30m".
 * Stores milliseconds.
 */
bool	vx_parse_duration_ms(const char *s, size_t len, int64_t *out);
/*
 * A size in bytes: a whole number with an optional unit, "B", "KiB",
 * "MiB", "GiB" (powers of 1024) or "kB", "MB", "GB" (powers of 1000):
 * "32MiB", "65536".  Stores bytes.
 */
bool	vx_parse_size(const char *s, size_t len, int64_t *out);

#endif
