/*
 * Private storage of the configuration, shared by conf.c (parsing, files,
 * getters) and conf_schema.c (key tables, environment, validation, dump).
 * One direction only: conf_schema.c builds on the calls below; conf.c
 * calls nothing of conf_schema.c.
 * Sections and entries are arrays of pointers so a pointer handed out stays
 * valid while more are added during start-up.
 */
#ifndef STAGEHAND_CONF_INT_H
#define STAGEHAND_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <stagehand/conf.h>

#define CONF_MAX_FILE (1024 * 1024)   /* bytes of one ini file */
#define CONF_MAX_LINE 8192            /* bytes of one line */
#define CONF_MAX_NAME 128             /* bytes of a section or key name */

/* One occurrence of a key: its text and where it came from. */
struct conf_val {
	char *text;
	const char *origin;     /* file name, or environment variable when env */
	int line;               /* 0 for env and defaults */
	bool env;
};

struct conf_entry {
	char *key;
	struct conf_val *vals;  /* in order; the last one is the effective value */
	size_t n;
	const char **items;     /* sh_conf_multi's answer (words or occurrences) */
	size_t n_items;
	char *words;            /* backing store of items once split */
	bool is_default;        /* added by validation from a table default */
	bool declared;          /* [features]: a plugin's flag (host_conf_add_flag) */
};

struct conf_section {
	char *name;
	const char *origin;     /* where the header first appeared, or NULL */
	int line;
	struct conf_entry **entries;
	size_t n;
	const struct sh_conf_key *keys;  /* table that claimed it, or NULL */
	bool claimed;
	bool validated;
};

struct sh_conf {
	struct conf_section **secs;
	size_t n;
	char **origins;         /* interned file and variable names */
	size_t n_origins;
	const char **pools;     /* NAME of every [pool.NAME], in file order */
	size_t n_pools;
	const char *main_file;  /* the first file read, for line-less errors */
};

/* Formats into err if there is room; tolerates err == NULL. */
void conf_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *conf_origin(struct sh_conf *c, const char *name);

struct conf_section *conf_section_find(const struct sh_conf *c, const char *name);
/* Finds or appends a section; origin may be NULL (created by env or a table). */
struct conf_section *conf_section_get(struct sh_conf *c, const char *name,
				      const char *origin, int line);
struct conf_entry *conf_entry_find(const struct conf_section *s, const char *key);
struct conf_entry *conf_entry_get(struct conf_section *s, const char *key);
/* Appends an occurrence (a repeated key). */
void conf_entry_add(struct conf_entry *e, const char *text, size_t len,
		    const char *origin, int line, bool env);
/* Replaces every occurrence with one value (env overrides, secrets, defaults). */
void conf_entry_set(struct conf_entry *e, const char *text, const char *origin,
		    int line, bool env);
const struct conf_val *conf_entry_last(const struct conf_entry *e);
/* Sets sh_conf_multi's items: the effective value or every occurrence (all),
 * each split into words when split. */
void conf_entry_items(struct conf_entry *e, bool all, bool split);

/* Parses `path`, then every *.ini of conf.d/ beside it in name order, into
 * c (no environment, no validation: host_conf_load in conf_schema.c). */
int conf_read_files(struct sh_conf *c, const char *path, char *err, size_t errlen);
/* Reads a regular file of at most cap bytes; NUL-terminates; reason in why. */
int conf_read_file(const char *path, size_t cap, char **buf, size_t *len,
		   char *why, size_t whylen);
int conf_parse_bool(const char *s, bool *out);
/* 0, SH_EINVAL (not an integer) or SH_ETOOBIG (does not fit a long). */
int conf_parse_long(const char *s, long *out);

#endif
