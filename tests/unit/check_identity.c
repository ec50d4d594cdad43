/*
 * Identity beyond Backstage user tokens: an RS256 known-answer vector made
 * with the openssl CLI (key as JWK, token signed by `openssl dgst -sign`),
 * IdP service-token claim checks (issuer, audience, exp/nbf/iat with skew,
 * subject), algorithm pinning per JWK (alg none, HS256 keyed with the PEM,
 * RS256 token against an EC key and back), and limited user tokens.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "idp.h"
#include "jws.h"
#include "memreq.h"
#include "unit.h"

#define NOW 1700000000LL
#define ISS "https://idp.example"

/* Made once with: openssl genrsa 2048; the modulus as base64url, e = 65537. */
static const char kat_n[] =
	"tQCXTZYLXCkTDXL1H3W0_Ok5NE04KDjlGIiuhcPlcQ-CaV5IKYPQUH1DFQGy4zAA3Rghw5A1MNzXIbN3v-DW0lF"
	"XpOEC70rxb7sOfRQFQDMQSpjeB5Bbvq2O44TOVEdAQwvvwThbtlljUcr8eI-N12wqLGl1o95NM5leNtG2Uq1M-k"
	"iRpK5JCvoXmZ20KWmBJveAjDtOd_HcYiYB_mCgaZNa52aMIRehyh-WfEEVSLXkkjmb1oeu4t3xajpe1_jioWVdg"
	"Z7ve8Cz009RficeGKJFn6Qps1hS-rrAQFy28FaNyTesPBearlhBdms74Ni6XXzHIyb4lmjeh9i2HHGkOw";
/* {"alg":"RS256","typ":"JWT","kid":"kat-1"} . {"iss":ISS,"sub":"svc-kat",
 * "aud":"openchoreo-api","iat":NOW,"exp":NOW+3600}, signed by openssl dgst. */
static const char kat_token[] =
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImthdC0xIn0."
	"eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwic3ViIjoic3ZjLWthdCIsImF1ZCI6Im9wZW5jaG9yZW8tYXBp"
	"IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDB9."
	"Wuw8fTaxAIdMwVKEKZlfqMgj7GmQw49BWkiSTeGQ8qpPERqDtoUJo9V6lyuriatzCfAWxAY3K_Jglc5PjEJndXyn"
	"ye1B54FUCFk4FAshj9u-WYt0t1z4_7vl-ZPOCKzWuoOCehRBSenYdEEcAFLM8_2wBXs940nvsUdf6_RfxMDDgsav"
	"a_I42eRznOIRQdKz15M7kAhsglZsIa1jzJhItyZ-9PKM_kbAWYiYAc5_T_1qJlN6SjF1mseLFx-Y1YHQRkfqwc1Y"
	"VHhBIzqzv9vb4WC2iufwS9pA9x-jXVEq_aqjqrmGberyN6oyUEaSy9C-AG7uTbF4T47spSlXvjllcw";

static EVP_PKEY *rsa;

static void setup(void)
{
	rsa = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(rsa);
}

static void teardown(void)
{
	EVP_PKEY_free(rsa);
}

static json_t *kat_jwk(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "kty", "RSA", "kid", "kat-1", "use", "sig",
			 "n", kat_n, "e", "AQAB");
}

/* host_idp_token_check of `token` with `key`/`alg`, audience "openchoreo-api". */
static int idp_check(const char *token, EVP_PKEY *key, enum sh_jws_alg alg, long long now)
{
	static const char *const aud[] = { "other", "openchoreo-api" };
	struct sh_jws j;
	char why[128];
	int rc = sh_jws_parse(token, &j, why, sizeof why);

	if (rc != 0)
		return rc;
	rc = host_idp_token_check(&j, key, alg, ISS, aud, 2, now, 60, why, sizeof why);
	sh_jws_clear(&j);
	return rc;
}

