# The perch plugin ("Ask Perch", issue 18): the streaming forwarder to the
# portal-assistant agent.  Its pure parts (header rules, envelopes, the
# body check) are a convenience library the unit tests use without a host.
noinst_LTLIBRARIES += plugins/perch/libperch_domain.la
plugins_perch_libperch_domain_la_SOURCES = \
	plugins/perch/headers.c plugins/perch/headers.h \
	plugins/perch/envelope.c plugins/perch/envelope.h \
	plugins/perch/body.c plugins/perch/body.h
plugins_perch_libperch_domain_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_perch_libperch_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS)
plugins_perch_libperch_domain_la_LIBADD = $(JANSSON_LIBS)

plugin_LTLIBRARIES += plugins/perch/perch.la
plugins_perch_perch_la_SOURCES = plugins/perch/perch.h plugins/perch/forward.h \
	plugins/perch/plugin.c plugins/perch/routes_forward.c plugins/perch/forward.c
plugins_perch_perch_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_perch_perch_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_perch_perch_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_perch_perch_la_LIBADD = plugins/perch/libperch_domain.la $(PLUGIN_LIBS)

if HAVE_CHECK
PERCH_UNITS = tests/unit/check_perch_headers tests/unit/check_perch_envelope \
	tests/unit/check_perch_body
check_PROGRAMS += $(PERCH_UNITS)
TESTS += $(PERCH_UNITS)
tests_unit_check_perch_headers_SOURCES = tests/unit/check_perch_headers.c
tests_unit_check_perch_headers_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_perch_headers_LDADD = plugins/perch/libperch_domain.la $(UNIT_LIBS)
tests_unit_check_perch_envelope_SOURCES = tests/unit/check_perch_envelope.c
tests_unit_check_perch_envelope_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_perch_envelope_LDADD = plugins/perch/libperch_domain.la $(UNIT_LIBS)
tests_unit_check_perch_body_SOURCES = tests/unit/check_perch_body.c
tests_unit_check_perch_body_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_perch_body_LDADD = plugins/perch/libperch_domain.la $(UNIT_LIBS)
endif
