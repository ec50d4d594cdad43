# The techdocs plugin (issue 17): TechDocs' routes, the local builder and
# the local publisher.  Its pure parts (the builder, techdocs-ref
# resolution, atomic publishing) are a convenience library that the
# plugin, the stagehand-techdocs CLI and the unit tests link.
noinst_LTLIBRARIES += plugins/techdocs/libtechdocs_domain.la
plugins_techdocs_libtechdocs_domain_la_SOURCES = plugins/techdocs/techdocs.h \
	plugins/techdocs/build.c plugins/techdocs/mkdocs.c plugins/techdocs/markdown.c \
	plugins/techdocs/site.c plugins/techdocs/search.c \
	plugins/techdocs/builder.h plugins/techdocs/build_int.h plugins/techdocs/build_fs.c \
	plugins/techdocs/build_nav.c plugins/techdocs/md_int.h plugins/techdocs/md_urls.c \
	plugins/techdocs/md_admonition.c plugins/techdocs/md_ids.c plugins/techdocs/site_int.h \
	plugins/techdocs/site_nav.c \
	plugins/techdocs/ref.c plugins/techdocs/publish.c \
	plugins/techdocs/prepare.h plugins/techdocs/github_url.c \
	plugins/techdocs/static_path.h plugins/techdocs/static_path.c
plugins_techdocs_libtechdocs_domain_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_techdocs_libtechdocs_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS) $(CMARK_CFLAGS)
plugins_techdocs_libtechdocs_domain_la_LIBADD = $(JANSSON_LIBS) $(CMARK_LIBS)

plugin_LTLIBRARIES += plugins/techdocs/techdocs.la
plugins_techdocs_techdocs_la_SOURCES = plugins/techdocs/techdocs.h plugins/techdocs/plugin.h \
	plugins/techdocs/plugin.c plugins/techdocs/db_entity.c \
	plugins/techdocs/routes_metadata.c plugins/techdocs/routes_static.c \
	plugins/techdocs/routes_sync.c plugins/techdocs/sync.c plugins/techdocs/sync_int.h \
	plugins/techdocs/sync_build.c plugins/techdocs/work.c \
	plugins/techdocs/prepare.h plugins/techdocs/prepare_dir.c plugins/techdocs/prepare_url.c
plugins_techdocs_techdocs_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_techdocs_techdocs_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_techdocs_techdocs_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_techdocs_techdocs_la_LIBADD = plugins/techdocs/libtechdocs_domain.la $(PLUGIN_LIBS)

# /static's content types and traversal forms (td-plugin's part).
if HAVE_CHECK
check_PROGRAMS += tests/unit/check_techdocs_static
TESTS += tests/unit/check_techdocs_static
tests_unit_check_techdocs_static_SOURCES = tests/unit/check_techdocs_static.c
tests_unit_check_techdocs_static_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_static_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
endif

# techdocs-ref, GitHub tree URLs, publishing and the url preparer
# (td-publish's part).
if HAVE_CHECK
TECHDOCS_PUBLISH_UNITS = tests/unit/check_techdocs_ref tests/unit/check_techdocs_publish \
	tests/unit/check_techdocs_prepare_url
check_PROGRAMS += $(TECHDOCS_PUBLISH_UNITS)
TESTS += $(TECHDOCS_PUBLISH_UNITS)
tests_unit_check_techdocs_ref_SOURCES = tests/unit/check_techdocs_ref.c
tests_unit_check_techdocs_ref_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_ref_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
tests_unit_check_techdocs_publish_SOURCES = tests/unit/check_techdocs_publish.c
tests_unit_check_techdocs_publish_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_publish_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
tests_unit_check_techdocs_prepare_url_SOURCES = tests/unit/check_techdocs_prepare_url.c \
	plugins/techdocs/prepare_url.c $(STANDIN_SOURCES)
tests_unit_check_techdocs_prepare_url_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_prepare_url_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
endif

# The builder: mkdocs.yml, Markdown, the site's pages and search index
# (td-builder's part).
if HAVE_CHECK
TECHDOCS_BUILD_UNITS = tests/unit/check_techdocs_mkdocs tests/unit/check_techdocs_markdown \
	tests/unit/check_techdocs_build
check_PROGRAMS += $(TECHDOCS_BUILD_UNITS)
TESTS += $(TECHDOCS_BUILD_UNITS)
tests_unit_check_techdocs_mkdocs_SOURCES = tests/unit/check_techdocs_mkdocs.c
tests_unit_check_techdocs_mkdocs_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_mkdocs_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
tests_unit_check_techdocs_markdown_SOURCES = tests/unit/check_techdocs_markdown.c
tests_unit_check_techdocs_markdown_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_markdown_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
tests_unit_check_techdocs_build_SOURCES = tests/unit/check_techdocs_build.c
tests_unit_check_techdocs_build_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_techdocs_build_LDADD = plugins/techdocs/libtechdocs_domain.la $(UNIT_LIBS)
endif

# The CLI (tools/stagehand-techdocs, built with stagehandd in Makefile.am).
TESTS += tests/techdocs-cli.sh
dist_noinst_SCRIPTS += tests/techdocs-cli.sh
