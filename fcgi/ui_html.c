/*
 * The portal's index.html as the pool renders it (DESIGN.md section 8): the
 * build's page with its backstage.io/config scripts taken out and one
 * holding the runtime config put before </head>.  Pure text in, text out,
 * so the unit tests reach every case without a file system.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "host.h"

#define CONFIG_TYPE "backstage.io/config"
#define SCRIPT_OPEN "<script type=\"" CONFIG_TYPE "\">"
#define SCRIPT_CLOSE "</script>"

/* Offset of the first case-insensitive `needle` in s[from, len), or len. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; n <= len && i <= len - n; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return i;
	return len;
}

/* Whether the opening tag s[0, len) is a script of the config's type. */
static bool is_config_tag(const char *s, size_t len)
{
	return find_ci(s, len, 0, CONFIG_TYPE) < len;
}

/* Copies html into out without its config scripts (an unterminated one stays). */
static void strip_config(struct sh_buf *out, const char *html, size_t len)
{
	size_t at = 0, p;

	while ((p = find_ci(html, len, at, "<script")) < len) {
		size_t gt = find_ci(html, len, p, ">"), close, end;

		if (gt == len)
			break;
		if (!is_config_tag(html + p, gt - p)) {
			sh_buf_add(out, html + at, gt + 1 - at);
			at = gt + 1;
			continue;
		}
		close = find_ci(html, len, gt, "</script");
		end = find_ci(html, len, close, ">");
		if (end == len)
			break;
		sh_buf_add(out, html + at, p - at);
		at = end + 1;
	}
	sh_buf_add(out, html + at, len - at);
}

/* The script element: [{"context":"stagehand","data":data}], '<' as \u003c. */
static char *config_script(const json_t *data)
{
	json_t *doc = json_pack("[{s:s, s:O}]", "context", "stagehand", "data", data);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	struct sh_buf b;

	json_decref(doc);
	if (!text)
		return NULL;
	sh_buf_init(&b, 6 * strlen(text) + sizeof SCRIPT_OPEN + sizeof SCRIPT_CLOSE);
	sh_buf_addstr(&b, SCRIPT_OPEN);
	for (const char *c = text; *c; c++)
		if (*c == '<')
			sh_buf_addstr(&b, "\\u003c");
		else
			sh_buf_addc(&b, *c);
	sh_buf_addstr(&b, SCRIPT_CLOSE);
	free(text);
	return sh_buf_take(&b, NULL);
}

/* Where the script goes: before </head>, else before <body, else first. */
static size_t insert_at(const char *s, size_t len)
{
	size_t p = find_ci(s, len, 0, "</head");

	if (p == len)
		p = find_ci(s, len, 0, "<body");
	return p == len ? 0 : p;
}

char *host_ui_html(const char *html, size_t len, const json_t *data, size_t *outlen)
{
	char *script = config_script(data);
	struct sh_buf page, out;
	size_t at;

	if (!script)
		return NULL;
	sh_buf_init(&page, len + 1);
	strip_config(&page, html, len);
	at = insert_at(sh_buf_str(&page), page.len);
	sh_buf_init(&out, page.len + strlen(script) + 1);
	sh_buf_add(&out, sh_buf_str(&page), at);
	sh_buf_addstr(&out, script);
	sh_buf_add(&out, sh_buf_str(&page) + at, page.len - at);
	sh_buf_free(&page);
	free(script);
	return sh_buf_take(&out, outlen);
}
