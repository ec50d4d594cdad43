/*
 * Compact JWS and JWK over OpenSSL 3 (see stagehand/jose.h and jws.h).  Strict: exact
 * base64url, two dots, JSON objects without duplicate keys, a token size cap,
 * one algorithm pinned per key.  Never calls libjwt (it accepts HS256 keyed
 * with a public key's PEM and checks no claims).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "host.h"
#include "jws.h"

#define EC_COORD 32   /* bytes of a P-256 coordinate, r or s */
/* Cap on a token we sign.  Larger than SH_JWS_MAX_TOKEN on purpose: a
 * signer may mint one that is too long, look at its length and sign a
 * smaller one (the auth plugin drops "ent"); this only bounds memory. */
#define SIGN_MAX (1024 * 1024)

/* ------------------------------------------------------------------ base64url */

/* Strict base64url of s[0..len), malloc'd (plus a NUL), or NULL. */
static unsigned char *b64url_decode(const char *s, size_t len, size_t *outlen)
{
	unsigned char *buf = sh_xmalloc(SH_BASE64_DECODED_MAX(len) + 1);
	ssize_t n = sh_base64_decode(buf, s, len, SH_B64_URL);

	if (n < 0) {
		free(buf);
		return NULL;
	}
	*outlen = (size_t)n;
	return buf;
}

/* ------------------------------------------------------------------ ECDSA signature forms */

int host_ecdsa_der_to_raw(const unsigned char *der, size_t len,
			  unsigned char raw[HOST_ES256_SIG_LEN])
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *s;
	int rc = SH_EINVAL;

	if (!sig)
		goto out;
	ECDSA_SIG_get0(sig, &r, &s);
	if (p != der + len || BN_num_bytes(r) > EC_COORD || BN_num_bytes(s) > EC_COORD)
		goto out;
	if (BN_bn2binpad(r, raw, EC_COORD) != EC_COORD ||
	    BN_bn2binpad(s, raw + EC_COORD, EC_COORD) != EC_COORD)
		goto out;
	rc = 0;
out:
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return rc;
}

int host_ecdsa_raw_to_der(const unsigned char raw[HOST_ES256_SIG_LEN],
			  unsigned char **der, size_t *len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, EC_COORD, NULL), *s = BN_bin2bn(raw + EC_COORD, EC_COORD, NULL);
	unsigned char *p;
	int n, rc = SH_EINVAL;

	*der = NULL;
	if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	n = i2d_ECDSA_SIG(sig, NULL);
	if (n <= 0)
		goto out;
	*der = p = sh_xmalloc((size_t)n);
	if (i2d_ECDSA_SIG(sig, &p) != n) {
		free(*der);
		*der = NULL;
		goto out;
	}
	*len = (size_t)n;
	rc = 0;
out:
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return rc;
}

/* ------------------------------------------------------------------ parsing */

