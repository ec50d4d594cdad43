/*
 * Configuration: one ini file plus conf.d/ drop-ins plus environment
 * overrides, validated against key tables before anything starts.  Plugins
 * describe their [<name>] section with a table of sh_conf_key and read the
 * effective values with the getters below.
 */
#ifndef STAGEHAND_CONF_H
#define STAGEHAND_CONF_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_conf;

enum sh_conf_type {
	SH_CONF_STR = 0,   /* any string */
	SH_CONF_INT,       /* decimal integer within [min, max] */
	SH_CONF_BOOL,      /* true/false/yes/no/on/off/1/0 */
	SH_CONF_LIST,      /* whitespace-separated words */
	SH_CONF_ENUM,      /* one of the words in `choices` */
	SH_CONF_PATH,      /* a filesystem path (not checked for existence) */
	SH_CONF_URL        /* http:// or https:// URL */
};

/* Flags of a key. */
#define SH_CONF_REQUIRED 0x1u  /* start-up fails if unset and no default */
#define SH_CONF_SECRET   0x2u  /* redacted in --check-config and logs; "<key>_file" reads it from a file */
#define SH_CONF_MULTI    0x4u  /* the key may repeat; values accumulate in order */

struct sh_conf_key {
	const char *name;          /* key name; NULL ends a table */
	enum sh_conf_type type;
	const char *def;           /* default as text, or NULL */
	long min, max;             /* SH_CONF_INT range (both 0: no range) */
	const char *choices;       /* SH_CONF_ENUM: space-separated allowed words */
	const char *env;           /* environment variable that overrides it, or NULL */
	unsigned flags;            /* SH_CONF_* flags */
	const char *help;          /* one line for --check-config and the docs */
};

/*
 * Getters.  `section` is e.g. "database", "pool.main", "catalog".  Values are
 * borrowed, valid until the process exits.  A getter on a key with a default
 * returns the default when unset.
 */
const char *sh_conf_str(const struct sh_conf *c, const char *section, const char *key);
long sh_conf_int(const struct sh_conf *c, const char *section, const char *key, long def);
bool sh_conf_bool(const struct sh_conf *c, const char *section, const char *key, bool def);
/* All values of a SH_CONF_MULTI or SH_CONF_LIST key, in order; returns the count. */
size_t sh_conf_multi(const struct sh_conf *c, const char *section, const char *key,
		     const char *const **values);
/*
 * The sections named <prefix><something>, e.g. prefix "jenkins." for a
 * plugin's named instances [jenkins.<name>], in the order first seen.
 * Fills at most max entries of names (borrowed) and returns how many such
 * sections there are, which may be more than max.
 */
size_t sh_conf_sections(const struct sh_conf *c, const char *prefix, const char **names,
			size_t max);
/* Whether [features] <flag> is on. */
bool sh_conf_feature(const struct sh_conf *c, const char *flag);

#ifdef __cplusplus
}
#endif
#endif
