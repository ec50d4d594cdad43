# The openchoreo plugin (issue 14): the catalog entity provider for the
# OpenChoreo API.  Its pure parts (the kinds table, the translators, the
# template generator) are a convenience library the unit tests use without
# a host.
noinst_LTLIBRARIES += plugins/openchoreo/libopenchoreo_domain.la
plugins_openchoreo_libopenchoreo_domain_la_SOURCES = plugins/openchoreo/openchoreo.h \
	plugins/openchoreo/kinds.c
plugins_openchoreo_libopenchoreo_domain_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_openchoreo_libopenchoreo_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS)
plugins_openchoreo_libopenchoreo_domain_la_LIBADD = $(JANSSON_LIBS)
