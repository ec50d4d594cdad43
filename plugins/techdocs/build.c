/*
 * td_build_site: a docs-as-code source to a site shaped like mkdocs-material's,
 * in order: mkdocs.yml (or the default), the docs tree under the caps, every
 * page rendered, the nav resolved, then the output written (pages, 404,
 * copied files, search index, stylesheet, techdocs_metadata.json).  A failure
 * at any step removes what was written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/yaml.h>

#include "build_int.h"

/* Named as mkdocs-material names its own: the TechDocs reader's sanitizer
 * keeps only <link>s to main.<8 hex>.min.css (and Google Fonts), and with no
 * stylesheet left the reader never reveals the page (opacity 0). */
#define STYLESHEET "assets/stylesheets/main.5a9e0c1d.min.css"

/* Our own small stylesheet: the reader restyles the md-* markup itself;
 * this only keeps a site readable when opened on its own. */
static const char stylesheet_css[] =
	"/* stagehand-techdocs: a small stylesheet of our own for the md-* markup */\n"
	"body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	"color:#222;line-height:1.5}\n"
	".md-toggle,.md-overlay,.md-skip,.md-nav__toggle,label.md-nav__link{display:none}\n"
	".md-header{background:#3f51b5;color:#fff;padding:.5rem 1rem}\n"
	".md-header__inner{display:flex;align-items:center;gap:1rem}\n"
	".md-header__topic{display:inline;margin-right:1rem;font-weight:600}\n"
	".md-source{color:#fff}\n"
	".md-main__inner{display:flex;gap:1.5rem;max-width:76rem;margin:0 auto;padding:1rem}\n"
	".md-sidebar{width:12rem;flex-shrink:0;font-size:.9rem}\n"
	".md-sidebar--secondary{order:2}\n"
	".md-content{flex-grow:1;min-width:0}\n"
	".md-nav__list{list-style:none;margin:0;padding-left:.8rem}\n"
	".md-nav__title{display:block;font-weight:600;margin:.4rem 0}\n"
	".md-nav__link{color:inherit;text-decoration:none}\n"
	".md-nav__link--active{color:#3f51b5;font-weight:600}\n"
	".md-typeset table{border-collapse:collapse}\n"
	".md-typeset td,.md-typeset th{border:1px solid #ddd;padding:.3rem .6rem}\n"
	".md-typeset pre{background:#f5f5f5;padding:.6rem;overflow:auto}\n"
	".md-typeset .admonition{border-left:.2rem solid #448aff;background:#448aff1a;"
	"padding:.2rem .8rem;margin:1rem 0}\n"
	".md-typeset .admonition-title{font-weight:600;margin:.3rem 0}\n"
	".headerlink{margin-left:.4rem;opacity:0;text-decoration:none}\n"
	"h1:hover .headerlink,h2:hover .headerlink,h3:hover .headerlink{opacity:.5}\n"
	".md-content__button{float:right}\n"
	".md-footer{background:#000000de;color:#fff;padding:1rem}\n"
	".md-footer__inner{display:flex;justify-content:space-between}\n"
	".md-footer__link{color:#fff;text-decoration:none}\n"
	".md-footer__direction{display:block;font-size:.8rem;opacity:.7}\n";

static const struct td_limits default_limits = {1000, 10u << 20, 100u << 20, 60};

struct build {
	struct td_tree t;
	struct td_config cfg;
	char *docs;                  /* realpath of docs_dir; NULL when absent */
	struct td_page *pages;
	size_t npages, nnav;
	const char *out_dir;
	bool created;
};

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int read_config(struct build *b, const char *default_site_name)
{
	static const char *const names[] = {"mkdocs.yml", "mkdocs.yaml"};
	size_t max = b->t.lim->max_file_bytes < SH_YAML_MAX_INPUT ? b->t.lim->max_file_bytes
								   : SH_YAML_MAX_INPUT;

	for (size_t i = 0; i < 2; i++) {
		char *path = sh_xasprintf("%s/%s", b->t.root, names[i]), *real = NULL, *buf;
		size_t len;
		int rc = exists(path) ? td_tree_inside(&b->t, path, &real) : SH_ENOTFOUND;
		free(path);
		if (rc == SH_ENOTFOUND)
			continue;
		if (rc != 0)
			return td_tree_fail(&b->t, SH_EDENIED, "%s leads out of the source", names[i]);
		rc = td_tree_read(&b->t, real, names[i], max, &buf, &len);
		free(real);
		if (rc == 0) {
			td_config_free(&b->cfg);
			rc = td_mkdocs_parse(buf, len, default_site_name, &b->cfg, b->t.err, b->t.errlen);
		}
		free(buf);
		if (rc == 0)
			td_tree_log(&b->t, "read %s: site '%s'", names[i], b->cfg.site_name);
		return rc;
	}
	td_tree_log(&b->t, "no mkdocs.yml: using the default config");
	return 0;
}

