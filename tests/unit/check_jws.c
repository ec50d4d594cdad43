/*
 * JWS/JWK: strict base64url token parts, ECDSA DER <-> JOSE raw r||s (leading zero
 * bytes, high bits), ES256 sign/verify, tampering, alg none, HS256 keyed with
 * the public key's PEM, wrong keys, JWK round trips and refusals, RS256,
 * malformed tokens, and the Backstage user token claim checks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "host.h"
#include "jws.h"
#include "unit.h"

#define NOW 1700000000LL
#define ISS "https://portal.example/api/auth"

static EVP_PKEY *key;

static void setup(void)
{
	key = sh_es256_generate();
	ck_assert_ptr_nonnull(key);
}

static void teardown(void)
{
	EVP_PKEY_free(key);
}

/* base64url of len bytes, malloc'd. */
static char *b64u(const void *buf, size_t len)
{
	char *out = malloc(SH_BASE64_ENCODED_SIZE(len));

	sh_base64_encode(out, buf, len, SH_B64_URL);
	return out;
}

/* A token "h.p.s" from three raw strings (each base64url-encoded here). */
static char *join3(const char *h, const char *p, const unsigned char *sig, size_t siglen)
{
	char *bh = b64u(h, strlen(h));
	char *bp = b64u(p, strlen(p));
	char *bs = b64u(sig, siglen);
	size_t n = strlen(bh) + strlen(bp) + strlen(bs) + 3;
	char *t = malloc(n);

	snprintf(t, n, "%s.%s.%s", bh, bp, bs);
	free(bh);
	free(bp);
	free(bs);
	return t;
}

/* 0 when `token` parses and verifies with `k` pinned to `alg`. */
static int verify(const char *token, enum sh_jws_alg alg, EVP_PKEY *k)
{
	struct sh_jws j;
	char why[128];
	int rc = sh_jws_parse(token, &j, why, sizeof why);

	if (rc != 0)
		return rc;
	rc = sh_jws_verify(&j, alg, k, why, sizeof why);
	sh_jws_clear(&j);
	return rc;
}

static char *mint(EVP_PKEY *k, const char *typ, json_t *payload)
{
	json_t *h = typ ? json_pack("{s:s, s:s, s:s}", "typ", typ, "alg", "ES256", "kid", "k1")
			: json_pack("{s:s, s:s}", "alg", "ES256", "kid", "k1");
	char *t = sh_jws_sign_es256(k, h, payload);

	json_decref(h);
	json_decref(payload);
	return t;
}

START_TEST(test_der_raw)
{
	unsigned char raws[4][64], back[64], *der;
	size_t len;

	memset(raws[0], 0x11, 64);
	memset(raws[1], 0, 64);                 /* r and s with leading zero bytes */
	raws[1][31] = 0x05;
	raws[1][40] = 0x7f;
	memset(raws[2], 0xff, 64);              /* high bits set: DER adds a zero byte */
	memset(raws[3], 0, 64);
	raws[3][0] = 0x80;
	raws[3][33] = 0x01;
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(host_ecdsa_raw_to_der(raws[i], &der, &len), 0);
		ck_assert_int_eq(host_ecdsa_der_to_raw(der, len, back), 0);
		ck_assert(memcmp(back, raws[i], 64) == 0);
		/* Trailing garbage after the DER sequence is refused. */
		der = realloc(der, len + 1);
		der[len] = 0;
		ck_assert_int_eq(host_ecdsa_der_to_raw(der, len + 1, back), SH_EINVAL);
		free(der);
	}
	ck_assert_int_eq(host_ecdsa_der_to_raw((const unsigned char *)"\x30\x00", 2, back), SH_EINVAL);
}
END_TEST

START_TEST(test_der_too_wide)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_new(), *s = BN_new();
	unsigned char *der = NULL, raw[64];
	int n;

	BN_set_bit(r, 256);                      /* 33 bytes: not a P-256 scalar */
	BN_set_word(s, 1);
	ECDSA_SIG_set0(sig, r, s);
	n = i2d_ECDSA_SIG(sig, &der);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(host_ecdsa_der_to_raw(der, (size_t)n, raw), SH_EINVAL);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
}
END_TEST

