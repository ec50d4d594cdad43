/*
 * Small codecs every plugin needs, once: base64 and base64url, percent
 * encoding and decoding, application/x-www-form-urlencoded bodies, hex.
 * Decoders are strict and say no (SH_EINVAL) rather than guess.  Fixed-size
 * outputs are written into the caller's memory (an arena chunk, a stack
 * array), so the same call serves requests and tasks; outputs whose size
 * depends on the input are appended to an sh_buf, whose cap then bounds them.
 */
#ifndef STAGEHAND_CODEC_H
#define STAGEHAND_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <stagehand/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_buf;

/* ------------------------------------------------------------ base64 */

/* Variants. */
#define SH_B64_STD 0u   /* RFC 4648 §4 alphabet, '=' padding */
#define SH_B64_URL 1u   /* RFC 4648 §5 alphabet (-_), no padding (JOSE) */

/* Bytes sh_base64_encode writes for n input bytes, terminator included. */
#define SH_BASE64_ENCODED_SIZE(n) ((((n) + 2) / 3) * 4 + 1)
/* Bytes sh_base64_decode may write for an n-character input. */
#define SH_BASE64_DECODED_MAX(n) ((((n) + 3) / 4) * 3)

/* Encodes len bytes into dst (SH_BASE64_ENCODED_SIZE(len) bytes) with a
 * terminating NUL; returns the length written, without the NUL. */
size_t sh_base64_encode(char *dst, const void *src, size_t len, unsigned variant);
/*
 * Decodes len characters into dst (SH_BASE64_DECODED_MAX(len) bytes).
 * SH_B64_STD requires correct '=' padding; SH_B64_URL refuses padding.
 * Both refuse characters outside the alphabet, a length that is 1 mod 4
 * and non-zero unused bits.  Returns the decoded length, or -1.
 */
ssize_t sh_base64_decode(void *dst, const char *src, size_t len, unsigned variant);
/* Appends the encoding of len bytes to b.  0 or SH_ETOOBIG. */
int sh_buf_add_base64(struct sh_buf *b, const void *src, size_t len, unsigned variant);

/* ------------------------------------------------------------ percent */

/*
 * Decodes %XX escapes of len bytes into dst (at least len + 1 bytes; the
 * result is never longer) with a terminating NUL.  plus_space turns '+'
 * into ' ' (query strings and form bodies).  Returns the decoded length, or
 * -1 on a bad escape or a NUL byte (encoded as %00 or raw), so the result
 * is always a C string of exactly the returned length.
 */
ssize_t sh_pct_decode(char *dst, const char *src, size_t len, bool plus_space);
/* Appends s with every byte outside RFC 3986's unreserved set
 * (A-Z a-z 0-9 - . _ ~) as %XX (upper-case hex).  0 or SH_ETOOBIG. */
int sh_buf_add_pct(struct sh_buf *b, const char *s, size_t len);
/*
 * Appends one application/x-www-form-urlencoded pair, "key=value", with a
 * leading '&' when b is not empty; both are encoded as in sh_buf_add_pct
 * except that ' ' becomes '+'.  0 or SH_ETOOBIG.
 */
int sh_buf_add_form(struct sh_buf *b, const char *key, const char *value);
/*
 * The same pair in WHATWG URLSearchParams serialisation (the URL Standard's
 * application/x-www-form-urlencoded serializer), as browsers and Backstage's
 * backend write query strings: A-Z a-z 0-9 * - . _ stay, ' ' becomes '+',
 * every other byte is %XX (upper-case hex), '~' included.  Unlike
 * sh_buf_add_form, '*' stays and '~' is escaped.  Leading '&' when b is not
 * empty.  0 or SH_ETOOBIG (nothing of the pair is added then).
 */
int sh_buf_add_form_www(struct sh_buf *b, const char *key, const char *value);

/* ------------------------------------------------------------ hex */

/* Writes 2 * len lower-case hex digits and a NUL into dst (2 * len + 1 bytes). */
void sh_hex_encode(char *dst, const void *src, size_t len);
/* Decodes len hex digits (either case; len even) into dst (len / 2 bytes).
 * Returns len / 2, or -1. */
ssize_t sh_hex_decode(void *dst, const char *src, size_t len);

#ifdef __cplusplus
}
#endif
#endif
