# The catalog plugin.  Its domain code (pure functions: refs, relations, the
# search index, filters, projection, cursors, validation) is a
# convenience library so unit tests and fuzz targets use it without the host.
noinst_LTLIBRARIES += plugins/catalog/libcatalog_domain.la
plugins_catalog_libcatalog_domain_la_SOURCES = \
	plugins/catalog/util.c plugins/catalog/util.h \
	plugins/catalog/errors.c plugins/catalog/errors.h \
	plugins/catalog/ref.c plugins/catalog/ref.h \
	plugins/catalog/relations.c plugins/catalog/relations.h \
	plugins/catalog/search.c plugins/catalog/search.h \
	plugins/catalog/filter.c plugins/catalog/filter.h \
	plugins/catalog/fields.c plugins/catalog/fields.h \
	plugins/catalog/cursor.c plugins/catalog/cursor.h \
	plugins/catalog/validate.c plugins/catalog/validate.h \
	plugins/catalog/validate_rules.c plugins/catalog/validate_rules.h \
	plugins/catalog/db_filter.c plugins/catalog/db_filter.h \
	plugins/catalog/db_query.c plugins/catalog/db_query.h \
	plugins/catalog/body.c plugins/catalog/body.h \
	plugins/catalog/rules.c plugins/catalog/rules.h \
	plugins/catalog/placeholders.c plugins/catalog/placeholders.h \
	plugins/catalog/kinds_openchoreo.c plugins/catalog/kinds_openchoreo.h
plugins_catalog_libcatalog_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS) \
	$(SSL_CFLAGS)
plugins_catalog_libcatalog_domain_la_LIBADD = $(JANSSON_LIBS) $(SSL_LIBS) -lm

# The plugin itself: service (routes_*), database (db_*), processing,
# ingestion and stitching, over the domain library.
plugin_LTLIBRARIES += plugins/catalog/catalog.la
plugins_catalog_catalog_la_SOURCES = \
	plugins/catalog/catalog.h plugins/catalog/plugin.c plugins/catalog/routes.h \
	plugins/catalog/routes_common.h \
	plugins/catalog/routes_entities.c plugins/catalog/routes_common.c \
	plugins/catalog/routes_query.c plugins/catalog/routes_refs.c plugins/catalog/routes_facets.c \
	plugins/catalog/routes_entity_ops.c plugins/catalog/routes_validate.c plugins/catalog/db_entity_ops.c \
	plugins/catalog/db_processing.c plugins/catalog/db_locations.c \
	plugins/catalog/routes_locations.c plugins/catalog/routes_refresh.c plugins/catalog/dryrun.c \
	plugins/catalog/pipeline.c plugins/catalog/processing.c plugins/catalog/ingest.c plugins/catalog/stitch.c \
	plugins/catalog/reader.c plugins/catalog/reader.h \
	plugins/catalog/pgarray.c plugins/catalog/pgarray.h
plugins_catalog_catalog_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_catalog_catalog_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_catalog_catalog_la_LIBADD = plugins/catalog/libcatalog_domain.la $(PLUGIN_LIBS) \
	$(JANSSON_LIBS) $(SSL_LIBS)
nobase_dist_pkgdata_DATA += sql/catalog/001_init.sql
nobase_dist_pkgdata_DATA += sql/catalog/002_index_rows_without_fk.sql
nobase_dist_pkgdata_DATA += sql/catalog/003_user_by_email.sql
nobase_dist_pkgdata_DATA += sql/catalog/004_notify.sql
nobase_dist_pkgdata_DATA += sql/catalog/005_stitch_claims.sql
nobase_dist_pkgdata_DATA += sql/catalog/006_queue_once.sql
nobase_dist_pkgdata_DATA += sql/catalog/007_search_original.sql
nobase_dist_pkgdata_DATA += sql/catalog/008_stitch_order.sql
nobase_dist_pkgdata_DATA += sql/catalog/009_search_index_only.sql
nobase_dist_pkgdata_DATA += sql/catalog/010_search_entity_key.sql
nobase_dist_pkgdata_DATA += sql/catalog/011_edges_without_fk.sql
nobase_dist_pkgdata_DATA += sql/catalog/012_providers.sql
nobase_dist_pkgdata_DATA += sql/catalog/013_provider_deadlock_retry.sql

