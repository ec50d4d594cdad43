# The auth plugin: signing keys, Backstage identity tokens and providers.
# Token verification lives in the host (fcgi/identity_keys.c, fcgi/jws.c);
# the plugin signs through the host's exported host_jws_* functions.
plugin_LTLIBRARIES += plugins/auth/auth.la
plugins_auth_auth_la_SOURCES = \
	plugins/auth/auth.h plugins/auth/plugin.c plugins/auth/keys.c plugins/auth/guest.c \
	plugins/auth/oauth.h plugins/auth/oauth.c plugins/auth/state.c plugins/auth/cookies.c \
	plugins/auth/oidc.c plugins/auth/resolvers.c plugins/auth/providers.c
plugins_auth_auth_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_auth_auth_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_auth_auth_la_LIBADD = $(PLUGIN_LIBS)
nobase_dist_pkgdata_DATA += sql/auth/001_init.sql

if HAVE_CHECK
AUTH_UNITS = tests/unit/check_auth_state tests/unit/check_auth_cookies
check_PROGRAMS += $(AUTH_UNITS)
TESTS += $(AUTH_UNITS)
tests_unit_check_auth_state_SOURCES = tests/unit/check_auth_state.c plugins/auth/state.c
tests_unit_check_auth_state_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_auth_state_LDADD = $(DEP_LIBS) $(CHECK_LIBS)
tests_unit_check_auth_cookies_SOURCES = tests/unit/check_auth_cookies.c \
	plugins/auth/cookies.c plugins/auth/state.c
tests_unit_check_auth_cookies_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_auth_cookies_LDADD = $(DEP_LIBS) $(CHECK_LIBS)
endif