START_TEST(test_rs256_known_answer)
{
	json_t *jwk = kat_jwk();
	EVP_PKEY *key = sh_jwk_to_key(jwk, host_jwk_alg(jwk));
	char *bad = strdup(kat_token);

	ck_assert_int_eq(host_jwk_alg(jwk), SH_JWS_RS256);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(idp_check(kat_token, key, SH_JWS_RS256, NOW + 10), 0);
	/* The same token, pinned to ES256 or checked with another RSA key. */
	ck_assert_int_eq(idp_check(kat_token, key, SH_JWS_ES256, NOW + 10), SH_EINVAL);
	ck_assert_int_eq(idp_check(kat_token, rsa, SH_JWS_RS256, NOW + 10), SH_EINVAL);
	/* One bit of the signature flipped. */
	bad[strlen(bad) - 5] = bad[strlen(bad) - 5] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(idp_check(bad, key, SH_JWS_RS256, NOW + 10), SH_EINVAL);
	/* Expired for good once past exp plus the skew. */
	ck_assert_int_eq(idp_check(kat_token, key, SH_JWS_RS256, NOW + 3600 + 59), 0);
	ck_assert_int_eq(idp_check(kat_token, key, SH_JWS_RS256, NOW + 3600 + 60), SH_EINVAL);
	/* iat in the future beyond the skew. */
	ck_assert_int_eq(idp_check(kat_token, key, SH_JWS_RS256, NOW - 61), SH_EINVAL);
	free(bad);
	EVP_PKEY_free(key);
	json_decref(jwk);
}
END_TEST

START_TEST(test_jwk_alg)
{
	json_t *j = kat_jwk();

	ck_assert_int_eq(host_jwk_alg(j), SH_JWS_RS256);
	json_object_set_new(j, "alg", json_string("ES256"));
	ck_assert_int_eq(host_jwk_alg(j), SH_JWS_ES256);
	/* An RSA key claiming ES256 yields no key at all. */
	ck_assert_ptr_null(sh_jwk_to_key(j, host_jwk_alg(j)));
	json_object_set_new(j, "alg", json_string("HS256"));
	ck_assert_int_eq(host_jwk_alg(j), 0);
	json_object_set_new(j, "alg", json_string("none"));
	ck_assert_int_eq(host_jwk_alg(j), 0);
	json_object_set_new(j, "alg", json_integer(1));
	ck_assert_int_eq(host_jwk_alg(j), 0);
	json_object_del(j, "alg");
	json_object_set_new(j, "kty", json_string("oct"));
	ck_assert_int_eq(host_jwk_alg(j), 0);
	json_object_set_new(j, "kty", json_string("EC"));
	ck_assert_int_eq(host_jwk_alg(j), SH_JWS_ES256);
	json_decref(j);
}
END_TEST

/* base64url of len bytes, malloc'd. */
static char *b64u(const void *buf, size_t len)
{
	char *out = malloc(SH_BASE64_ENCODED_SIZE(len));

	sh_base64_encode(out, buf, len, SH_B64_URL);
	return out;
}

/* An RS256 token over header and payload (both compact JSON), signed by k. */
static char *rs256(EVP_PKEY *k, const char *header, json_t *payload)
{
	char *ps = json_dumps(payload, JSON_COMPACT);
	char *bh = b64u(header, strlen(header));
	char *bp = b64u(ps, strlen(ps));
	size_t n = strlen(bh) + strlen(bp) + 2 + 400, siglen = 512;
	char *t = malloc(n), *s;
	unsigned char sig[512];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	snprintf(t, n, "%s.%s", bh, bp);
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)t, strlen(t)), 1);
	s = b64u(sig, siglen);
	snprintf(t + strlen(t), n - strlen(t), ".%s", s);
	EVP_MD_CTX_free(ctx);
	free(s);
	free(bh);
	free(bp);
	free(ps);
	json_decref(payload);
	return t;
}

static json_t *svc(void)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "iss", ISS, "sub", "stagehand-service",
			 "aud", "openchoreo-api", "iat", (json_int_t)NOW - 5, "nbf",
			 (json_int_t)NOW - 5, "exp", (json_int_t)NOW + 300);
}

static json_t *svc_with(const char *name, json_t *value)
{
	json_t *p = svc();

	if (value)
		json_object_set_new(p, name, value);
	else
		json_object_del(p, name);
	return p;
}