START_TEST(test_sign_verify_and_tamper)
{
	char *t = mint(key, "vnd.backstage.user", json_pack("{s:s}", "sub", "user:default/a"));
	char *d1, *d2, *copy;
	struct sh_jws j;
	char why[128];

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(verify(t, SH_JWS_ES256, key), 0);
	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
	ck_assert_uint_eq(j.sig_len, 64);
	ck_assert_str_eq(json_string_value(json_object_get(j.payload, "sub")), "user:default/a");
	sh_jws_clear(&j);
	d1 = strchr(t, '.');
	d2 = strrchr(t, '.');
	/* One character changed in the header, the payload, the signature. */
	for (int part = 0; part < 3; part++) {
		size_t at = part == 0 ? 5 : part == 1 ? (size_t)(d1 - t) + 5 : (size_t)(d2 - t) + 5;

		copy = strdup(t);
		copy[at] = copy[at] == 'A' ? 'B' : 'A';
		ck_assert_int_ne(verify(copy, SH_JWS_ES256, key), 0);
		free(copy);
	}
	/* Another payload under the same header and signature. */
	copy = join3("{\"typ\":\"vnd.backstage.user\",\"alg\":\"ES256\",\"kid\":\"k1\"}",
		     "{\"sub\":\"user:default/b\"}", (const unsigned char *)"x", 1);
	ck_assert_int_ne(verify(copy, SH_JWS_ES256, key), 0);
	free(copy);
	ck_assert_ptr_nonnull(d1);
	free(t);
}
END_TEST

START_TEST(test_alg_none_and_hs256)
{
	char *t = mint(key, "vnd.backstage.user", json_pack("{s:s}", "sub", "user:default/a"));
	const char *input_end = strrchr(t, '.');
	unsigned char mac[32];
	unsigned int maclen = sizeof mac;
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem, *none, *hs;
	long pemlen;
	char *hs_input;

	none = join3("{\"alg\":\"none\",\"typ\":\"vnd.backstage.user\"}", "{\"sub\":\"x\"}",
		     (const unsigned char *)"", 0);
	ck_assert_int_ne(verify(none, SH_JWS_ES256, key), 0);
	free(none);
	none = join3("{\"alg\":\"none\"}", "{\"sub\":\"x\"}", (const unsigned char *)"sig", 3);
	ck_assert_int_eq(verify(none, SH_JWS_ES256, key), SH_EINVAL);
	free(none);
	/* HS256 whose secret is the public key's PEM (libjwt 1.10 accepts it). */
	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, key), 1);
	pemlen = BIO_get_mem_data(bio, &pem);
	hs = join3("{\"typ\":\"vnd.backstage.user\",\"alg\":\"HS256\",\"kid\":\"k1\"}",
		   "{\"sub\":\"user:default/a\"}", (const unsigned char *)"", 0);
	hs_input = strndup(hs, (size_t)(strrchr(hs, '.') - hs));
	HMAC(EVP_sha256(), pem, (int)pemlen, (const unsigned char *)hs_input, strlen(hs_input),
	     mac, &maclen);
	free(hs);
	{
		char *s = b64u(mac, maclen);
		size_t n = strlen(hs_input) + strlen(s) + 2;

		hs = malloc(n);
		snprintf(hs, n, "%s.%s", hs_input, s);
		free(s);
	}
	ck_assert_int_eq(verify(hs, SH_JWS_ES256, key), SH_EINVAL);
	ck_assert_int_eq(verify(hs, SH_JWS_RS256, key), SH_EINVAL);
	free(hs);
	free(hs_input);
	BIO_free(bio);
	ck_assert_ptr_nonnull(input_end);
	free(t);
}
END_TEST

START_TEST(test_wrong_keys)
{
	EVP_PKEY *other = sh_es256_generate(), *p384 = EVP_EC_gen("P-384");
	EVP_PKEY *rsa = EVP_RSA_gen(2048);
	char *t = mint(key, "vnd.backstage.user", json_pack("{s:s}", "sub", "user:default/a"));

	ck_assert_int_eq(verify(t, SH_JWS_ES256, other), SH_EINVAL);
	ck_assert_int_eq(verify(t, SH_JWS_ES256, p384), SH_EINVAL);
	ck_assert_int_eq(verify(t, SH_JWS_ES256, rsa), SH_EINVAL);
	ck_assert_int_eq(verify(t, SH_JWS_RS256, rsa), SH_EINVAL);
	ck_assert_int_eq(verify(t, SH_JWS_ES256, NULL), SH_EINVAL);
	{
		json_t *o = json_object();

		ck_assert_ptr_null(sh_jws_sign_es256(rsa, o, o));
		json_decref(o);
	}
	free(t);
	EVP_PKEY_free(other);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(rsa);
}
END_TEST

