# The auth plugin: signing keys, Backstage identity tokens and sign-in
# providers, in the shape of every plugin: plugin.c (descriptor, keys, route
# table), routes_*.c (handlers), db_*.c (SQL), domain files.  Token
# verification lives in the host (fcgi/identity_keys.c).
plugin_LTLIBRARIES += plugins/auth/auth.la
plugins_auth_auth_la_SOURCES = \
	plugins/auth/auth.h plugins/auth/oauth.h plugins/auth/flow.h plugins/auth/routes.h \
	plugins/auth/plugin.c \
	plugins/auth/routes_keys.c plugins/auth/routes_guest.c \
	plugins/auth/routes_oauth_start.c plugins/auth/routes_oauth_frame.c \
	plugins/auth/routes_refresh.c plugins/auth/routes_logout.c \
	plugins/auth/db_keys.c plugins/auth/db_users.c \
	plugins/auth/keys.c plugins/auth/tokens.c \
	plugins/auth/state.c plugins/auth/form.c plugins/auth/origins.c plugins/auth/cookies.c \
	plugins/auth/authorize.c plugins/auth/providers.c plugins/auth/flow.c \
	plugins/auth/replies.c plugins/auth/session.c plugins/auth/resolvers.c \
	plugins/auth/oidc.c plugins/auth/oidc_verify.c plugins/auth/oidc_grants.c \
	plugins/auth/github.c plugins/auth/github_grants.c plugins/auth/ui.c
# The public headers only: the plugin builds against include/stagehand/.
plugins_auth_auth_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_auth_auth_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_auth_auth_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_auth_auth_la_LIBADD = $(PLUGIN_LIBS)
nobase_dist_pkgdata_DATA += sql/auth/001_init.sql

if HAVE_CHECK
AUTH_UNITS = tests/unit/check_auth_state tests/unit/check_auth_cookies \
	tests/unit/check_auth_form tests/unit/check_auth_origins \
	tests/unit/check_auth_authorize tests/unit/check_auth_providers \
	tests/unit/check_auth_github
check_PROGRAMS += $(AUTH_UNITS)
TESTS += $(AUTH_UNITS)
tests_unit_check_auth_state_SOURCES = tests/unit/check_auth_state.c \
	plugins/auth/state.c plugins/auth/form.c
tests_unit_check_auth_state_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_state_LDADD = $(UNIT_LIBS)
tests_unit_check_auth_cookies_SOURCES = tests/unit/check_auth_cookies.c plugins/auth/cookies.c
tests_unit_check_auth_cookies_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_cookies_LDADD = $(UNIT_LIBS)
tests_unit_check_auth_form_SOURCES = tests/unit/check_auth_form.c plugins/auth/form.c
tests_unit_check_auth_form_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_form_LDADD = $(UNIT_LIBS)
tests_unit_check_auth_origins_SOURCES = tests/unit/check_auth_origins.c plugins/auth/origins.c
tests_unit_check_auth_origins_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_origins_LDADD = $(UNIT_LIBS)
tests_unit_check_auth_authorize_SOURCES = tests/unit/check_auth_authorize.c \
	plugins/auth/authorize.c
tests_unit_check_auth_authorize_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_authorize_LDADD = $(UNIT_LIBS)
tests_unit_check_auth_providers_SOURCES = tests/unit/check_auth_providers.c \
	plugins/auth/providers.c plugins/auth/origins.c plugins/auth/github.c plugins/auth/form.c
tests_unit_check_auth_providers_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_providers_LDADD = $(UNIT_LIBS)
tests_unit_check_auth_github_SOURCES = tests/unit/check_auth_github.c plugins/auth/github.c \
	plugins/auth/form.c plugins/auth/origins.c plugins/auth/authorize.c
tests_unit_check_auth_github_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_auth_github_LDADD = $(UNIT_LIBS)
endif
