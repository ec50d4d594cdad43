/*
 * Logging: one logfmt line per event on stderr (journald), with the time,
 * level, pool, plugin and request id added by the host.  Never log secrets,
 * tokens or Authorization headers.
 */
#ifndef STAGEHAND_LOG_H
#define STAGEHAND_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum sh_log_level {
	SH_LOG_DEBUG = 0,
	SH_LOG_INFO,
	SH_LOG_NOTICE,
	SH_LOG_WARN,
	SH_LOG_ERROR
};

/* Logs msg="<formatted>" if level is at or above the configured level. */
void sh_log(enum sh_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif
#endif
