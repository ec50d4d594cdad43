/*
 * Service tokens (fcgi/svctoken.c) against the stand-in's token endpoint
 * (standin.h; [identity] token_url is its /token): a plugin's own client
 * sends spec §1.5's form (URLSearchParams encoding, the scope list joined by
 * one space), each (token_url, client_id, scope) has its own token beside
 * [identity]'s, a token is reused until 60 s before its JWT exp (else
 * expires_in) and then fetched again, failures are not kept, concurrent
 * callers share one request, and a client missing a field is refused.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "standin.h"

#define THREADS 8

static struct sh_service_client oc_client(const char *path, const char *scope)
{
	struct sh_service_client cl = { .token_url = standin_url(path), .client_id = "oc client",
					.client_secret = "s3cr*t~&", .scope = scope };

	return cl;
}

/* A token endpoint at path answering `reply` (JSON text) to any POST. */
static void token_route(const char *path, const char *reply)
{
	standin_route(json_pack("{s:s,s:s,s:s}", "method", "POST", "path", path, "body_text", reply));
}

/* The body of the n-th recorded request to path (malloc'd), or NULL. */
static char *sent_body(const char *path, int n)
{
	char url[256];
	struct sh_http_request rq = { .url = url };
	struct sh_http_response resp;
	json_t *all, *r;
	char *body = NULL;
	size_t i;

	snprintf(url, sizeof url, "%s/__standin/requests", standin_base());
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	json_array_foreach(all, i, r)
		if (strcmp(json_string_value(json_object_get(r, "path")), path) == 0 && n-- == 0) {
			body = strdup(json_string_value(json_object_get(r, "body")));
			break;
		}
	json_decref(all);
	return body;
}

/* sh_service_token_for's token, which must succeed; the caller frees it. */
static char *token_of(const struct sh_service_client *cl)
{
	char *token = NULL;

	ck_assert_int_eq(sh_service_token_for(&standin_host, cl, &token), 0);
	ck_assert_ptr_nonnull(token);
	return token;
}

static void expect_token(const struct sh_service_client *cl, const char *want)
{
	char *token = token_of(cl);

	ck_assert_str_eq(token, want);
	free(token);
}

START_TEST(test_form)
{
	struct sh_service_client cl = oc_client("/oc-token", "  read \t write  ");
	char *body;

	token_route("/oc-token", "{\"access_token\":\"oc-1\",\"expires_in\":3600}");
	expect_token(&cl, "oc-1");
	body = sent_body("/oc-token", 0);
	ck_assert_str_eq(body, "grant_type=client_credentials&client_id=oc+client"
			 "&client_secret=s3cr*t%7E%26&scope=read+write");
	free(body);
	ck_assert_str_eq(standin_sent("/oc-token", 0, "content-type"),
			 "application/x-www-form-urlencoded");
	/* No scope (or only blanks): no scope parameter. */
	cl = oc_client("/oc-token", " ");
	expect_token(&cl, "oc-1");
	body = sent_body("/oc-token", 1);
	ck_assert_str_eq(body, "grant_type=client_credentials&client_id=oc+client"
			 "&client_secret=s3cr*t%7E%26");
	free(body);
}
END_TEST

START_TEST(test_per_client)
{
	struct sh_service_client a = oc_client("/oc-token", "read"), b = oc_client("/oc-token", "write");
	struct sh_service_client a2 = oc_client("/oc-token", " read ");
	struct sh_service_client c = oc_client("/other-token", "read");
	char *token = NULL, *body;

	token_route("/oc-token", "{\"access_token\":\"oc-1\",\"expires_in\":3600}");
	token_route("/other-token", "{\"access_token\":\"other-1\",\"expires_in\":3600}");
	token_route("/token", "{\"access_token\":\"identity-1\",\"expires_in\":3600}");
	for (int i = 0; i < 3; i++) {
		expect_token(&a, "oc-1");
		expect_token(&a2, "oc-1");      /* the same scope list */
		expect_token(&b, "oc-1");
		expect_token(&c, "other-1");
		ck_assert_int_eq(sh_service_token(&standin_host, &token), 0);
		ck_assert_str_eq(token, "identity-1");
		free(token);
		/* NULL: [identity]'s client, the same entry. */
		expect_token(NULL, "identity-1");
	}
	ck_assert_int_eq(standin_count("/oc-token"), 2);     /* scope read, scope write */
	ck_assert_int_eq(standin_count("/other-token"), 1);
	ck_assert_int_eq(standin_count("/token"), 1);
	body = sent_body("/token", 0);
	ck_assert_str_eq(body, "grant_type=client_credentials&client_id=portal&client_secret=shh");
	free(body);
}
END_TEST