/* A copy of jwk with member `name` replaced (NULL value: removed). */
static json_t *jwk_with(const json_t *jwk, const char *name, const char *value)
{
	json_t *c = json_deep_copy(jwk);

	if (value)
		json_object_set_new(c, name, json_string(value));
	else
		json_object_del(c, name);
	return c;
}

static void expect_refused(json_t *jwk, enum sh_jws_alg alg)
{
	EVP_PKEY *k = sh_jwk_to_key(jwk, alg);

	ck_assert_ptr_null(k);
	json_decref(jwk);
}

START_TEST(test_jwk_ec)
{
	json_t *jwk = sh_jwk_from_ec(key, "kid-1");
	char *t = mint(key, "vnd.backstage.user", json_pack("{s:s}", "sub", "user:default/a"));
	char ybad[64];
	EVP_PKEY *k;

	ck_assert_ptr_nonnull(jwk);
	ck_assert_str_eq(json_string_value(json_object_get(jwk, "kty")), "EC");
	ck_assert_str_eq(json_string_value(json_object_get(jwk, "crv")), "P-256");
	ck_assert_str_eq(json_string_value(json_object_get(jwk, "alg")), "ES256");
	ck_assert_str_eq(json_string_value(json_object_get(jwk, "use")), "sig");
	ck_assert_str_eq(json_string_value(json_object_get(jwk, "kid")), "kid-1");
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(jwk, "x"))), 43);
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(jwk, "y"))), 43);
	k = sh_jwk_to_key(jwk, SH_JWS_ES256);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(verify(t, SH_JWS_ES256, k), 0);
	EVP_PKEY_free(k);
	expect_refused(jwk_with(jwk, "alg", "RS256"), SH_JWS_ES256);
	expect_refused(jwk_with(jwk, "alg", "HS256"), SH_JWS_ES256);
	expect_refused(jwk_with(jwk, "use", "enc"), SH_JWS_ES256);
	expect_refused(jwk_with(jwk, "crv", "P-384"), SH_JWS_ES256);
	expect_refused(jwk_with(jwk, "kty", "RSA"), SH_JWS_ES256);
	expect_refused(jwk_with(jwk, "x", "AAAA"), SH_JWS_ES256);
	expect_refused(json_deep_copy(jwk), SH_JWS_RS256);
	/* A point off the curve: y changed. */
	snprintf(ybad, sizeof ybad, "%s", json_string_value(json_object_get(jwk, "y")));
	ybad[5] = ybad[5] == 'A' ? 'B' : 'A';
	expect_refused(jwk_with(jwk, "y", ybad), SH_JWS_ES256);
	json_decref(jwk);
	free(t);
}
END_TEST

START_TEST(test_jwk_optional_members)
{
	json_t *jwk = sh_jwk_from_ec(key, "kid-2"), *bare;
	EVP_PKEY *k;

	json_object_del(jwk, "alg");
	json_object_del(jwk, "use");
	bare = jwk;
	k = sh_jwk_to_key(bare, SH_JWS_ES256);
	ck_assert_ptr_nonnull(k);
	EVP_PKEY_free(k);
	json_decref(jwk);
}
END_TEST

/* An RS256 token signed with an RSA key, by hand. */
static char *rs256_token(EVP_PKEY *rsa)
{
	const char *h = "{\"alg\":\"RS256\",\"kid\":\"r1\"}", *p = "{\"sub\":\"svc\"}";
	char *t = join3(h, p, (const unsigned char *)"", 0), *input, *s, *out;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t siglen = sizeof sig, n;

	input = strndup(t, (size_t)(strrchr(t, '.') - t));
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, rsa), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input, strlen(input)), 1);
	s = b64u(sig, siglen);
	n = strlen(input) + strlen(s) + 2;
	out = malloc(n);
	snprintf(out, n, "%s.%s", input, s);
	EVP_MD_CTX_free(ctx);
	free(s);
	free(input);
	free(t);
	return out;
}

