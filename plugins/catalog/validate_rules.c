/*
 * The field format rules of catalog-model (KubernetesValidatorFunctions,
 * CommonValidatorFunctions): object names, DNS labels, label keys, kinds,
 * tags, non-blank strings and URLs, as hand-written matchers (no regex.h).
 * Pure predicates; validate.c words the errors.
 */
#include <string.h>

#include "validate_rules.h"

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$, 1-63 */
static int rule_object_name_n(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 63 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

int catalog_rule_object_name(const char *s)
{
	return s != NULL && rule_object_name_n(s, strlen(s));
}

/* ^[a-z0-9]+(?:-+[a-z0-9]+)*$, 1-63 */
static int rule_dns_label_n(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

int catalog_rule_dns_label(const char *s)
{
	return s != NULL && rule_dns_label_n(s, strlen(s));
}

/* Dot-separated DNS labels, 1-253 in all. */
static int rule_dns_subdomain_n(const char *s, size_t n)
{
	const char *end = s + n, *dot;

	if (n < 1 || n > 253)
		return 0;
	for (;;) {
		dot = memchr(s, '.', (size_t)(end - s));
		if (!rule_dns_label_n(s, (size_t)((dot ? dot : end) - s)))
			return 0;
		if (dot == NULL)
			return 1;
		s = dot + 1;
	}
}

/* "<suffix>" or "<dns-subdomain>/<suffix>"; more than one '/' fails. */
static int prefix_suffix(const char *s, int (*suffix)(const char *, size_t))
{
	const char *slash;

	if (s == NULL)
		return 0;
	slash = strchr(s, '/');
	if (slash == NULL)
		return suffix(s, strlen(s));
	if (strchr(slash + 1, '/') != NULL)
		return 0;
	return rule_dns_subdomain_n(s, (size_t)(slash - s)) &&
	       suffix(slash + 1, strlen(slash + 1));
}

static int version_n(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]))
			return 0;
	return 1;
}

int catalog_rule_api_version(const char *s)
{
	return prefix_suffix(s, version_n);
}

int catalog_rule_label_key(const char *s)
{
	return prefix_suffix(s, rule_object_name_n);
}

int catalog_rule_label_value(const char *s)
{
	return s != NULL && (*s == '\0' || catalog_rule_object_name(s));
}

/* ^[a-zA-Z][a-z0-9A-Z]*$, 1-63 */
int catalog_rule_kind(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= 63 && !(s[0] >= '0' && s[0] <= '9') && version_n(s, n);
}

/* ^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$, 1-63 */
int catalog_rule_tag(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '-' ? s[i + 1] == '-'
				: !(is_lower_alnum(s[i]) || strchr(":+#", s[i]) != NULL))
			return 0;
	}
	return 1;
}

/* Length of a JavaScript String.prototype.trim() whitespace at `s`, or 0. */
static size_t js_space(const unsigned char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;                               /* U+00A0 */
	if ((s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) ||          /* U+FEFF */
	    (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||          /* U+1680 */
	    (s[0] == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8a || s[2] == 0xa8 ||
					      s[2] == 0xa9 || s[2] == 0xaf)) ||
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||          /* U+205F */
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80))            /* U+3000 */
		return 3;
	return 0;
}

/* isNonEmptyString: a string with something left after trim(). */
int catalog_rule_non_blank(const char *s)
{
	size_t k;

	if (s == NULL)
		return 0;
	while (*s != '\0') {
		if ((k = js_space((const unsigned char *)s)) == 0)
			return 1;
		s += k;
	}
	return 0;
}

static int is_special_scheme(const char *s, size_t n)
{
	static const char *const special[] = { "http", "https", "ws", "wss", "ftp", NULL };
	size_t i, j;

	for (i = 0; special[i] != NULL; i++) {
		if (strlen(special[i]) != n)
			continue;
		for (j = 0; j < n && (s[j] | 0x20) == special[i][j]; j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/*
 * `new URL(s)` succeeds: a scheme, and for the special schemes other than
 * file: a non-empty host with a numeric port, if any, up to 65535.  An
 * approximation of the WHATWG parser that agrees on the cases catalogs have.
 */
int catalog_rule_url(const char *s)
{
	size_t n, i, hs, he, at;

	if (s == NULL)
		return 0;
	while (*s != '\0' && (unsigned char)*s <= ' ')
		s++;
	for (n = 0; is_alnum(s[n]) || (n > 0 && s[n] != '\0' && strchr("+-.", s[n])); n++)
		;
	if (n == 0 || s[n] != ':' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	if (!is_special_scheme(s, n))
		return 1;
	for (hs = n + 1; s[hs] == '/' || s[hs] == '\\'; hs++)
		;
	he = hs + strcspn(s + hs, "/\\?#");
	for (at = hs, i = hs; i < he; i++)
		if (s[i] == '@')
			at = i + 1;
	for (i = at; i < he && s[i] != ':'; i++)
		if ((unsigned char)s[i] <= ' ' || strchr("<>^|%[]", s[i]))
			return 0;
	if (i == at)
		return 0;
	if (i < he) {
		long port = 0;

		for (i++; i < he; i++) {
			if (s[i] < '0' || s[i] > '9' || (port = port * 10 + s[i] - '0') > 65535)
				return 0;
		}
	}
	return 1;
}