/* A JWT (unsigned: only its exp is read) whose exp is now + secs. */
static char *jwt_expiring_in(long secs)
{
	char payload[64], enc[128], *out;

	snprintf(payload, sizeof payload, "{\"sub\":\"svc\",\"exp\":%lld}",
		 (long long)time(NULL) + secs);
	sh_base64_encode(enc, payload, strlen(payload), SH_B64_URL);
	out = malloc(256);
	/* {"alg":"RS256","typ":"JWT"} */
	snprintf(out, 256, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.%s.c2ln", enc);
	return out;
}

static void jwt_route(const char *path, long exp_in, long expires_in)
{
	char reply[512], *jwt = jwt_expiring_in(exp_in);

	snprintf(reply, sizeof reply, "{\"access_token\":\"%s\",\"expires_in\":%ld}", jwt,
		 expires_in);
	token_route(path, reply);
	free(jwt);
}

START_TEST(test_expiry)
{
	struct sh_service_client jwt = oc_client("/jwt-token", NULL);
	struct sh_service_client plain = oc_client("/plain-token", NULL);
	struct sh_service_client near = oc_client("/near-token", NULL);

	/* exp an hour away wins over an expires_in inside the last minute. */
	jwt_route("/jwt-token", 3600, 1);
	free(token_of(&jwt));
	free(token_of(&jwt));
	ck_assert_int_eq(standin_count("/jwt-token"), 1);
	/* exp 62 s away: good for two seconds, then fetched again. */
	jwt_route("/near-token", 62, 3600);
	free(token_of(&near));
	free(token_of(&near));
	ck_assert_int_eq(standin_count("/near-token"), 1);
	/* Not a JWT: expires_in, minus the same minute. */
	token_route("/plain-token", "{\"access_token\":\"plain\",\"expires_in\":62}");
	expect_token(&plain, "plain");
	expect_token(&plain, "plain");
	ck_assert_int_eq(standin_count("/plain-token"), 1);
	usleep(3100 * 1000);
	free(token_of(&near));
	expect_token(&plain, "plain");
	ck_assert_int_eq(standin_count("/near-token"), 2);
	ck_assert_int_eq(standin_count("/plain-token"), 2);
}
END_TEST

START_TEST(test_failure_not_kept)
{
	struct sh_service_client cl = oc_client("/oc-token", NULL);
	char *token = NULL;

	standin_misbehave(json_pack("{s:s,s:s,s:i,s:i}", "mode", "status", "path", "/oc-token",
				    "status", 401, "times", 1));
	token_route("/oc-token", "{\"access_token\":\"oc-1\",\"expires_in\":3600}");
	ck_assert_int_eq(sh_service_token_for(&standin_host, &cl, &token), SH_EUNAVAIL);
	ck_assert_ptr_null(token);
	expect_token(&cl, "oc-1");
	token_route("/bad-token", "{\"token_type\":\"Bearer\"}");
	cl = oc_client("/bad-token", NULL);
	ck_assert_int_eq(sh_service_token_for(&standin_host, &cl, &token), SH_EUNAVAIL);
	ck_assert_int_eq(standin_count("/oc-token"), 2);
}
END_TEST

struct caller {
	const struct sh_service_client *cl;
	int rc;
	char *token;
};

static void *call(void *arg)
{
	struct caller *c = arg;

	c->rc = sh_service_token_for(&standin_host, c->cl, &c->token);
	return NULL;
}

START_TEST(test_concurrent_one_request)
{
	struct sh_service_client cl = oc_client("/oc-token", "read");
	struct caller callers[THREADS];
	pthread_t th[THREADS];

	token_route("/oc-token", "{\"access_token\":\"oc-1\",\"expires_in\":3600}");
	standin_misbehave(json_pack("{s:s,s:s,s:f}", "mode", "delay", "path", "/oc-token",
				    "seconds", 0.5));
	for (int i = 0; i < THREADS; i++) {
		callers[i] = (struct caller){ .cl = &cl };
		ck_assert_int_eq(pthread_create(&th[i], NULL, call, &callers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(callers[i].rc, 0);
		ck_assert_str_eq(callers[i].token, "oc-1");
		free(callers[i].token);
	}
	ck_assert_int_eq(standin_count("/oc-token"), 1);
}
END_TEST

START_TEST(test_fields_required)
{
	struct sh_service_client cl = oc_client("/oc-token", NULL);
	char *token = (char *)"left";

	cl.client_secret = NULL;
	ck_assert_int_eq(sh_service_token_for(&standin_host, &cl, &token), SH_EINVAL);
	ck_assert_ptr_null(token);
	cl = oc_client("/oc-token", NULL);
	cl.client_id = "";
	ck_assert_int_eq(sh_service_token_for(&standin_host, &cl, &token), SH_EINVAL);
	cl = oc_client("/oc-token", NULL);
	cl.token_url = NULL;
	ck_assert_int_eq(sh_service_token_for(&standin_host, &cl, &token), SH_EINVAL);
	ck_assert_int_eq(standin_count("/oc-token"), 0);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_form,
		test_per_client,
		test_expiry,
		test_failure_not_kept,
		test_concurrent_one_request,
		test_fields_required,
	};

	return standin_main("svctoken", tests, sizeof(tests) / sizeof(*tests));
}
