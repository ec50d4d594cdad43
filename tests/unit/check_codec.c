/*
 * The codecs: RFC 4648 §10 vectors in both alphabets, the strict decoders'
 * refusals (alphabet, padding, unused bits, length 1 mod 4), percent
 * decoding and its refusals, the exact bytes of form and percent encoding,
 * and hex both ways.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "stagehand/buf.h"
#include "stagehand/codec.h"
#include "unit.h"

static const char *const rfc_plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
static const char *const rfc_std[] = {
	"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"
};
static const char *const rfc_url[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };

/* Decodes s; returns the length or -1, the bytes in out. */
static ssize_t dec(char *out, const char *s, unsigned variant)
{
	return sh_base64_decode(out, s, strlen(s), variant);
}

START_TEST(test_b64_vectors)
{
	char enc[32], out[32];
	size_t i, n;

	for (i = 0; i < sizeof(rfc_plain) / sizeof(rfc_plain[0]); i++) {
		n = strlen(rfc_plain[i]);
		ck_assert_uint_eq(sh_base64_encode(enc, rfc_plain[i], n, SH_B64_STD),
				  strlen(rfc_std[i]));
		ck_assert_str_eq(enc, rfc_std[i]);
		ck_assert_uint_le(strlen(enc) + 1, SH_BASE64_ENCODED_SIZE(n));
		sh_base64_encode(enc, rfc_plain[i], n, SH_B64_URL);
		ck_assert_str_eq(enc, rfc_url[i]);
		ck_assert_int_eq(dec(out, rfc_std[i], SH_B64_STD), (ssize_t)n);
		ck_assert(memcmp(out, rfc_plain[i], n) == 0);
		ck_assert_int_eq(dec(out, rfc_url[i], SH_B64_URL), (ssize_t)n);
		ck_assert(memcmp(out, rfc_plain[i], n) == 0);
		ck_assert_uint_le(n, SH_BASE64_DECODED_MAX(strlen(rfc_std[i])));
	}
}
END_TEST

START_TEST(test_b64_alphabets)
{
	const unsigned char bytes[] = { 0xfb, 0xff, 0xbf };
	unsigned char out[8];
	char enc[8];

	sh_base64_encode(enc, bytes, 3, SH_B64_STD);
	ck_assert_str_eq(enc, "+/+/");
	sh_base64_encode(enc, bytes, 3, SH_B64_URL);
	ck_assert_str_eq(enc, "-_-_");
	ck_assert_int_eq(sh_base64_decode(out, "-_-_", 4, SH_B64_URL), 3);
	ck_assert(memcmp(out, bytes, 3) == 0);
	ck_assert_int_eq(sh_base64_decode(out, "+/+/", 4, SH_B64_STD), 3);
	/* Each alphabet refuses the other's two characters. */
	ck_assert_int_eq(sh_base64_decode(out, "-_-_", 4, SH_B64_STD), -1);
	ck_assert_int_eq(sh_base64_decode(out, "+/+/", 4, SH_B64_URL), -1);
}
END_TEST

