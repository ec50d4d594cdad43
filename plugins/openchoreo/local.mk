# The openchoreo plugin (issue 14): the catalog entity provider for the
# OpenChoreo API.  Its pure parts (the kinds table, the translators, the
# template generator) are a convenience library the unit tests use without
# a host.
noinst_LTLIBRARIES += plugins/openchoreo/libopenchoreo_domain.la
plugins_openchoreo_libopenchoreo_domain_la_SOURCES = plugins/openchoreo/openchoreo.h \
	plugins/openchoreo/kinds.c \
	plugins/openchoreo/events.h plugins/openchoreo/event.c \
	plugins/openchoreo/translate.h plugins/openchoreo/translate.c \
	plugins/openchoreo/translate_core.c plugins/openchoreo/translate_component.c \
	plugins/openchoreo/translate_platform.c plugins/openchoreo/translate_planes.c \
	plugins/openchoreo/translate_types.c \
	plugins/openchoreo/templates.h plugins/openchoreo/templates.c \
	plugins/openchoreo/templates_component.c plugins/openchoreo/templates_resource.c \
	plugins/openchoreo/templates_project.c plugins/openchoreo/templates_remote.c
plugins_openchoreo_libopenchoreo_domain_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_openchoreo_libopenchoreo_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS)
plugins_openchoreo_libopenchoreo_domain_la_LIBADD = $(JANSSON_LIBS)

# The plugin: keys and routes, the API client, the full sync and its
# status (occore); the events ingress and the delta path (ocevents).
plugin_LTLIBRARIES += plugins/openchoreo/openchoreo.la
plugins_openchoreo_openchoreo_la_SOURCES = plugins/openchoreo/openchoreo.h \
	plugins/openchoreo/plugin.c plugins/openchoreo/client.c \
	plugins/openchoreo/sync.h plugins/openchoreo/sync.c plugins/openchoreo/sync_walk.c \
	plugins/openchoreo/sync_projects.c plugins/openchoreo/sync_workloads.c \
	plugins/openchoreo/sync_budget.c plugins/openchoreo/parallel.c \
	plugins/openchoreo/memo.h plugins/openchoreo/memo.c plugins/openchoreo/sync_memo.c \
	plugins/openchoreo/db_provider.c \
	plugins/openchoreo/db_sync.c plugins/openchoreo/routes_status.c \
	plugins/openchoreo/events.h plugins/openchoreo/routes_events.c plugins/openchoreo/db_events.c \
	plugins/openchoreo/events.c plugins/openchoreo/apply.c \
	plugins/openchoreo/apply_component.c plugins/openchoreo/apply_workload.c \
	plugins/openchoreo/templates_fetch.c
plugins_openchoreo_openchoreo_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_openchoreo_openchoreo_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_openchoreo_openchoreo_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_openchoreo_openchoreo_la_LIBADD = plugins/openchoreo/libopenchoreo_domain.la $(PLUGIN_LIBS)
nobase_dist_pkgdata_DATA += sql/openchoreo/001_sync.sql

if HAVE_CHECK
# The API client against the stand-in (client.c built in: it needs only libstagehand).
check_PROGRAMS += tests/unit/check_openchoreo_client
TESTS += tests/unit/check_openchoreo_client
tests_unit_check_openchoreo_client_SOURCES = tests/unit/check_openchoreo_client.c \
	plugins/openchoreo/client.c plugins/openchoreo/memo.c $(STANDIN_SOURCES)
tests_unit_check_openchoreo_client_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_client_LDADD = $(UNIT_LIBS)
# The full sync's workload requests (7d), several at once, against the stand-in.
check_PROGRAMS += tests/unit/check_openchoreo_workloads
TESTS += tests/unit/check_openchoreo_workloads
tests_unit_check_openchoreo_workloads_SOURCES = tests/unit/check_openchoreo_workloads.c \
	plugins/openchoreo/sync_workloads.c plugins/openchoreo/sync_budget.c \
	plugins/openchoreo/parallel.c plugins/openchoreo/client.c plugins/openchoreo/memo.c \
	$(STANDIN_SOURCES)