static int find_docs(struct build *b)
{
	char *path = sh_xasprintf("%s/%s", b->t.root, b->cfg.docs_dir);
	struct stat st;
	int rc = 0;

	if (!exists(path))
		td_tree_log(&b->t, "no %s directory", b->cfg.docs_dir);
	else if (td_tree_inside(&b->t, path, &b->docs) != 0)
		rc = td_tree_fail(&b->t, SH_EDENIED, "docs_dir '%s' leads out of the source",
				  b->cfg.docs_dir);
	else if (stat(b->docs, &st) != 0 || !S_ISDIR(st.st_mode))
		rc = td_tree_fail(&b->t, SH_EINVAL, "docs_dir '%s' is not a directory", b->cfg.docs_dir);
	free(path);
	return rc;
}

static bool is_page(const char *rel)
{
	size_t n = strlen(rel);

	return n > 3 && strcmp(rel + n - 3, ".md") == 0;
}

static bool url_taken(const struct build *b, const char *src)
{
	char *url = td_page_url(src);
	bool taken = false;

	for (size_t i = 0; i < b->npages && !taken; i++)
		taken = strcmp(b->pages[i].url, url) == 0;
	free(url);
	return taken;
}

static int render_one(struct build *b, const char *path, const char *rel)
{
	char *md;
	size_t len;
	int rc;

	if (url_taken(b, rel)) {
		td_tree_log(&b->t, "skipping %s: another page has its URL", rel);
		return 0;
	}
	rc = td_tree_read(&b->t, path, rel, b->t.lim->max_file_bytes, &md, &len);
	if (rc == 0) {
		rc = td_markdown_render(md, len, rel, &b->pages[b->npages++]);
		if (rc != 0)
			td_tree_fail(&b->t, rc, "%s renders to more than %u bytes", rel, TD_PAGE_MAX_HTML);
	}
	free(md);
	return rc ? rc : td_tree_check_time(&b->t);
}

/* The index page: docs_dir's index.md or README.md, else the source's README.md. */
static int readme_fallback(struct build *b)
{
	char *path = sh_xasprintf("%s/README.md", b->t.root), *real = NULL;
	int rc = 0;

	if (!url_taken(b, "index.md") && exists(path) && td_tree_inside(&b->t, path, &real) == 0) {
		td_tree_log(&b->t, "no index.md: using README.md as the index page");
		rc = render_one(b, real, "README.md");
	}
	free(real);
	free(path);
	return rc;
}

static int render_pages(struct build *b)
{
	int rc = 0;

	b->pages = sh_xcalloc(b->t.nfiles + 2, sizeof(*b->pages));
	for (size_t i = 0; i < b->t.nfiles && !rc; i++)
		if (is_page(b->t.files[i].rel))
			rc = render_one(b, b->t.files[i].path, b->t.files[i].rel);
	if (!rc)
		rc = readme_fallback(b);
	if (!rc && b->npages == 0)
		rc = td_tree_fail(&b->t, SH_EINVAL, "no Markdown pages in '%s' and no README.md",
				  b->cfg.docs_dir);
	return rc;
}

static int put(struct build *b, const char *rel, const char *data, size_t len)
{
	if (td_out_write(b->out_dir, rel, data, len) != 0)
		return td_tree_fail(&b->t, SH_EIO, "cannot write %s", rel);
	return 0;
}

static int write_pages(struct build *b, const struct td_site *site)
{
	struct sh_buf html;
	int rc = 0;

	sh_buf_init(&html, 2 * TD_PAGE_MAX_HTML);
	for (size_t i = 0; i < b->npages && !rc; i++) {
		char *rel = sh_xasprintf("%sindex.html", b->pages[i].url);
		sh_buf_reset(&html);
		rc = td_site_page(site, i, &html);
		rc = rc ? td_tree_fail(&b->t, rc, "%s is too large", rel) : put(b, rel, html.data, html.len);
		free(rel);
		rc = rc ? rc : td_tree_check_time(&b->t);
	}
	sh_buf_reset(&html);
	if (!rc && (rc = td_site_404(site, &html)) == 0)
		rc = put(b, "404.html", html.data, html.len);
	sh_buf_free(&html);
	return rc;
}

