#!/bin/sh
# tools/stagehand-techdocs (automake test: 0 pass, 1 fail, 99 error): usage
# and exit statuses, `publish` of the fixture's site (publish_dir from
# --publish-dir and from the ini, techdocs_metadata.json with the etag, a
# second publish replacing the first), the refusals (no index.html, a
# symlink, a bad triplet, an unreadable --config), and `build` of the
# fixture's source followed by `publish` of what it built.
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}"
cli=$top_builddir/tools/stagehand-techdocs
site=$top_srcdir/tests/data/upstream/techdocs/published/default/component/checkout-service
src=$top_srcdir/tests/data/upstream/techdocs/source/checkout-service
[ -x "$cli" ] || { echo "ERROR: $cli not built"; exit 99; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() { echo "FAIL: $*"; fail=1; }

# expect STATUS CMD...: runs CMD, output in $tmp/out, fails unless the status is STATUS
expect() {
	want=$1; shift
	"$@" >"$tmp/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { bad "$* exited $got, not $want:"; cat "$tmp/out"; }
}

# meta FILE PY-EXPR: the metadata's JSON as m; fails unless EXPR is true
meta() {
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$1" "$2" || bad "$1: not $2: $(cat "$1")"
}

expect 0 "$cli" --help
grep -q "exit status" "$tmp/out" || bad "--help does not document the exit statuses"
expect 0 "$cli" --version
expect 2 "$cli"
expect 2 "$cli" publish "$site"
expect 2 "$cli" frobnicate a b
expect 2 "$cli" --publish-dir "$tmp/root" publish "$site" default/component
expect 2 "$cli" --publish-dir "$tmp/root" publish "$site" default/component/a/b
expect 2 "$cli" --publish-dir "$tmp/root" publish "$site" default/../x
expect 2 "$cli" --etag x build "$src" "$tmp/o"
expect 3 "$cli" --config "$tmp/missing.ini" publish "$site" default/component/x

# publish with --publish-dir and an etag (options after the command too)
expect 0 "$cli" publish --publish-dir "$tmp/root" --etag e3b1c4d9a7f2086c5b1e9d3a4f60c2b78d9e1a05 \
	"$site" Default/Component/Checkout-Service
live=$tmp/root/default/component/checkout-service
grep -q "published .* to $live" "$tmp/out" || bad "no 'published' line: $(cat "$tmp/out")"
for f in index.html runbooks/on-call/index.html images/checkout-flow.png search/search_index.json; do
	cmp -s "$site/$f" "$live/$f" || bad "$f differs from the fixture"
done
meta "$live/techdocs_metadata.json" \
	'm["site_name"] == "Checkout Service" and m["etag"].startswith("e3b1c4d9") and isinstance(m["build_timestamp"], int) and "index.html" in m["files"] and "techdocs_metadata.json" in m["files"] and len(m["files"]) == 12'
tail -c 1 "$live/techdocs_metadata.json" | od -c | grep -q '\\n' || bad "metadata without a trailing newline"
[ "$(ls -A "$tmp/root/default/component")" = "checkout-service" ] || bad "staging left: $(ls -A "$tmp/root/default/component")"

# publish_dir from the ini; a second publish replaces the first
printf '[techdocs]\npublish_dir = %s/ini-root\n' "$tmp" >"$tmp/stagehand.ini"
mkdir "$tmp/site2" && printf '<html>v2</html>\n' >"$tmp/site2/index.html"
expect 0 "$cli" --config "$tmp/stagehand.ini" publish "$site" default/component/svc
expect 0 "$cli" --config "$tmp/stagehand.ini" publish "$tmp/site2" default/component/svc
[ "$(cat "$tmp/ini-root/default/component/svc/index.html")" = "<html>v2</html>" ] || bad "second publish did not replace the first"
[ ! -e "$tmp/ini-root/default/component/svc/404.html" ] || bad "a file of the first site survived"
meta "$tmp/ini-root/default/component/svc/techdocs_metadata.json" \
	'm["site_name"] == "svc" and "etag" not in m and m["files"] == ["index.html", "techdocs_metadata.json"]'

# refusals leave the live site alone
mkdir "$tmp/noindex" && echo x >"$tmp/noindex/page.html"
expect 1 "$cli" --config "$tmp/stagehand.ini" publish "$tmp/noindex" default/component/svc
grep -q "has no index.html" "$tmp/out" || bad "no reason for a site without index.html: $(cat "$tmp/out")"
ln -s /etc/passwd "$tmp/site2/passwd"
expect 1 "$cli" --config "$tmp/stagehand.ini" publish "$tmp/site2" default/component/svc
grep -q "symlinks are not published: passwd" "$tmp/out" || bad "no reason for a symlink: $(cat "$tmp/out")"
[ ! -e "$tmp/ini-root/default/component/svc/passwd" ] || bad "the symlink was published"
[ "$(ls -A "$tmp/ini-root/default/component")" = "svc" ] || bad "staging left after a refusal"

# build the fixture's source, then publish what it built
expect 0 "$cli" build "$src" "$tmp/built"
[ -f "$tmp/built/index.html" ] || bad "build wrote no index.html"
expect 1 "$cli" build "$src" "$tmp/built"
expect 0 "$cli" --config "$tmp/stagehand.ini" publish "$tmp/built" default/component/checkout-service
meta "$tmp/ini-root/default/component/checkout-service/techdocs_metadata.json" \
	'm["site_name"] == "Checkout Service" and "index.html" in m["files"] and "runbooks/on-call/index.html" in m["files"]'

[ "$fail" = 0 ] && echo "PASS: stagehand-techdocs"
exit "$fail"
