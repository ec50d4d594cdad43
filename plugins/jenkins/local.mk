# The jenkins plugin (issue 16): the community Jenkins backend's routes.
# Its pure parts (job names and URLs, the frontend's shapes, the override
# regex and extra headers) are a convenience library the unit tests use
# without a host.
noinst_LTLIBRARIES += plugins/jenkins/libjenkins_domain.la
plugins_jenkins_libjenkins_domain_la_SOURCES = plugins/jenkins/jenkins.h \
	plugins/jenkins/jobs.c plugins/jenkins/augment.c plugins/jenkins/config.c
plugins_jenkins_libjenkins_domain_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_jenkins_libjenkins_domain_la_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden $(JANSSON_CFLAGS)
plugins_jenkins_libjenkins_domain_la_LIBADD = $(JANSSON_LIBS)

plugin_LTLIBRARIES += plugins/jenkins/jenkins.la
plugins_jenkins_jenkins_la_SOURCES = plugins/jenkins/jenkins.h \
	plugins/jenkins/plugin.c plugins/jenkins/instances.c plugins/jenkins/entity.c \
	plugins/jenkins/client.c \
	plugins/jenkins/routes_projects.c plugins/jenkins/routes_job.c
plugins_jenkins_jenkins_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_jenkins_jenkins_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_jenkins_jenkins_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_jenkins_jenkins_la_LIBADD = plugins/jenkins/libjenkins_domain.la $(PLUGIN_LIBS)

if HAVE_CHECK
JENKINS_UNITS = tests/unit/check_jenkins_jobs tests/unit/check_jenkins_augment \
	tests/unit/check_jenkins_config
check_PROGRAMS += $(JENKINS_UNITS)
TESTS += $(JENKINS_UNITS)
tests_unit_check_jenkins_jobs_SOURCES = tests/unit/check_jenkins_jobs.c
tests_unit_check_jenkins_jobs_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_jenkins_jobs_LDADD = plugins/jenkins/libjenkins_domain.la $(UNIT_LIBS)
tests_unit_check_jenkins_augment_SOURCES = tests/unit/check_jenkins_augment.c
tests_unit_check_jenkins_augment_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_jenkins_augment_LDADD = plugins/jenkins/libjenkins_domain.la $(UNIT_LIBS)
tests_unit_check_jenkins_config_SOURCES = tests/unit/check_jenkins_config.c
tests_unit_check_jenkins_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_jenkins_config_LDADD = plugins/jenkins/libjenkins_domain.la $(UNIT_LIBS)
endif