static int copy_files(struct build *b)
{
	int rc = 0;
	size_t n = 0;

	for (size_t i = 0; i < b->t.nfiles && !rc; i++) {
		const struct td_file *f = &b->t.files[i];
		if (is_page(f->rel))
			continue;
		if (td_out_copy(b->out_dir, f->rel, f->path, f->size) != 0)
			rc = td_tree_fail(&b->t, SH_EIO, "cannot copy %s", f->rel);
		rc = rc ? rc : td_tree_check_time(&b->t);
		n++;
	}
	if (!rc)
		td_tree_log(&b->t, "copied %zu other files", n);
	return rc;
}

/* What techdocs-core writes: site_name and site_description ("None" when unset). */
static int write_metadata(struct build *b)
{
	json_t *m = json_pack("{s:s, s:s}", "site_name", b->cfg.site_name, "site_description",
			      b->cfg.site_description ? b->cfg.site_description : "None");
	char *s = m ? json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc = s ? put(b, TD_METADATA_FILE, s, strlen(s)) : td_tree_fail(&b->t, SH_EINVAL,
									       "bad site name");

	free(s);
	json_decref(m);
	return rc;
}

static int write_site(struct build *b)
{
	struct td_site site = {&b->cfg, b->pages, b->npages, b->nnav, STYLESHEET};
	char *index;
	int rc;

	if (mkdir(b->out_dir, 0755) != 0)
		return td_tree_fail(&b->t, SH_EIO, "cannot create the output directory: %s",
				    strerror(errno));
	b->created = true;
	rc = copy_files(b);
	rc = rc ? rc : write_pages(b, &site);
	if (rc)
		return rc;
	index = td_search_index(b->pages, b->npages);
	rc = put(b, "search/search_index.json", index, strlen(index));
	free(index);
	rc = rc ? rc : put(b, STYLESHEET, stylesheet_css, sizeof(stylesheet_css) - 1);
	return rc ? rc : write_metadata(b);
}

static int run(struct build *b, const char *src_dir, const char *default_site_name)
{
	char real[4096];
	int rc;

	if (!realpath(src_dir, real))
		return td_tree_fail(&b->t, SH_ENOTFOUND, "no source directory %s", src_dir);
	b->t.root = sh_xstrdup(real);
	if ((rc = read_config(b, default_site_name)) || (rc = find_docs(b)))
		return rc;
	if (b->docs && (rc = td_tree_walk(&b->t, b->docs)))
		return rc;
	td_tree_log(&b->t, "found %zu files in %s", b->t.nfiles, b->cfg.docs_dir);
	if ((rc = render_pages(b)))
		return rc;
	td_nav_resolve(&b->cfg, b->pages, b->npages, &b->nnav);
	td_tree_log(&b->t, "rendered %zu pages", b->npages);
	if ((rc = write_site(b)) == 0)
		td_tree_log(&b->t, "site '%s' built", b->cfg.site_name);
	return rc;
}

int td_build_site(const char *src_dir, const char *out_dir, const char *default_site_name,
		  const struct td_limits *lim, td_log_fn log, void *ud, char *err, size_t errlen)
{
	struct build b = {.out_dir = out_dir};
	int rc;

	b.t.lim = lim ? lim : &default_limits;
	b.t.log = log, b.t.ud = ud, b.t.err = err, b.t.errlen = errlen;
	clock_gettime(CLOCK_MONOTONIC, &b.t.deadline);
	b.t.deadline.tv_sec += b.t.lim->timeout_s;
	td_mkdocs_default(&b.cfg, default_site_name);
	if (errlen)
		err[0] = '\0';
	rc = run(&b, src_dir, default_site_name);
	if (rc != 0 && b.created)
		td_out_remove(out_dir);
	for (size_t i = 0; i < b.npages; i++)
		td_page_free(&b.pages[i]);
	free(b.pages);
	free(b.docs);
	td_config_free(&b.cfg);
	td_tree_free(&b.t);
	return rc;
}
