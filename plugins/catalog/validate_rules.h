/*
 * The field format rules validate.c's FieldFormatEntityPolicy applies, each
 * a predicate over a NUL-terminated string: 1 when `s` matches, 0 when it
 * does not or is NULL.  Private to the catalog's domain library.
 */
#ifndef CATALOG_VALIDATE_RULES_H
#define CATALOG_VALIDATE_RULES_H

/* ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$, 1-63 characters. */
int catalog_rule_object_name(const char *s);
/* ^[a-z0-9]+(?:-+[a-z0-9]+)*$, 1-63 characters. */
int catalog_rule_dns_label(const char *s);
/* "<[A-Za-z0-9]{1,63}>" with an optional "<dns-subdomain>/" prefix. */
int catalog_rule_api_version(const char *s);
/* An object name with an optional "<dns-subdomain>/" prefix. */
int catalog_rule_label_key(const char *s);
/* An object name or the empty string. */
int catalog_rule_label_value(const char *s);
/* ^[a-zA-Z][a-z0-9A-Z]*$, 1-63 characters. */
int catalog_rule_kind(const char *s);
/* ^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$, 1-63 characters. */
int catalog_rule_tag(const char *s);
/* isNonEmptyString: something left after JavaScript's String.trim(). */
int catalog_rule_non_blank(const char *s);
/* Whether `new URL(s)` would succeed (an approximation; see the source). */
int catalog_rule_url(const char *s);

#endif