if HAVE_CHECK
# The domain library calls libstagehand's sh_x*, sh_buf, codec, YAML and URL
# functions.
CATALOG_UNIT_LIBS = plugins/catalog/libcatalog_domain.la fcgi/libstagehand.la $(JANSSON_LIBS) \
	$(SSL_LIBS) $(CHECK_LIBS)
CATALOG_UNIT_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CHECK_CFLAGS)
CATALOG_UNITS = tests/unit/check_catalog_ref tests/unit/check_catalog_relations \
	tests/unit/check_catalog_search tests/unit/check_catalog_filter \
	tests/unit/check_catalog_fields tests/unit/check_catalog_cursor \
	tests/unit/check_catalog_validate tests/unit/check_catalog_db_filter \
	tests/unit/check_catalog_db_query tests/unit/check_catalog_body \
	tests/unit/check_catalog_rules \
	tests/unit/check_catalog_placeholders tests/unit/check_catalog_util \
	tests/unit/check_catalog_errors tests/unit/check_catalog_kinds_openchoreo
check_PROGRAMS += $(CATALOG_UNITS)
TESTS += $(CATALOG_UNITS)
tests_unit_check_catalog_ref_SOURCES = tests/unit/check_catalog_ref.c
tests_unit_check_catalog_ref_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_ref_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_relations_SOURCES = tests/unit/check_catalog_relations.c
tests_unit_check_catalog_relations_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_relations_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_search_SOURCES = tests/unit/check_catalog_search.c
tests_unit_check_catalog_search_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_search_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_filter_SOURCES = tests/unit/check_catalog_filter.c
tests_unit_check_catalog_filter_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_filter_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_fields_SOURCES = tests/unit/check_catalog_fields.c
tests_unit_check_catalog_fields_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_fields_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_cursor_SOURCES = tests/unit/check_catalog_cursor.c
tests_unit_check_catalog_cursor_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_cursor_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_validate_SOURCES = tests/unit/check_catalog_validate.c tests/unit/testdata.c tests/unit/testdata.h
tests_unit_check_catalog_validate_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_validate_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_db_filter_SOURCES = tests/unit/check_catalog_db_filter.c
tests_unit_check_catalog_db_filter_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_db_filter_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_db_query_SOURCES = tests/unit/check_catalog_db_query.c
tests_unit_check_catalog_db_query_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_db_query_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_body_SOURCES = tests/unit/check_catalog_body.c
tests_unit_check_catalog_body_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_body_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_rules_SOURCES = tests/unit/check_catalog_rules.c
tests_unit_check_catalog_rules_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_rules_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_placeholders_SOURCES = tests/unit/check_catalog_placeholders.c
tests_unit_check_catalog_placeholders_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_placeholders_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_util_SOURCES = tests/unit/check_catalog_util.c
tests_unit_check_catalog_util_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_util_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_errors_SOURCES = tests/unit/check_catalog_errors.c
tests_unit_check_catalog_errors_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_errors_LDADD = $(CATALOG_UNIT_LIBS)
tests_unit_check_catalog_kinds_openchoreo_SOURCES = tests/unit/check_catalog_kinds_openchoreo.c \
	tests/unit/testdata.c tests/unit/testdata.h
tests_unit_check_catalog_kinds_openchoreo_CFLAGS = $(CATALOG_UNIT_CFLAGS)
tests_unit_check_catalog_kinds_openchoreo_LDADD = $(CATALOG_UNIT_LIBS)
endif
EXTRA_DIST += tests/data

if HAVE_CHECK
# The provider interface's SQL on the throwaway PostgreSQL (pgtest.h); ref.c
# from the domain library, the suite database from the host's test kit.
check_PROGRAMS += tests/unit/check_catalog_provider
TESTS += tests/unit/check_catalog_provider
tests_unit_check_catalog_provider_SOURCES = tests/unit/check_catalog_provider.c $(PGTEST_SOURCES)
tests_unit_check_catalog_provider_CFLAGS = $(UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_check_catalog_provider_LDADD = plugins/catalog/libcatalog_domain.la $(UNIT_LIBS) \
	$(JANSSON_LIBS) $(SSL_LIBS)
endif
