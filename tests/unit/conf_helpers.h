/*
 * Helpers of the configuration suites (check_conf.c, check_conf_files.c).
 */
#ifndef CONF_HELPERS_H
#define CONF_HELPERS_H

#include <stddef.h>

#include "host.h"

/* The last error of parse, valid, invalid and the calls a test makes. */
extern char err[1024];

/* host_conf_parse of text as "t.ini", its error in err. */
struct sh_conf *parse(const char *text);
/* Parses and validates the host sections; fails the test on any error. */
struct sh_conf *valid(const char *text);
/* Expects parsing or host validation to fail with exactly `want`. */
void invalid(const char *text, const char *want);
void write_file(const char *path, const char *text);
/* A fresh directory under /tmp; rm_tree removes it at the end of the test. */
void temp_dir(char *buf, size_t len);
void rm_tree(const char *dir);
/* The caller's environment (a CI job, a dev shell) must not leak into a test. */
void clear_env(void);
/* host_conf_dump's text (malloc'd). */
char *dump_text(const struct sh_conf *c);

#endif