static int claims(json_t *payload)
{
	char *t = rs256(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", payload);
	int rc = idp_check(t, rsa, SH_JWS_RS256, NOW);

	free(t);
	return rc;
}

START_TEST(test_idp_claims)
{
	ck_assert_int_eq(claims(svc()), 0);
	ck_assert_int_eq(claims(svc_with("aud", json_pack("[ss]", "x", "openchoreo-api"))), 0);
	ck_assert_int_eq(claims(svc_with("nbf", NULL)), 0);
	ck_assert_int_eq(claims(svc_with("iat", NULL)), 0);
	ck_assert_int_eq(claims(svc_with("nbf", json_integer(NOW + 60))), 0);
	ck_assert_int_eq(claims(svc_with("nbf", json_integer(NOW + 61))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("iat", json_integer(NOW + 61))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("nbf", json_string("soon"))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("exp", json_integer(NOW - 60))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("exp", json_integer(NOW - 59))), 0);
	ck_assert_int_eq(claims(svc_with("exp", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("exp", json_real(NOW + 300.0))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("aud", json_string("openchoreo"))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("aud", json_pack("[s]", "backstage"))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("aud", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("iss", json_string(ISS "/"))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("iss", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("sub", NULL)), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("sub", json_string(""))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("sub", json_string("a\nb"))), SH_EINVAL);
	ck_assert_int_eq(claims(svc_with("sub", json_integer(7))), SH_EINVAL);
}
END_TEST

START_TEST(test_idp_no_issuer_no_audience)
{
	char *t = rs256(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\"}",
			svc_with("aud", json_string("anything")));
	struct sh_jws j;
	char why[128];

	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
	ck_assert_int_eq(host_idp_token_check(&j, rsa, SH_JWS_RS256, NULL, NULL, 0, NOW, 60,
					      why, sizeof why), 0);
	ck_assert_int_eq(host_idp_token_check(&j, rsa, SH_JWS_RS256, "https://other", NULL, 0,
					      NOW, 60, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "wrong issuer");
	sh_jws_clear(&j);
	free(t);
}
END_TEST

/* "h.p.<mac>" with HS256 keyed by `secret`. */
static char *hs256(const char *header, const char *payload, const void *secret, int slen)
{
	char *bh = b64u(header, strlen(header));
	char *bp = b64u(payload, strlen(payload));
	size_t n = strlen(bh) + strlen(bp) + 64;
	char *t = malloc(n), *s;
	unsigned char mac[32];
	unsigned int maclen = sizeof mac;

	snprintf(t, n, "%s.%s", bh, bp);
	HMAC(EVP_sha256(), secret, slen, (unsigned char *)t, strlen(t), mac, &maclen);
	s = b64u(mac, maclen);
	snprintf(t + strlen(t), n - strlen(t), ".%s", s);
	free(s);
	free(bh);
	free(bp);
	return t;
}

START_TEST(test_idp_alg_confusion)
{
	BIO *bio = BIO_new(BIO_s_mem());
	json_t *claims = svc();
	char *pem, *t, *p = json_dumps(claims, JSON_COMPACT);
	long pemlen;
	EVP_PKEY *ec = sh_es256_generate();

	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, rsa), 1);
	pemlen = BIO_get_mem_data(bio, &pem);
	t = hs256("{\"alg\":\"HS256\",\"kid\":\"r1\"}", p, pem, (int)pemlen);
	ck_assert_int_eq(idp_check(t, rsa, SH_JWS_RS256, NOW), SH_EINVAL);
	free(t);
	t = hs256("{\"alg\":\"none\",\"kid\":\"r1\"}", p, "", 0);
	ck_assert_int_eq(idp_check(t, rsa, SH_JWS_RS256, NOW), SH_EINVAL);
	t[strrchr(t, '.') - t + 1] = '\0';    /* and with an empty signature */
	ck_assert_int_eq(idp_check(t, rsa, SH_JWS_RS256, NOW), SH_EINVAL);
	free(t);
	/* A genuine RS256 token offered to an EC key, and the reverse. */
	t = rs256(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", svc());
	ck_assert_int_eq(idp_check(t, ec, SH_JWS_ES256, NOW), SH_EINVAL);
	ck_assert_int_eq(idp_check(t, ec, SH_JWS_RS256, NOW), SH_EINVAL);
	free(t);
	{
		json_t *h = json_pack("{s:s, s:s}", "alg", "ES256", "kid", "e1"), *pl = svc();
		char *es = sh_jws_sign_es256(ec, h, pl);

		ck_assert_int_eq(idp_check(es, ec, SH_JWS_ES256, NOW), 0);
		ck_assert_int_eq(idp_check(es, rsa, SH_JWS_RS256, NOW), SH_EINVAL);
		free(es);
		json_decref(h);
		json_decref(pl);
	}
	EVP_PKEY_free(ec);
	BIO_free(bio);
	free(p);
	json_decref(claims);
}
END_TEST

static int limited(EVP_PKEY *k, const char *typ, json_t *payload)
{
	json_t *h = json_pack("{s:s, s:s, s:s}", "typ", typ, "alg", "ES256", "kid", "k1");
	char *t = sh_jws_sign_es256(k, h, payload), why[128];
	struct sh_jws j;
	int rc;

	ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
	rc = host_limited_token_check(&j, k, NOW, why, sizeof why);
	sh_jws_clear(&j);
	free(t);
	json_decref(h);
	json_decref(payload);
	return rc;
}

START_TEST(test_limited_token)
{
	EVP_PKEY *ec = sh_es256_generate(), *other = sh_es256_generate();
	const char *lt = "vnd.backstage.limited-user";
	json_int_t now = (json_int_t)NOW;

	ck_assert_int_eq(limited(ec, lt, json_pack("{s:s, s:I, s:I}", "sub", "user:default/jane",
						   "iat", now - 5, "exp", now + 60)), 0);
	ck_assert_int_eq(limited(ec, "vnd.backstage.user",
				 json_pack("{s:s, s:I, s:I}", "sub", "user:default/jane",
					   "iat", now - 5, "exp", now + 60)), SH_EINVAL);
	ck_assert_int_eq(limited(ec, lt, json_pack("{s:s, s:I, s:I}", "sub", "user:default/jane",
						   "iat", now - 5, "exp", now)), SH_EINVAL);
	ck_assert_int_eq(limited(ec, lt, json_pack("{s:s, s:I, s:I}", "sub", "group:default/g",
						   "iat", now - 5, "exp", now + 60)), SH_EINVAL);
	ck_assert_int_eq(limited(ec, lt, json_pack("{s:s, s:I}", "sub", "user:default/jane",
						   "exp", now + 60)), SH_EINVAL);
	ck_assert_int_eq(limited(ec, lt, json_pack("{s:s, s:I, s:I}", "sub", "user:default/jane",
						   "iat", now + 120, "exp", now + 600)), SH_EINVAL);
	{
		json_t *h = json_pack("{s:s, s:s, s:s}", "typ", lt, "alg", "ES256", "kid", "k1");
		json_t *p = json_pack("{s:s, s:I, s:I}", "sub", "user:default/jane", "iat", now,
				      "exp", now + 60);
		char *t = sh_jws_sign_es256(other, h, p), why[128];
		struct sh_jws j;

		ck_assert_int_eq(sh_jws_parse(t, &j, why, sizeof why), 0);
		ck_assert_int_eq(host_limited_token_check(&j, ec, NOW, why, sizeof why), SH_EINVAL);
		sh_jws_clear(&j);
		free(t);
		json_decref(h);
		json_decref(p);
	}
	EVP_PKEY_free(ec);
	EVP_PKEY_free(other);
}
END_TEST

/* ------------------------------------------------ sh_identity_verify_idp */

/* A JWKS on loopback: one fixed answer per connection, from a thread. */
static int jwks_fd = -1;
static char jwks_answer[8192];

static void *jwks_serve(void *arg)
{
	char buf[4096];
	int c;

	(void)arg;
	while ((c = accept(jwks_fd, NULL, NULL)) >= 0) {
		ssize_t n = read(c, buf, sizeof buf);

		if (n > 0 && write(c, jwks_answer, strlen(jwks_answer)) < 0)
			perror("jwks write");
		close(c);
	}
	return NULL;
}

/* Serves `jwks` (stolen) and returns the port. */
static int jwks_start(json_t *jwks)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	char *body = json_dumps(jwks, JSON_COMPACT);
	pthread_t t;

	snprintf(jwks_answer, sizeof jwks_answer,
		 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\n\r\n%s", strlen(body), body);
	free(body);
	json_decref(jwks);
	jwks_fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(jwks_fd, 0);
	ck_assert_int_eq(bind(jwks_fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(jwks_fd, 8), 0);
	ck_assert_int_eq(getsockname(jwks_fd, (struct sockaddr *)&a, &len), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, jwks_serve, NULL), 0);
	pthread_detach(t);
	return ntohs(a.sin_port);
}

static struct sh_conf *idp_conf(int port)
{
	char ini[512], err[256];
	struct sh_conf *c;

	if (port)
		snprintf(ini, sizeof ini, "[http]\ntimeout_ms = 2000\n[identity]\n"
			 "jwks_url = http://127.0.0.1:%d/jwks\nissuer = %s\naudience = portal\n",
			 port, ISS);
	else
		snprintf(ini, sizeof ini, "[http]\ntimeout_ms = 2000\n");
	c = host_conf_parse(ini, strlen(ini), "idp.ini", err, sizeof err);
	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

/* An ES256 token with kid, signed by k, claims from svc() with one changed. */
static char *es_token(EVP_PKEY *k, const char *kid, const char *name, json_t *value)
{
	json_t *h = json_pack("{s:s, s:s}", "alg", "ES256", "kid", kid);
	json_t *p = svc();
	char *t;

	json_object_set_new(p, "exp", json_integer((json_int_t)time(NULL) + 300));
	json_object_set_new(p, "iat", json_integer((json_int_t)time(NULL) - 5));
	json_object_set_new(p, "nbf", json_integer((json_int_t)time(NULL) - 5));
	json_object_set_new(p, "aud", json_string("portal"));
	if (name)
		json_object_set_new(p, name, value);
	t = sh_jws_sign_es256(k, h, p);
	json_decref(h);
	json_decref(p);
	return t;
}

static int verify(struct memreq *m, const char *token, char *why, size_t n)
{
	struct sh_identity id;
	int rc = sh_identity_verify_idp(&m->req, token, &id, why, n);

	if (rc == 0) {
		ck_assert_int_eq(id.kind, SH_PRINCIPAL_SERVICE);
		ck_assert_str_eq(id.subject, "stagehand-service");
		ck_assert_ptr_eq(id.token, token);
	}
	return rc;
}

static void expect_refused(struct memreq *m, char *token, const char *reason)
{
	char why[160] = "";

	ck_assert_int_eq(verify(m, token, why, sizeof why), SH_EINVAL);
	if (reason)
		ck_assert_str_eq(why, reason);
	free(token);
}

START_TEST(test_verify_idp)
{
	EVP_PKEY *ec = sh_es256_generate(), *other = sh_es256_generate();
	struct sh_conf *conf = idp_conf(jwks_start(json_pack("{s:[o]}", "keys",
							     sh_jwk_from_ec(ec, "idp-1"))));
	struct memreq m;
	char why[160] = "", *t;

	memreq_begin(&m, "/api/perch/api/v1alpha1/portal-assistant/chat");
	m.host.conf = conf;
	host_http_init(conf);
	t = es_token(ec, "idp-1", NULL, NULL);
	ck_assert_int_eq(verify(&m, t, why, sizeof why), 0);
	free(t);
	expect_refused(&m, es_token(ec, "idp-1", "exp", json_integer((json_int_t)time(NULL) - 120)),
		       "token expired");
	expect_refused(&m, es_token(ec, "idp-1", "iss", json_string("https://evil")), "wrong issuer");
	expect_refused(&m, es_token(ec, "idp-1", "aud", json_string("other")), "wrong audience");
	expect_refused(&m, es_token(ec, "idp-2", NULL, NULL), "unknown kid");
	/* The right kid, another key: the signature fails. */
	expect_refused(&m, es_token(other, "idp-1", NULL, NULL), NULL);
	expect_refused(&m, sh_xstrdup("not-a-jwt"), NULL);
	/* alg none under the IdP's kid: the JWK pins ES256. */
	expect_refused(&m, sh_xstrdup("eyJhbGciOiJub25lIiwia2lkIjoiaWRwLTEifQ."
				      "eyJzdWIiOiJ4In0."), NULL);
	ck_assert_int_eq(verify(&m, NULL, why, sizeof why), SH_EINVAL);
	memreq_end(&m);
	host_idp_reset();
	host_conf_free(conf);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(other);
}
END_TEST

/* No IdP configured: 1, nothing checked (the caller decides). */
START_TEST(test_verify_idp_none)
{
	struct memreq m;
	char why[160];

	memreq_begin(&m, "/api/perch/x");
	m.host.conf = idp_conf(0);
	ck_assert_int_eq(verify(&m, "a.b.c", why, sizeof why), 1);
	memreq_end(&m);
	host_conf_free(m.host.conf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = tcase_create("identity");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_rs256_known_answer);
	tcase_add_test(tc, test_jwk_alg);
	tcase_add_test(tc, test_idp_claims);
	tcase_add_test(tc, test_idp_no_issuer_no_audience);
	tcase_add_test(tc, test_idp_alg_confusion);
	tcase_add_test(tc, test_limited_token);
	tcase_add_test(tc, test_verify_idp);
	tcase_add_test(tc, test_verify_idp_none);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
