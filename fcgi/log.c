/*
 * Logging: one logfmt line per event on stderr, written with a single
 * write(2) so lines from concurrent threads never interleave.  The host adds
 * time, level, pool and the thread's plugin and request id.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

#define LOG_LINE_MAX 4096

static enum sh_log_level min_level = SH_LOG_INFO;
static char pool_name[64] = "-";
static _Thread_local const char *ctx_plugin;
static _Thread_local const char *ctx_req;

static const char *const level_names[] = { "debug", "info", "notice", "warn", "error" };

void host_log_init(const char *pool, enum sh_log_level level)
{
	snprintf(pool_name, sizeof pool_name, "%s", pool ? pool : "-");
	min_level = level;
}

int host_log_level_parse(const char *s, enum sh_log_level *out)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
		if (s && strcasecmp(s, level_names[i]) == 0) {
			*out = (enum sh_log_level)i;
			return 0;
		}
	}
	return SH_EINVAL;
}

void host_log_context(const char *plugin, const char *request_id)
{
	ctx_plugin = plugin;
	ctx_req = request_id;
}

/* Appends s quoted for logfmt: backslash, quote and control bytes escaped. */
static size_t put_quoted(char *buf, size_t pos, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (pos < cap)
		buf[pos++] = '"';
	for (; *s && pos + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[pos++] = '\\';
			buf[pos++] = (char)c;
		} else if (c == '\n') {
			buf[pos++] = '\\';
			buf[pos++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			buf[pos++] = '\\';
			buf[pos++] = 'x';
			buf[pos++] = hex[c >> 4];
			buf[pos++] = hex[c & 15];
		} else {
			buf[pos++] = (char)c;
		}
	}
	if (pos < cap)
		buf[pos++] = '"';
	return pos;
}

static void emit(enum sh_log_level level, const char *kv, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX / 2], line[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t pos;
	int n;

	if ((unsigned)level > SH_LOG_ERROR)
		level = SH_LOG_ERROR;
	if (level < min_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof line,
		     "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s pool=%s",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
		     level_names[level], pool_name);
	pos = (size_t)n;
	if (ctx_plugin)
		pos += (size_t)snprintf(line + pos, sizeof line - pos, " plugin=%s", ctx_plugin);
	if (ctx_req && pos < sizeof line)
		pos += (size_t)snprintf(line + pos, sizeof line - pos, " req=%s", ctx_req);
	if (pos + 5 < sizeof line) {
		memcpy(line + pos, " msg=", 5);
		pos = put_quoted(line, pos + 5, sizeof line - 2, msg);
	}
	if (kv && *kv && pos < sizeof line - 2)
		pos += (size_t)snprintf(line + pos, sizeof line - 2 - pos, " %s", kv);
	if (pos > sizeof line - 2)
		pos = sizeof line - 2;
	line[pos++] = '\n';
	/* One write per line: concurrent lines stay whole on a pipe or journald. */
	if (write(STDERR_FILENO, line, pos) < 0)
		return;
}

void sh_log(enum sh_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, NULL, fmt, ap);
	va_end(ap);
}

void host_log_kv(enum sh_log_level level, const char *kv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, kv, fmt, ap);
	va_end(ap);
}