static json_t *decode_object(const char *s, size_t len)
{
	unsigned char *buf;
	size_t n;
	json_t *j;

	if (!(buf = b64url_decode(s, len, &n)))
		return NULL;
	j = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

int sh_jws_parse(const char *token, struct sh_jws *out, char *why, size_t whylen)
{
	size_t len = strnlen(token, SH_JWS_MAX_TOKEN + 1);
	const char *d1, *d2, *end = token + len;

	memset(out, 0, sizeof *out);
	if (len > SH_JWS_MAX_TOKEN) {
		snprintf(why, whylen, "token too long");
		return SH_ETOOBIG;
	}
	d1 = memchr(token, '.', len);
	d2 = d1 ? memchr(d1 + 1, '.', (size_t)(end - d1 - 1)) : NULL;
	if (!d2 || memchr(d2 + 1, '.', (size_t)(end - d2 - 1)) || d2 + 1 == end) {
		snprintf(why, whylen, "not a compact jws");
		return SH_EINVAL;
	}
	out->header = decode_object(token, (size_t)(d1 - token));
	out->payload = out->header ? decode_object(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
	if (out->payload)
		out->sig = b64url_decode(d2 + 1, (size_t)(end - d2 - 1), &out->sig_len);
	if (!out->sig) {
		snprintf(why, whylen, "%s is malformed",
			 !out->header ? "header" : !out->payload ? "payload" : "signature");
		sh_jws_clear(out);
		return SH_EINVAL;
	}
	out->signed_part = token;
	out->signed_len = (size_t)(d2 - token);
	return 0;
}

void sh_jws_clear(struct sh_jws *j)
{
	json_decref(j->header);
	json_decref(j->payload);
	free(j->sig);
	memset(j, 0, sizeof *j);
}

/* ------------------------------------------------------------------ verification */

static const char *alg_name(enum sh_jws_alg alg)
{
	return alg == SH_JWS_ES256 ? "ES256" : "RS256";
}

/* Whether `key` is of the kind `alg` needs: P-256, or RSA of 2048+ bits. */
static int key_fits(EVP_PKEY *key, enum sh_jws_alg alg)
{
	char group[32];

	if (!key)
		return 0;
	if (alg == SH_JWS_RS256)
		return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= 2048;
	return EVP_PKEY_is_a(key, "EC") &&
	       EVP_PKEY_get_group_name(key, group, sizeof group, NULL) == 1 &&
	       strcmp(group, SN_X9_62_prime256v1) == 0;
}

static int digest_verify(EVP_PKEY *key, const char *msg, size_t mlen,
			 const unsigned char *sig, size_t slen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestVerify(ctx, sig, slen, (const unsigned char *)msg, mlen) == 1;

	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

int sh_jws_verify(const struct sh_jws *j, enum sh_jws_alg alg, EVP_PKEY *key,
		    char *why, size_t whylen)
{
	const char *have = json_string_value(json_object_get(j->header, "alg"));
	unsigned char *der = NULL;
	size_t derlen = 0;
	int ok;

	if (!have || strcmp(have, alg_name(alg)) != 0) {
		snprintf(why, whylen, "algorithm not allowed for this key");
		return SH_EINVAL;
	}
	if (!key_fits(key, alg)) {
		snprintf(why, whylen, "key is not a %s key", alg_name(alg));
		return SH_EINVAL;
	}
	if (alg == SH_JWS_ES256) {
		ok = j->sig_len == HOST_ES256_SIG_LEN &&
		     host_ecdsa_raw_to_der(j->sig, &der, &derlen) == 0 &&
		     digest_verify(key, j->signed_part, j->signed_len, der, derlen);
		free(der);
	} else {
		ok = digest_verify(key, j->signed_part, j->signed_len, j->sig, j->sig_len);
	}
	if (!ok) {
		snprintf(why, whylen, "bad signature");
		return SH_EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------------ signing */

EVP_PKEY *sh_es256_generate(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");

	ERR_clear_error();
	return key;
}

/* Appends base64url(JSON) of a value, compact, keys in insertion order. */
static int add_b64_json(struct sh_buf *b, const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	if (!text)
		return SH_EINVAL;
	rc = sh_buf_add_base64(b, text, strlen(text), SH_B64_URL);
	free(text);
	return rc;
}

/* The raw r||s ES256 signature of msg. */
static int es256_sign(EVP_PKEY *key, const char *msg, size_t len,
		      unsigned char raw[HOST_ES256_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char der[80];   /* a P-256 DER signature is at most 72 bytes */
	size_t derlen = sizeof der;
	int rc = SH_EINVAL;

	if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, der, &derlen, (const unsigned char *)msg, len) == 1)
		rc = host_ecdsa_der_to_raw(der, derlen, raw);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

char *sh_jws_sign_es256(EVP_PKEY *key, const json_t *header, const json_t *payload)
{
	unsigned char raw[HOST_ES256_SIG_LEN];
	struct sh_buf b;

	sh_buf_init(&b, SIGN_MAX);
	if (!key_fits(key, SH_JWS_ES256) || add_b64_json(&b, header) != 0 ||
	    sh_buf_addc(&b, '.') != 0 || add_b64_json(&b, payload) != 0 ||
	    es256_sign(key, b.data, b.len, raw) != 0 || sh_buf_addc(&b, '.') != 0 ||
	    sh_buf_add_base64(&b, raw, sizeof raw, SH_B64_URL) != 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_take(&b, NULL);
}

/* ------------------------------------------------------------------ JWK */

json_t *sh_jwk_from_ec(EVP_PKEY *key, const char *kid)
{
	BIGNUM *x = NULL, *y = NULL;
	unsigned char bx[EC_COORD], by[EC_COORD];
	char sx[SH_BASE64_ENCODED_SIZE(EC_COORD)], sy[SH_BASE64_ENCODED_SIZE(EC_COORD)];
	json_t *jwk = NULL;

	if (!key_fits(key, SH_JWS_ES256) ||
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
	    BN_bn2binpad(x, bx, EC_COORD) != EC_COORD || BN_bn2binpad(y, by, EC_COORD) != EC_COORD)
		goto out;
	sh_base64_encode(sx, bx, sizeof bx, SH_B64_URL);
	sh_base64_encode(sy, by, sizeof by, SH_B64_URL);
	jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256",
			"x", sx, "y", sy, "kid", kid, "alg", "ES256", "use", "sig");
out:
	BN_free(x);
	BN_free(y);
	ERR_clear_error();
	return jwk;
}

/* A base64url member of a JWK, decoded; exact length when want > 0. */
static unsigned char *jwk_bytes(const json_t *jwk, const char *name, size_t want, size_t *len)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	unsigned char *buf;

	if (!s || !(buf = b64url_decode(s, strlen(s), len)))
		return NULL;
	if ((want && *len != want) || *len == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static EVP_PKEY *key_fromdata(const char *type, const OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL), *check = NULL;
	EVP_PKEY *key = NULL;

	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, (OSSL_PARAM *)params) != 1)
		goto out;
	/* The point must lie on the curve (and RSA must be sane). */
	check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (!check || EVP_PKEY_public_check(check) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
	}
out:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return key;
}

static EVP_PKEY *ec_from_jwk(const json_t *jwk)
{
	char group[] = SN_X9_62_prime256v1;
	unsigned char point[1 + 2 * EC_COORD], *x = NULL, *y = NULL;
	size_t xl, yl;
	EVP_PKEY *key = NULL;
	OSSL_PARAM params[3];

	if (strcmp(json_string_value(json_object_get(jwk, "crv")) ?: "", "P-256") != 0 ||
	    !(x = jwk_bytes(jwk, "x", EC_COORD, &xl)) || !(y = jwk_bytes(jwk, "y", EC_COORD, &yl)))
		goto out;
	point[0] = 0x04;   /* uncompressed */
	memcpy(point + 1, x, EC_COORD);
	memcpy(point + 1 + EC_COORD, y, EC_COORD);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point);
	params[2] = OSSL_PARAM_construct_end();
	key = key_fromdata("EC", params);
out:
	free(x);
	free(y);
	return key;
}

static EVP_PKEY *rsa_from_jwk(const json_t *jwk)
{
	unsigned char *n = NULL, *e = NULL;
	size_t nl, el;
	BIGNUM *bn = NULL, *be = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *key = NULL;

	if (!(n = jwk_bytes(jwk, "n", 0, &nl)) || !(e = jwk_bytes(jwk, "e", 0, &el)) ||
	    nl > 2048 || el > 8)
		goto out;
	bn = BN_bin2bn(n, (int)nl, NULL);
	be = BN_bin2bn(e, (int)el, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (!bn || !be || !bld || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	key = key_fromdata("RSA", params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	free(n);
	free(e);
	ERR_clear_error();
	return key;
}

EVP_PKEY *sh_jwk_to_key(const json_t *jwk, enum sh_jws_alg alg)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const json_t *a = json_object_get(jwk, "alg"), *use = json_object_get(jwk, "use");
	EVP_PKEY *key;

	if (!json_is_object(jwk) || !kty)
		return NULL;
	if (a && (!json_is_string(a) || strcmp(json_string_value(a), alg_name(alg)) != 0))
		return NULL;
	if (use && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0))
		return NULL;
	if (alg == SH_JWS_ES256 && strcmp(kty, "EC") == 0)
		key = ec_from_jwk(jwk);
	else if (alg == SH_JWS_RS256 && strcmp(kty, "RSA") == 0)
		key = rsa_from_jwk(jwk);
	else
		return NULL;
	if (key && !key_fits(key, alg)) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	return key;
}

enum sh_jws_alg host_jwk_alg(const json_t *jwk)
{
	const char *alg = json_string_value(json_object_get(jwk, "alg"));
	const char *kty = json_string_value(json_object_get(jwk, "kty"));

	if (json_object_get(jwk, "alg"))
		return !alg ? 0 : strcmp(alg, "RS256") == 0 ? SH_JWS_RS256 :
		       strcmp(alg, "ES256") == 0 ? SH_JWS_ES256 : 0;
	if (kty && strcmp(kty, "RSA") == 0)
		return SH_JWS_RS256;
	if (kty && strcmp(kty, "EC") == 0)
		return SH_JWS_ES256;
	return 0;
}