START_TEST(test_b64_refusals)
{
	char out[32];

	/* characters outside the alphabet */
	ck_assert_int_eq(dec(out, "Zm9v!mFy", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zm9 v", SH_B64_URL), -1);
	ck_assert_int_eq(dec(out, "Zm9\nv", SH_B64_URL), -1);
	ck_assert_int_eq(sh_base64_decode(out, "Zm\0v", 4, SH_B64_STD), -1);
	/* padding: required for STD, refused for URL, only at the end */
	ck_assert_int_eq(dec(out, "Zg", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zg=", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zg==", SH_B64_URL), -1);
	ck_assert_int_eq(dec(out, "Zm8=", SH_B64_URL), -1);
	ck_assert_int_eq(dec(out, "Z===", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "====", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zg==Zm9v", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zm=v", SH_B64_STD), -1);
	/* non-zero unused bits: "Zh" would also decode to "f" if allowed */
	ck_assert_int_eq(dec(out, "Zh==", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zh", SH_B64_URL), -1);
	ck_assert_int_eq(dec(out, "Zm9=", SH_B64_STD), -1);
	ck_assert_int_eq(dec(out, "Zm9", SH_B64_URL), -1);
	/* length 1 mod 4 */
	ck_assert_int_eq(dec(out, "Z", SH_B64_URL), -1);
	ck_assert_int_eq(dec(out, "Zm9vY", SH_B64_URL), -1);
	ck_assert_int_eq(dec(out, "Zm9vY", SH_B64_STD), -1);
}
END_TEST

/* Every length from 0 to 63 bytes round-trips in both variants. */
START_TEST(test_b64_round_trip)
{
	unsigned char buf[64], back[64];
	char enc[SH_BASE64_ENCODED_SIZE(64)];
	unsigned variant;
	size_t len, i, n;

	for (variant = SH_B64_STD; variant <= SH_B64_URL; variant++) {
		for (len = 0; len < sizeof buf; len++) {
			for (i = 0; i < len; i++)
				buf[i] = (unsigned char)(i * 37 + len);
			n = sh_base64_encode(enc, buf, len, variant);
			ck_assert_uint_eq(n, strlen(enc));
			ck_assert_int_eq(sh_base64_decode(back, enc, n, variant), (ssize_t)len);
			ck_assert(len == 0 || memcmp(back, buf, len) == 0);
		}
	}
}
END_TEST

START_TEST(test_buf_add_base64)
{
	unsigned char bytes[200];
	unsigned char back[200];
	struct sh_buf b;
	size_t i;

	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 7 + 3);
	sh_buf_init(&b, 1000);
	ck_assert_int_eq(sh_buf_add_base64(&b, bytes, 200, SH_B64_STD), 0);
	ck_assert_uint_eq(b.len, 268);
	ck_assert_int_eq(sh_base64_decode(back, b.data, b.len, SH_B64_STD), 200);
	ck_assert(memcmp(back, bytes, 200) == 0);
	sh_buf_reset(&b);
	ck_assert_int_eq(sh_buf_add_base64(&b, bytes, 100, SH_B64_URL), 0);
	ck_assert_uint_eq(b.len, 134);
	ck_assert_int_eq(sh_base64_decode(back, b.data, b.len, SH_B64_URL), 100);
	ck_assert(memcmp(back, bytes, 100) == 0);
	sh_buf_free(&b);
	sh_buf_init(&b, 5);
	sh_buf_addstr(&b, "ab");
	ck_assert_int_eq(sh_buf_add_base64(&b, "f", 1, SH_B64_STD), SH_ETOOBIG);
	ck_assert_str_eq(b.data, "ab");
	ck_assert_int_eq(sh_buf_add_base64(&b, "f", 1, SH_B64_URL), 0);
	ck_assert_str_eq(b.data, "abZg");
	sh_buf_free(&b);
}
END_TEST

/* Percent-decodes s; -1 or the length, the string in out. */
static ssize_t pct(char *out, const char *s, bool plus)
{
	return sh_pct_decode(out, s, strlen(s), plus);
}

START_TEST(test_pct_decode)
{
	char out[64];

	ck_assert_int_eq(pct(out, "a%20b%2Fc%2fd", false), 7);
	ck_assert_str_eq(out, "a b/c/d");
	ck_assert_int_eq(pct(out, "a+b%2B", true), 4);
	ck_assert_str_eq(out, "a b+");
	ck_assert_int_eq(pct(out, "a+b%2B", false), 4);
	ck_assert_str_eq(out, "a+b+");
	ck_assert_int_eq(pct(out, "", false), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(pct(out, "%C3%A9", false), 2);
	ck_assert_str_eq(out, "\xc3\xa9");
	/* refusals */
	ck_assert_int_eq(pct(out, "%", false), -1);
	ck_assert_int_eq(pct(out, "ab%2", false), -1);
	ck_assert_int_eq(pct(out, "%zz", false), -1);
	ck_assert_int_eq(pct(out, "%2g", false), -1);
	ck_assert_int_eq(pct(out, "%%41", false), -1);
	ck_assert_int_eq(pct(out, "a%00b", false), -1);
	ck_assert_int_eq(sh_pct_decode(out, "a\0b", 3, false), -1);
}
END_TEST

START_TEST(test_pct_encode)
{
	struct sh_buf b;

	sh_buf_init(&b, 100);
	ck_assert_int_eq(sh_buf_add_pct(&b, "aZ09-._~ /?&=+%\xc3\xa9", 17), 0);
	ck_assert_str_eq(b.data, "aZ09-._~%20%2F%3F%26%3D%2B%25%C3%A9");
	sh_buf_free(&b);
	sh_buf_init(&b, 5);
	sh_buf_addstr(&b, "x");
	ck_assert_int_eq(sh_buf_add_pct(&b, "ab/", 3), SH_ETOOBIG);
	ck_assert_str_eq(b.data, "x");
	ck_assert_uint_eq(b.len, 1);
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_form)
{
	struct sh_buf b;

	sh_buf_init(&b, 200);
	ck_assert_int_eq(sh_buf_add_form(&b, "grant_type", "client_credentials"), 0);
	ck_assert_int_eq(sh_buf_add_form(&b, "scope", "read write/all"), 0);
	ck_assert_int_eq(sh_buf_add_form(&b, "redirect uri", "https://x.test/cb?a=1&b=2"), 0);
	ck_assert_int_eq(sh_buf_add_form(&b, "e", ""), 0);
	ck_assert_str_eq(b.data, "grant_type=client_credentials&scope=read+write%2Fall"
				 "&redirect+uri=https%3A%2F%2Fx.test%2Fcb%3Fa%3D1%26b%3D2&e=");
	sh_buf_free(&b);
	/* over the cap: nothing of the pair, not even the '&' */
	sh_buf_init(&b, 10);
	ck_assert_int_eq(sh_buf_add_form(&b, "a", "b"), 0);
	ck_assert_int_eq(sh_buf_add_form(&b, "key", "v v"), SH_ETOOBIG);
	ck_assert_str_eq(b.data, "a=b");
	ck_assert_int_eq(sh_buf_add_form(&b, "c", "d d"), 0);
	ck_assert_str_eq(b.data, "a=b&c=d+d");
	sh_buf_free(&b);
}
END_TEST

/* URLSearchParams' bytes: new URLSearchParams(www_pairs).toString() in a
 * browser or Node. */
static const char *const www_pairs[][2] = {
	{ "a*b", "~x y/\xc3\xa9" }, { "filter", "kind=component,spec.type=service" },
	{ "q", "-._!'()+&%" }, { "e", "" },
};

START_TEST(test_form_www)
{
	struct sh_buf b;

	sh_buf_init(&b, 200);
	for (size_t i = 0; i < sizeof(www_pairs) / sizeof(*www_pairs); i++)
		ck_assert_int_eq(sh_buf_add_form_www(&b, www_pairs[i][0], www_pairs[i][1]), 0);
	ck_assert_str_eq(b.data, "a*b=%7Ex+y%2F%C3%A9"
				 "&filter=kind%3Dcomponent%2Cspec.type%3Dservice"
				 "&q=-._%21%27%28%29%2B%26%25&e=");
	sh_buf_free(&b);
	/* sh_buf_add_form spells the two differing bytes the other way */
	sh_buf_init(&b, 200);
	ck_assert_int_eq(sh_buf_add_form(&b, "a*b", "~"), 0);
	ck_assert_str_eq(b.data, "a%2Ab=~");
	sh_buf_free(&b);
	/* over the cap ("a=*&k=%7E" is 9 bytes): none of the pair; "a=*&k=*" fits */
	sh_buf_init(&b, 8);
	ck_assert_int_eq(sh_buf_add_form_www(&b, "a", "*"), 0);
	ck_assert_int_eq(sh_buf_add_form_www(&b, "k", "~"), SH_ETOOBIG);
	ck_assert_int_eq(sh_buf_add_form_www(&b, "k", "*"), 0);
	ck_assert_str_eq(b.data, "a=*&k=*");
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_hex)
{
	const unsigned char bytes[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };
	unsigned char out[8];
	char hex[16];

	sh_hex_encode(hex, bytes, sizeof(bytes));
	ck_assert_str_eq(hex, "0001abcdefff");
	ck_assert_int_eq(sh_hex_decode(out, hex, 12), 6);
	ck_assert(memcmp(out, bytes, 6) == 0);
	ck_assert_int_eq(sh_hex_decode(out, "0001ABCDEFFF", 12), 6);
	ck_assert(memcmp(out, bytes, 6) == 0);
	sh_hex_encode(hex, bytes, 0);
	ck_assert_str_eq(hex, "");
	ck_assert_int_eq(sh_hex_decode(out, "", 0), 0);
	/* odd length, non-hex characters, a NUL inside */
	ck_assert_int_eq(sh_hex_decode(out, "abc", 3), -1);
	ck_assert_int_eq(sh_hex_decode(out, "0g", 2), -1);
	ck_assert_int_eq(sh_hex_decode(out, " 0", 2), -1);
	ck_assert_int_eq(sh_hex_decode(out, "0x12", 4), -1);
	ck_assert_int_eq(sh_hex_decode(out, "a\0", 2), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_b64_vectors);
	tcase_add_test(tc, test_b64_alphabets);
	tcase_add_test(tc, test_b64_refusals);
	tcase_add_test(tc, test_b64_round_trip);
	tcase_add_test(tc, test_buf_add_base64);
	tcase_add_test(tc, test_pct_decode);
	tcase_add_test(tc, test_pct_encode);
	tcase_add_test(tc, test_form);
	tcase_add_test(tc, test_form_www);
	tcase_add_test(tc, test_hex);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
