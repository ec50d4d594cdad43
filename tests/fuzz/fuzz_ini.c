/* fuzz-sources: fcgi/conf.c fcgi/conf_schema.c fcgi/conf_dump.c fcgi/plugin_open.c fcgi/arena.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c fcgi/log.c */
/*
 * libFuzzer target for the ini reader and the validation behind it: any
 * input must parse or fail with a message, never crash or leak.  Build and
 * run from the top of the tree (about a minute):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I include -I fcgi \
 *     $(pkg-config --cflags jansson libpq) tests/fuzz/fuzz_ini.c fcgi/conf.c \
 *     fcgi/conf_schema.c fcgi/conf_dump.c fcgi/arena.c -o /tmp/fuzz_ini
 *   mkdir -p /tmp/ini-corpus
 *   /tmp/fuzz_ini -max_total_time=60 -max_len=4096 -artifact_prefix=/tmp/ \
 *     /tmp/ini-corpus tests/fuzz/corpus/ini
 *
 * New inputs go to the first folder, so the seeds in the tree stay as they are.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A plugin table with every type and flag, so plugin validation runs too. */
static const struct sh_conf_key fuzz_keys[] = {
	{ "url", SH_CONF_URL, "http://stub", 0, 0, NULL, NULL, 0, "" },
	{ "n", SH_CONF_INT, "5", 1, 10, NULL, NULL, 0, "" },
	{ "big", SH_CONF_INT, NULL, 0, 0, NULL, NULL, 0, "" },
	{ "on", SH_CONF_BOOL, "true", 0, 0, NULL, NULL, 0, "" },
	{ "words", SH_CONF_LIST, "a b", 0, 0, NULL, NULL, SH_CONF_MULTI, "" },
	{ "mode", SH_CONF_ENUM, "x", 0, 0, "x y", NULL, 0, "" },
	{ "dir", SH_CONF_PATH, NULL, 0, 0, NULL, NULL, SH_CONF_REQUIRED, "" },
	{ "token", SH_CONF_STR, NULL, 0, 0, NULL, NULL, SH_CONF_SECRET, "" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

static const struct sh_plugin_info fuzz_plugin = {
	sizeof(struct sh_plugin_info), SH_ABI_MAJOR, SH_ABI_MINOR, "fuzz", NULL, "1",
	fuzz_keys, NULL, NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct sh_conf *c;
	const char *const *v;
	char err[512];

	if (!sink)
		sink = fopen("/dev/null", "w");
	c = host_conf_parse((const char *)data, size, "fuzz.ini", err, sizeof(err));
	if (!c)
		return 0;
	sh_conf_multi(c, "pool.main", "plugins", &v);
	if (host_conf_validate_host(c, err, sizeof(err)) == 0 &&
	    host_conf_validate_plugin(c, &fuzz_plugin, err, sizeof(err)) == 0)
		host_conf_finish(c, err, sizeof(err));
	if (sink)
		host_conf_dump(c, sink);
	host_conf_free(c);
	return 0;
}