START_TEST(test_rs256)
{
	EVP_PKEY *rsa = EVP_RSA_gen(2048), *small = EVP_RSA_gen(1024), *pub;
	BIGNUM *n = NULL, *e = NULL;
	unsigned char nb[256], eb[8];
	int elen;
	char *sn, *se, *t = rs256_token(rsa);
	json_t *jwk;

	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa, "n", &n), 1);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa, "e", &e), 1);
	ck_assert_int_eq(BN_bn2binpad(n, nb, sizeof nb), 256);
	elen = BN_bn2bin(e, eb);
	sn = b64u(nb, sizeof nb);
	se = b64u(eb, (size_t)elen);
	jwk = json_pack("{s:s, s:s, s:s, s:s}", "kty", "RSA", "n", sn, "e", se, "kid", "r1");
	pub = sh_jwk_to_key(jwk, SH_JWS_RS256);
	ck_assert_ptr_nonnull(pub);
	ck_assert_int_eq(verify(t, SH_JWS_RS256, pub), 0);
	ck_assert_int_eq(verify(t, SH_JWS_ES256, pub), SH_EINVAL);
	ck_assert_int_eq(verify(t, SH_JWS_RS256, small), SH_EINVAL);
	ck_assert_ptr_null(sh_jwk_to_key(jwk, SH_JWS_ES256));
	EVP_PKEY_free(pub);
	json_decref(jwk);
	BN_free(n);
	BN_free(e);
	free(sn);
	free(se);
	free(t);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(small);
}
END_TEST

/* A signer may mint a token longer than the parse cap (the auth plugin then
 * signs a smaller one), so sh_jws_sign_es256 must not refuse it. */
START_TEST(test_sign_long)
{
	json_t *ent = json_array();
	struct sh_jws j;
	char why[128], *t;

	for (int i = 0; i < 400; i++)
		json_array_append_new(ent, json_sprintf("group:default/team-%03d-longish", i));
	t = mint(key, "vnd.backstage.user",
		 json_pack("{s:s, s:o}", "sub", "user:default/a", "ent", ent));
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_gt(strlen(t), SH_JWS_MAX_TOKEN);
	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), SH_ETOOBIG);
	free(t);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *const bad[] = {
		"", "abc", "a.b", "a.b.c.d", "..", "...", "e30.e30.", "!!!.e30.AA",
		"e30.!!!.AA", "e30.e30.!!", "bm90anNvbg.e30.AA",   /* header "notjson" */
		"W10.e30.AA",                                     /* header [] */
		"e30.W10.AA",                                     /* payload [] */
		"eyJhbGciOiJFUzI1NiIsImFsZyI6Im5vbmUifQ.e30.AA",  /* duplicate alg */
		"e30=.e30.AA",
		"e30.e30.AB", "e30.e30.A", "e30.e30.+/",          /* stray bits, 1 mod 4, std alphabet */
	};
	struct sh_jws j;
	char why[128], *big;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(sh_jws_parse(bad[i], &j, why, sizeof why) == SH_EINVAL,
			      "accepted %s", bad[i]);
	big = malloc(SH_JWS_MAX_TOKEN + 2);
	memset(big, 'A', SH_JWS_MAX_TOKEN + 1);
	big[SH_JWS_MAX_TOKEN + 1] = '\0';
	big[10] = big[20] = '.';
	ck_assert_int_eq(sh_jws_parse(big, &j, why, sizeof why), SH_ETOOBIG);
	free(big);
	ck_assert_int_eq(sh_jws_parse("e30.e30.AA", &j, why, sizeof why), 0);
	sh_jws_clear(&j);
}
END_TEST

/* host_user_token_check on a token signed with `key` carrying `payload`. */
static int claims(const char *typ, json_t *payload)
{
	char *t = mint(key, typ, payload), why[128];
	struct sh_jws j;
	int rc;

	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
	rc = host_user_token_check(&j, key, ISS, NOW, why, sizeof why);
	sh_jws_clear(&j);
	free(t);
	return rc;
}

