/*
 * The pure checks of GET /static/docs: content type and traversal forms
 * (static_path.h).
 */
#define _GNU_SOURCE /* strcasestr */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/codec.h>

#include "static_path.h"

#define TEXT_PLAIN "text/plain; charset=utf-8"

static const char *const as_text[] = { "htm", "xml", "svg", "appcache", "manifest", "mathml",
				       "owl", "rdf", "rng", "vtt", "xht", "xsd", "xsl", NULL };

static const struct { const char *ext, *type; } mime[] = {
	{ "css", "text/css; charset=utf-8" },
	{ "js", "application/javascript; charset=utf-8" },
	{ "mjs", "application/javascript; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "map", "application/json; charset=utf-8" },
	{ "txt", TEXT_PLAIN }, { "md", "text/markdown; charset=utf-8" },
	{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
	{ "gif", "image/gif" }, { "webp", "image/webp" }, { "ico", "image/x-icon" },
	{ "avif", "image/avif" }, { "bmp", "image/bmp" },
	{ "woff", "font/woff" }, { "woff2", "font/woff2" }, { "ttf", "font/ttf" },
	{ "otf", "font/otf" }, { "eot", "application/vnd.ms-fontobject" },
	{ "pdf", "application/pdf" }, { "gz", "application/gzip" }, { "zip", "application/zip" },
	{ "wasm", "application/wasm" }, { "mp4", "video/mp4" }, { "webm", "video/webm" },
	{ "mp3", "audio/mpeg" }, { "csv", "text/csv; charset=utf-8" },
};

const char *td_static_type(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');

	if (!dot || dot == base)
		return TEXT_PLAIN;
	for (size_t i = 0; as_text[i]; i++)
		if (strcasestr(dot + 1, as_text[i]))
			return TEXT_PLAIN;
	for (size_t i = 0; i < sizeof(mime) / sizeof(mime[0]); i++)
		if (strcasecmp(dot + 1, mime[i].ext) == 0)
			return mime[i].type;
	return TEXT_PLAIN;
}

static bool segment_unsafe(const char *seg, size_t len)
{
	char *dec = sh_xmalloc(len + 1);
	ssize_t n = sh_pct_decode(dec, seg, len, false);
	bool bad = n < 0 || memchr(dec, '/', (size_t)n) || memchr(dec, '\\', (size_t)n) ||
		   (n == 1 && dec[0] == '.') || (n == 2 && dec[0] == '.' && dec[1] == '.');

	free(dec);
	return bad;
}

bool td_static_unsafe(const char *rest)
{
	const char *p = rest, *end;

	if (strchr(rest, '\\'))
		return true;
	for (;; p = end + 1) {
		end = p + strcspn(p, "/");
		if (segment_unsafe(p, (size_t)(end - p)))
			return true;
		if (!*end)
			return false;
	}
}
