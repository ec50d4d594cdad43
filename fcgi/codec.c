/*
 * The small codecs of codec.h, once for the host and every plugin: base64
 * in both RFC 4648 alphabets, percent and form encoding, hex.  Decoders are
 * strict (one valid spelling per value) so that a token or a cursor cannot
 * be smuggled in two forms.
 */
#include <stdint.h>
#include <string.h>

#include "stagehand/buf.h"
#include "stagehand/codec.h"
#include "stagehand/errors.h"

static const char b64_std[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

/* ------------------------------------------------------------ base64 */

static size_t b64_encoded_len(size_t len, unsigned variant)
{
	if (variant == SH_B64_URL)
		return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
	return (len + 2) / 3 * 4;
}

size_t sh_base64_encode(char *dst, const void *src, size_t len, unsigned variant)
{
	const char *abc = variant == SH_B64_URL ? b64_url : b64_std;
	const unsigned char *s = src;
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		dst[o++] = abc[v >> 18 & 63];
		dst[o++] = abc[v >> 12 & 63];
		dst[o++] = abc[v >> 6 & 63];
		dst[o++] = abc[v & 63];
	}
	if (i < len) {
		v = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0);
		dst[o++] = abc[v >> 18 & 63];
		dst[o++] = abc[v >> 12 & 63];
		if (i + 1 < len)
			dst[o++] = abc[v >> 6 & 63];
		if (variant != SH_B64_URL) {
			if (i + 1 >= len)
				dst[o++] = '=';
			dst[o++] = '=';
		}
	}
	dst[o] = '\0';
	return o;
}

/* The 6-bit value of c in the variant's alphabet, or -1. */
static int b64_value(char c, unsigned variant)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (variant == SH_B64_URL ? '-' : '+'))
		return 62;
	if (c == (variant == SH_B64_URL ? '_' : '/'))
		return 63;
	return -1;
}

/* The characters of src that carry data: padding checked and cut off. */
static ssize_t b64_data_len(const char *src, size_t len, unsigned variant)
{
	size_t pad = 0;

	if (variant != SH_B64_URL) {
		if (len % 4 != 0)
			return -1;
		if (len > 0 && src[len - 1] == '=')
			pad++;
		if (len > 1 && src[len - 2] == '=')
			pad++;
	}
	if ((len - pad) % 4 == 1)
		return -1;
	return (ssize_t)(len - pad);
}

ssize_t sh_base64_decode(void *dst, const char *src, size_t len, unsigned variant)
{
	unsigned char *d = dst;
	ssize_t n = b64_data_len(src, len, variant);
	size_t i, o = 0, k;
	uint32_t v;
	int x;

	if (n < 0)
		return -1;
	for (i = 0; i < (size_t)n; i += 4) {
		size_t chunk = (size_t)n - i < 4 ? (size_t)n - i : 4;

		for (v = 0, k = 0; k < 4; k++) {
			x = k < chunk ? b64_value(src[i + k], variant) : 0;
			if (x < 0)
				return -1;
			v = v << 6 | (uint32_t)x;
		}
		/* Bits below the last whole byte must be zero: one spelling only. */
		if ((chunk == 2 && (v & 0xffff)) || (chunk == 3 && (v & 0xff)))
			return -1;
		for (k = 0; k + 1 < chunk; k++)
			d[o++] = (unsigned char)(v >> (16 - 8 * k));
	}
	return (ssize_t)o;
}

int sh_buf_add_base64(struct sh_buf *b, const void *src, size_t len, unsigned variant)
{
	const unsigned char *s = src;
	char out[SH_BASE64_ENCODED_SIZE(48)];
	size_t n;

	if (b64_encoded_len(len, variant) > b->max - b->len)
		return SH_ETOOBIG;
	/* Whole groups of 3 per chunk, so padding only comes at the end. */
	while (len > 0) {
		size_t take = len > 48 ? 48 : len;

		n = sh_base64_encode(out, s, take, variant);
		sh_buf_add(b, out, n);
		s += take;
		len -= take;
	}
	return 0;
}

/* ------------------------------------------------------------ percent */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t sh_pct_decode(char *dst, const char *src, size_t len, bool plus_space)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		char c = src[i];

		if (c == '%') {
			if (len - i < 3)
				return -1;
			hi = hex_value(src[i + 1]);
			lo = hex_value(src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (ssize_t)o;
}

/* The percent encodings: RFC 3986 (sh_buf_add_pct), the same with ' ' as
 * '+' (sh_buf_add_form), and WHATWG's form serialisation, which keeps '*'
 * and escapes '~' (sh_buf_add_form_www). */
enum pct_style { PCT_URI, PCT_FORM, PCT_WWW };

/* Whether c goes as it is. */
static bool kept(unsigned char c, enum pct_style style)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_')
		return true;
	return style == PCT_WWW ? c == '*' : c == '~';
}

/* Appends s percent-encoded in style; the form styles turn ' ' into '+'.
 * May leave a part. */
static int pct_append(struct sh_buf *b, const char *s, size_t len, enum pct_style style)
{
	char esc[3];
	size_t i, run;

	for (i = 0; i < len; i += run) {
		for (run = 0; i + run < len && kept((unsigned char)s[i + run], style); run++)
			;
		if (run) {
			if (sh_buf_add(b, s + i, run) != 0)
				return SH_ETOOBIG;
			continue;
		}
		run = 1;
		if (style != PCT_URI && s[i] == ' ') {
			if (sh_buf_addc(b, '+') != 0)
				return SH_ETOOBIG;
			continue;
		}
		esc[0] = '%';
		esc[1] = hex_upper[(unsigned char)s[i] >> 4];
		esc[2] = hex_upper[(unsigned char)s[i] & 15];
		if (sh_buf_add(b, esc, 3) != 0)
			return SH_ETOOBIG;
	}
	return 0;
}

int sh_buf_add_pct(struct sh_buf *b, const char *s, size_t len)
{
	size_t was = b->len;

	if (pct_append(b, s, len, PCT_URI) != 0) {
		sh_buf_truncate(b, was);
		return SH_ETOOBIG;
	}
	return 0;
}

/* "&key=value" in a form style; all of it or nothing. */
static int form_pair(struct sh_buf *b, const char *key, const char *value, enum pct_style style)
{
	size_t was = b->len;

	if ((was > 0 && sh_buf_addc(b, '&') != 0) ||
	    pct_append(b, key, strlen(key), style) != 0 ||
	    sh_buf_addc(b, '=') != 0 ||
	    pct_append(b, value, strlen(value), style) != 0) {
		sh_buf_truncate(b, was);
		return SH_ETOOBIG;
	}
	return 0;
}

int sh_buf_add_form(struct sh_buf *b, const char *key, const char *value)
{
	return form_pair(b, key, value, PCT_FORM);
}

int sh_buf_add_form_www(struct sh_buf *b, const char *key, const char *value)
{
	return form_pair(b, key, value, PCT_WWW);
}

/* ------------------------------------------------------------ hex */

void sh_hex_encode(char *dst, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t i;

	for (i = 0; i < len; i++) {
		dst[2 * i] = hex_lower[s[i] >> 4];
		dst[2 * i + 1] = hex_lower[s[i] & 15];
	}
	dst[2 * len] = '\0';
}

ssize_t sh_hex_decode(void *dst, const char *src, size_t len)
{
	unsigned char *d = dst;
	size_t i;
	int hi, lo;

	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		hi = hex_value(src[i]);
		lo = hex_value(src[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		d[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}