tests_unit_check_openchoreo_workloads_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_workloads_LDADD = $(UNIT_LIBS)
# The full sync's memo (memo.c, sync_memo.c): an unchanged step is answered
# from memory, a changed one runs, the cap, the scope; against the stand-in.
check_PROGRAMS += tests/unit/check_openchoreo_memo
TESTS += tests/unit/check_openchoreo_memo
tests_unit_check_openchoreo_memo_SOURCES = tests/unit/check_openchoreo_memo.c \
	plugins/openchoreo/sync_memo.c plugins/openchoreo/memo.c plugins/openchoreo/parallel.c \
	plugins/openchoreo/sync_budget.c plugins/openchoreo/client.c $(STANDIN_SOURCES)
tests_unit_check_openchoreo_memo_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_memo_LDADD = plugins/openchoreo/libopenchoreo_domain.la $(UNIT_LIBS)
# The translators against every example of spec §2.1-§2.17.
check_PROGRAMS += tests/unit/check_openchoreo_translate
TESTS += tests/unit/check_openchoreo_translate
tests_unit_check_openchoreo_translate_SOURCES = tests/unit/check_openchoreo_translate.c
tests_unit_check_openchoreo_translate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_translate_LDADD = plugins/openchoreo/libopenchoreo_domain.la $(UNIT_LIBS)
endif

# The events queue (helper ocevents): its migration, and the pure checks of
# the ingress against no host.
nobase_dist_pkgdata_DATA += sql/openchoreo/002_events.sql
nobase_dist_pkgdata_DATA += sql/openchoreo/003_event_applied.sql
if HAVE_CHECK
check_PROGRAMS += tests/unit/check_openchoreo_event
TESTS += tests/unit/check_openchoreo_event
tests_unit_check_openchoreo_event_SOURCES = tests/unit/check_openchoreo_event.c
tests_unit_check_openchoreo_event_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_event_LDADD = plugins/openchoreo/libopenchoreo_domain.la $(UNIT_LIBS)
# The queue's SQL on the throwaway PostgreSQL (SH_TEST_PG, pgtest.h).
check_PROGRAMS += tests/unit/check_openchoreo_db_events
TESTS += tests/unit/check_openchoreo_db_events
tests_unit_check_openchoreo_db_events_SOURCES = tests/unit/check_openchoreo_db_events.c \
	plugins/openchoreo/db_events.c $(PGTEST_SOURCES)
tests_unit_check_openchoreo_db_events_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_db_events_LDADD = plugins/openchoreo/libopenchoreo_domain.la \
	$(UNIT_LIBS)
# One event into one delta against the stand-in (apply*.c and the client
# built in).
check_PROGRAMS += tests/unit/check_openchoreo_apply
TESTS += tests/unit/check_openchoreo_apply
tests_unit_check_openchoreo_apply_SOURCES = tests/unit/check_openchoreo_apply.c \
	plugins/openchoreo/apply.c plugins/openchoreo/apply_component.c \
	plugins/openchoreo/apply_workload.c plugins/openchoreo/client.c \
	plugins/openchoreo/memo.c plugins/openchoreo/templates_fetch.c $(STANDIN_SOURCES)
tests_unit_check_openchoreo_apply_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_apply_LDADD = plugins/openchoreo/libopenchoreo_domain.la \
	$(UNIT_LIBS)
endif

# The generated scaffolder Templates (helper octmpl), against the spec's
# examples (tests/data/openchoreo/extract_templates.py).
if HAVE_CHECK
check_PROGRAMS += tests/unit/check_openchoreo_templates
TESTS += tests/unit/check_openchoreo_templates
tests_unit_check_openchoreo_templates_SOURCES = tests/unit/check_openchoreo_templates.c
tests_unit_check_openchoreo_templates_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_templates_LDADD = plugins/openchoreo/libopenchoreo_domain.la $(UNIT_LIBS)
# reading a remote Template (templates_fetch.c, built in) from the stand-in
check_PROGRAMS += tests/unit/check_openchoreo_templates_fetch
TESTS += tests/unit/check_openchoreo_templates_fetch
tests_unit_check_openchoreo_templates_fetch_SOURCES = tests/unit/check_openchoreo_templates_fetch.c \
	plugins/openchoreo/templates_fetch.c $(STANDIN_SOURCES)
tests_unit_check_openchoreo_templates_fetch_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_openchoreo_templates_fetch_LDADD = plugins/openchoreo/libopenchoreo_domain.la \
	$(UNIT_LIBS)
endif
