/*
 * The OpenChoreo API client: request paths encoded as the upstream client
 * encodes them, one GET with the service token, and the list loop that
 * follows nextCursor under a page cap.  Requests only ever go to base_url's
 * origin: paths are built here and redirects are never followed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "memo.h"
#include "openchoreo.h"

#define OC_PATH_MAX 4096      /* longest request path or query we build */
#define OC_URL_MAX 8192

/* encodeURIComponent's unreserved set: A-Z a-z 0-9 - _ . ! ~ * ' ( ) */
static bool uri_component_keeps(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("-_.!~*'()", c) != NULL;
}

static int add_component(struct sh_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc = uri_component_keeps(*p)
				 ? sh_buf_addc(b, (char)*p)
				 : sh_buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

char *oc_encode(const char *s)
{
	struct sh_buf b;

	sh_buf_init(&b, OC_PATH_MAX);
	if (add_component(&b, s) != 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return b.data ? sh_buf_take(&b, NULL) : sh_xstrdup("");
}

char *oc_api_base(const char *url)
{
	static const char suffix[] = "/api/v1";
	size_t len = strlen(url), n = sizeof suffix - 1;

	if (len > 0 && url[len - 1] == '/')
		len--;
	if (len >= n && strncmp(url + len - n, suffix, n) == 0)
		len -= n;
	if (len > 0 && url[len - 1] == '/')
		len--;
	return sh_xstrndup(url, len);
}

char *oc_path(const char *const *segments)
{
	struct sh_buf b;
	int rc;

	sh_buf_init(&b, OC_PATH_MAX);
	rc = sh_buf_addstr(&b, "/api/v1");
	for (size_t i = 0; rc == 0 && segments[i]; i++) {
		rc = sh_buf_addc(&b, '/');
		if (rc == 0)
			rc = add_component(&b, segments[i]);
	}
	if (rc != 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_take(&b, NULL);
}

/* "<status> <code or error>: <message or error>" from the API's error body
 * ({"code","error"} from handlers, {"error","message"} from the JWT layer). */
static void describe_status(const struct sh_http_response *resp, char *out, size_t outlen)
{
	json_t *e = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *error = json_string_value(json_object_get(e, "error"));
	const char *message = json_string_value(json_object_get(e, "message"));

	if (message && error)
		snprintf(out, outlen, "%ld %s: %s", resp->status, error, message);
	else if (code && error)
		snprintf(out, outlen, "%ld %s: %s", resp->status, code, error);
	else if (error || message)
		snprintf(out, outlen, "%ld %s", resp->status, error ? error : message);
	else
		snprintf(out, outlen, "%ld", resp->status);
	json_decref(e);
}

/* Sorts out a response that arrived: the object, OC_NOTFOUND or an error. */
static int take_answer(const struct sh_http_response *resp, json_t **body, char *why,
		       size_t whylen)
{
	json_error_t jerr;
	json_t *j;

	if (resp->status < 200 || resp->status > 299) {
		describe_status(resp, why, whylen);
		return resp->status == 404 ? OC_NOTFOUND : SH_EUNAVAIL;
	}
	j = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, &jerr);
	if (!j) {
		snprintf(why, whylen, "%ld with malformed JSON: %s", resp->status, jerr.text);
		return SH_EINVAL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(why, whylen, "%ld with a body that is not an object", resp->status);
		return SH_EINVAL;
	}
	*body = j;
	return 0;
}

/* GET url with the service token as st says, into *resp. */
static int fetch(const struct oc_state *st, const char *url, struct sh_http_response *resp)
{
	struct sh_http_request rq = {
		.url = url,
		.timeout_ms = st->http_timeout_ms,
		.service_token = st->send_token ? st->host : NULL,
		.service_client = st->send_token ? st->client : NULL,
	};

	return sh_http_do(&rq, resp);
}

int oc_get(const struct oc_state *st, const char *path, const char *query, json_t **body,
	   char *err, size_t errlen)
{
	char url[OC_URL_MAX], why[256];
	struct sh_http_response resp = { 0 };
	int rc, n;

	*body = NULL;
	n = snprintf(url, sizeof url, "%s%s%s%s", st->base, path, query ? "?" : "",
		     query ? query : "");
	if (n < 0 || (size_t)n >= sizeof url) {
		snprintf(err, errlen, "GET %s: request URL too long", path);
		return SH_ETOOBIG;
	}
	rc = fetch(st, url, &resp);
	if (rc == 0)
		rc = take_answer(&resp, body, why, sizeof why);
	else
		snprintf(why, sizeof why, "%s", resp.error[0] ? resp.error : sh_strerror(rc));
	if (rc != 0)
		snprintf(err, errlen, "GET %s%s%s: %s", path, query ? "?" : "", query ? query : "",
			 why);
	else if (st->tape)
		oc_tape_record(st->tape, url, resp.body, resp.body_len);
	sh_http_response_free(&resp);
	return rc;
}

int oc_get_digest(const struct oc_state *st, const char *url, char hex[OC_DIGEST_HEX],
		  char *err, size_t errlen)
{
	struct sh_http_response resp = { 0 };
	size_t base = strlen(st->base);
	int rc = fetch(st, url, &resp);

	if (rc != 0)
		snprintf(err, errlen, "GET %s: %s", strncmp(url, st->base, base) ? url : url + base,
			 resp.error[0] ? resp.error : sh_strerror(rc));
	else if (resp.status < 200 || resp.status > 299)
		rc = 1;
	else
		oc_digest_hex(resp.body ? resp.body : "", resp.body ? resp.body_len : 0, hex);
	sh_http_response_free(&resp);
	return rc;
}

/* The query of one page: "[extra&]limit=<n>[&cursor=<c>]" (paged) or
 * "[extra][&cursor=<c>]" (unpaged); NULL when it would be empty. */
static char *page_query(const struct oc_state *st, const char *extra, bool paged,
			const char *cursor)
{
	struct sh_buf b;
	int rc = 0;

	sh_buf_init(&b, OC_PATH_MAX);
	if (extra && *extra)
		rc = sh_buf_addstr(&b, extra);
	if (rc == 0 && paged)
		rc = sh_buf_printf(&b, "%slimit=%ld", b.len ? "&" : "", st->page_limit);
	if (rc == 0 && cursor) {
		rc = sh_buf_addstr(&b, b.len ? "&cursor=" : "cursor=");
		if (rc == 0)
			rc = add_component(&b, cursor);
	}
	if (rc != 0 || b.len == 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_take(&b, NULL);
}

/* Appends one page's items; its nextCursor (a copy, NULL at the end) in *next. */
static int take_page(json_t *page, json_t *items, char **next)
{
	json_t *list = json_object_get(page, "items");
	const char *cursor =
		json_string_value(json_object_get(json_object_get(page, "pagination"), "nextCursor"));

	if (!json_is_array(list))
		return SH_EINVAL;
	json_array_extend(items, list);
	*next = cursor && *cursor ? sh_xstrdup(cursor) : NULL;
	return 0;
}

/* One page of a list: its items appended, its nextCursor in *next. */
static int list_page(const struct oc_state *st, const char *path, const char *query,
		     json_t *items, char **next, char *err, size_t errlen)
{
	json_t *page = NULL;
	int rc = oc_get(st, path, query, &page, err, errlen);

	if (rc == OC_NOTFOUND)
		rc = SH_ENOTFOUND;
	if (rc == 0 && (rc = take_page(page, items, next)) != 0)
		snprintf(err, errlen, "GET %s%s%s: a page without an items array", path,
			 query ? "?" : "", query ? query : "");
	json_decref(page);
	return rc;
}

int oc_list(const struct oc_state *st, const char *path, const char *extra, bool paged,
	    json_t *items, char *err, size_t errlen)
{
	char *cursor = NULL;
	long pages = 0;
	int rc = 0;

	do {
		char *query, *next = NULL;

		if (++pages > st->max_pages) {
			snprintf(err, errlen, "GET %s: more than %ld pages (page cap)", path,
				 st->max_pages);
			rc = SH_ETOOBIG;
			break;
		}
		query = page_query(st, extra, paged, cursor);
		rc = list_page(st, path, query, items, &next, err, errlen);
		free(query);
		free(cursor);
		cursor = next;
	} while (rc == 0 && cursor);
	free(cursor);
	return rc;
}