static json_t *good(void)
{
	return json_pack("{s:s, s:s, s:[ss], s:s, s:I, s:I}", "iss", ISS, "sub", "user:default/jane",
			 "ent", "user:default/jane", "group:default/devs", "aud", "backstage",
			 "iat", (json_int_t)NOW - 10, "exp", (json_int_t)NOW + 3590);
}

static json_t *good_with(const char *name, json_t *value)
{
	json_t *p = good();

	if (value)
		json_object_set_new(p, name, value);
	else
		json_object_del(p, name);
	return p;
}

START_TEST(test_claims)
{
	const char *u = "vnd.backstage.user";

	ck_assert_int_eq(claims(u, good()), 0);
	ck_assert_int_eq(claims(u, good_with("ent", NULL)), 0);
	ck_assert_int_eq(claims(u, good_with("aud", json_pack("[ss]", "x", "backstage"))), 0);
	ck_assert_int_eq(claims(u, good_with("iat", json_integer(NOW + 59))), 0);
	ck_assert_int_eq(claims(u, good_with("sub", json_string("user:jane"))), 0);
	ck_assert_int_eq(claims(NULL, good()), SH_EINVAL);
	ck_assert_int_eq(claims("vnd.backstage.limited-user", good()), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("exp", json_integer(NOW))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("exp", json_integer(NOW - 1))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("exp", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("exp", json_string("later"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("iat", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("iat", json_integer(NOW + 61))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("nbf", json_integer(NOW + 120))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("aud", json_string("other"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("aud", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("iss", json_string(ISS "/"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("iss", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("sub", json_string("group:default/devs"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("sub", json_string("user:default/"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("sub", json_string("user:a/b/c"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("sub", json_string("user:default/ja ne"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("sub", json_integer(1))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("ent", json_string("user:default/jane"))), SH_EINVAL);
	ck_assert_int_eq(claims(u, good_with("ent", json_pack("[i]", 1))), SH_EINVAL);
}
END_TEST

START_TEST(test_claims_wrong_key)
{
	EVP_PKEY *other = sh_es256_generate();
	char *t = mint(key, "vnd.backstage.user", good()), why[128];
	struct sh_jws j;

	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
	ck_assert_int_eq(host_user_token_check(&j, other, ISS, NOW, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "bad signature");
	sh_jws_clear(&j);
	free(t);
	EVP_PKEY_free(other);
}
END_TEST

/* The remembered signatures: a token that verified once still fails with
 * another key, with one signature byte changed, or once it has expired. */
START_TEST(test_claims_remembered_signature)
{
	EVP_PKEY *other = sh_es256_generate();
	char *t = mint(key, "vnd.backstage.user", good()), why[128];
	struct sh_jws j;

	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
	ck_assert_int_eq(host_user_token_check(&j, key, ISS, NOW, why, sizeof why), 0);
	ck_assert_int_eq(host_user_token_check(&j, key, ISS, NOW, why, sizeof why), 0);
	ck_assert_int_eq(host_user_token_check(&j, other, ISS, NOW, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "bad signature");
	ck_assert_int_eq(host_user_token_check(&j, key, ISS, NOW + 3600, why, sizeof why),
			 SH_EINVAL);
	ck_assert_str_eq(why, "token expired");
	j.sig[5] ^= 1;
	ck_assert_int_eq(host_user_token_check(&j, key, ISS, NOW, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "bad signature");
	j.sig[5] ^= 1;
	ck_assert_int_eq(host_user_token_check(&j, key, ISS, NOW, why, sizeof why), 0);
	sh_jws_clear(&j);
	free(t);
	EVP_PKEY_free(other);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jws");
	TCase *tc = tcase_create("jws");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_der_raw);
	tcase_add_test(tc, test_der_too_wide);
	tcase_add_test(tc, test_sign_verify_and_tamper);
	tcase_add_test(tc, test_alg_none_and_hs256);
	tcase_add_test(tc, test_wrong_keys);
	tcase_add_test(tc, test_jwk_ec);
	tcase_add_test(tc, test_jwk_optional_members);
	tcase_add_test(tc, test_rs256);
	tcase_add_test(tc, test_sign_long);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_claims);
	tcase_add_test(tc, test_claims_wrong_key);
	tcase_add_test(tc, test_claims_remembered_signature);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
