# The github-actions plugin (issue 16 item 3): GitHub's REST subset of the
# GitHub Actions frontend plugin, forwarded with the caller's token.  Its
# pure parts (path checks, headers, error bodies, the log hosts) are a
# convenience library the unit tests use without a host.
noinst_LTLIBRARIES += plugins/github-actions/libgha_domain.la
plugins_github_actions_libgha_domain_la_SOURCES = \
	plugins/github-actions/paths.c plugins/github-actions/paths.h \
	plugins/github-actions/headers.c plugins/github-actions/headers.h \
	plugins/github-actions/errors.c plugins/github-actions/errors.h \
	plugins/github-actions/loghost.c plugins/github-actions/loghost.h
plugins_github_actions_libgha_domain_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_github_actions_libgha_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS)
plugins_github_actions_libgha_domain_la_LIBADD = $(JANSSON_LIBS)

plugin_LTLIBRARIES += plugins/github-actions/github-actions.la
plugins_github_actions_github_actions_la_SOURCES = plugins/github-actions/ghactions.h \
	plugins/github-actions/plugin.c plugins/github-actions/call.c \
	plugins/github-actions/repos.c plugins/github-actions/routes_api.c \
	plugins/github-actions/routes_logs.c
plugins_github_actions_github_actions_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_github_actions_github_actions_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_github_actions_github_actions_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_github_actions_github_actions_la_LIBADD = plugins/github-actions/libgha_domain.la \
	$(PLUGIN_LIBS)

if HAVE_CHECK
GHA_UNITS = tests/unit/check_github_actions_paths tests/unit/check_github_actions_headers \
	tests/unit/check_github_actions_errors tests/unit/check_github_actions_loghost
check_PROGRAMS += $(GHA_UNITS)
TESTS += $(GHA_UNITS)
tests_unit_check_github_actions_paths_SOURCES = tests/unit/check_github_actions_paths.c
tests_unit_check_github_actions_paths_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_github_actions_paths_LDADD = plugins/github-actions/libgha_domain.la $(UNIT_LIBS)
tests_unit_check_github_actions_headers_SOURCES = tests/unit/check_github_actions_headers.c
tests_unit_check_github_actions_headers_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_github_actions_headers_LDADD = plugins/github-actions/libgha_domain.la $(UNIT_LIBS)
tests_unit_check_github_actions_errors_SOURCES = tests/unit/check_github_actions_errors.c
tests_unit_check_github_actions_errors_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_github_actions_errors_LDADD = plugins/github-actions/libgha_domain.la $(UNIT_LIBS)
tests_unit_check_github_actions_loghost_SOURCES = tests/unit/check_github_actions_loghost.c
tests_unit_check_github_actions_loghost_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_github_actions_loghost_LDADD = plugins/github-actions/libgha_domain.la $(UNIT_LIBS)
endif
