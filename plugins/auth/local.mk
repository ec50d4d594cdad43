# The auth plugin: signing keys, Backstage identity tokens and providers.
# Token verification lives in the host (fcgi/identity_keys.c, fcgi/jws.c);
# the plugin signs through the host's exported host_jws_* functions.
plugin_LTLIBRARIES += plugins/auth/auth.la
plugins_auth_auth_la_SOURCES = \
	plugins/auth/auth.h plugins/auth/plugin.c plugins/auth/keys.c plugins/auth/guest.c
plugins_auth_auth_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_auth_auth_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_auth_auth_la_LIBADD = $(PLUGIN_LIBS)
nobase_dist_pkgdata_DATA += sql/auth/001_init.sql
