/* fuzz-sources: fcgi/codec.c fcgi/buf.c fcgi/alloc.c */
/*
 * libFuzzer target for the strict decoders of codec.h: any input, taken as
 * base64 (both alphabets), percent-encoded text (with and without '+') and
 * hex, must decode within the documented bound or be refused; whatever
 * decodes must encode back to exactly the input (one spelling per value),
 * and percent-encoding a decoded string must decode to it again.  Never a
 * crash, an overrun or a leak.  Run with tests/fuzz/run.sh codec.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stagehand/buf.h"
#include "stagehand/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_base64(const char *s, size_t size, unsigned variant)
{
	size_t max = SH_BASE64_DECODED_MAX(size);
	unsigned char *out = malloc(max ? max : 1);
	ssize_t n = sh_base64_decode(out, s, size, variant);
	char *back;

	if (n >= 0) {
		if ((size_t)n > max)
			abort();
		back = malloc(SH_BASE64_ENCODED_SIZE((size_t)n));
		if (sh_base64_encode(back, out, (size_t)n, variant) != size ||
		    memcmp(back, s, size) != 0)
			abort();
		free(back);
	}
	free(out);
}

static void check_pct(const char *s, size_t size, bool plus)
{
	char *out = malloc(size + 1), *again;
	ssize_t n = sh_pct_decode(out, s, size, plus);
	struct sh_buf b;

	if (n >= 0) {
		if ((size_t)n > size || strlen(out) != (size_t)n)
			abort();
		sh_buf_init(&b, 3 * (size_t)n + 1);
		if (sh_buf_add_pct(&b, out, (size_t)n) != 0)
			abort();
		again = malloc(b.len + 1);
		if (sh_pct_decode(again, sh_buf_str(&b), b.len, false) != n ||
		    memcmp(again, out, (size_t)n) != 0)
			abort();
		free(again);
		sh_buf_free(&b);
	}
	free(out);
}

static void check_hex(const char *s, size_t size)
{
	unsigned char *out = malloc(size / 2 + 1);
	ssize_t n = sh_hex_decode(out, s, size);
	char *back;
	size_t i;

	if (n >= 0) {
		if ((size_t)n != size / 2)
			abort();
		back = malloc(size + 1);
		sh_hex_encode(back, out, (size_t)n);
		for (i = 0; i < size; i++)
			if (back[i] != (s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]))
				abort();
		free(back);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	char *s = malloc(size ? size : 1);

	memcpy(s, data, size);
	check_base64(s, size, SH_B64_STD);
	check_base64(s, size, SH_B64_URL);
	check_pct(s, size, false);
	check_pct(s, size, true);
	check_hex(s, size);
	free(s);
	return 0;
}
