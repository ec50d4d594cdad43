#!/usr/bin/env python3
"""Writes this directory's stand-in GitHub answers for the techdocs url:
preparer (README.md says what each is): a scratch git repository holding
the TechDocs fixture source (tests/data/upstream/techdocs/source/
checkout-service) plus a README, a catalog file, a Go file and a symlink
gives the real blob and tree SHAs and sizes; the commit SHA is the
fixtures' made-up main commit.  Run it from anywhere; it rewrites index.json,
tree.*.json, commit.*.txt, error.*.json, repo.checkout-service.json (a copy
of ../github's) and repo/."""

import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "techdocs", "source", "checkout-service")
API = "https://api.github.com"
REPO = "oracle-org/checkout-service"
COMMIT = "e3b1c4d9a7f2086c5b1e9d3a4f60c2b78d9e1a05"
HOSTILE = "oracle-org/hostile-docs"
HOSTILE_COMMIT = "6f1d0c3b9a8e7d6c5b4a39281706f5e4d3c2b1a0"
EXTRA = {
    "README.md": "# checkout-service\n\nCart, order and checkout backend.\n",
    "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                         "  name: checkout-service\n  annotations:\n"
                         "    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n"
                         "  lifecycle: production\n  owner: team-a\n",
    "src/main.go": "package main\n\nfunc main() {}\n",
}
HEADERS = {
    "server": "github.com",
    "date": "Tue, 30 Dec 2025 12:04:11 GMT",
    "x-github-api-version-selected": "2022-11-28",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4990",
    "x-ratelimit-reset": "1767099851",
    "x-ratelimit-resource": "core",
}


def git(repo, *args):
    return subprocess.run(["git", "-C", repo] + list(args), check=True, stdout=subprocess.PIPE,
                          text=True).stdout


def build_repo(tmp):
    shutil.copytree(SRC, tmp, dirs_exist_ok=True)
    for path, text in EXTRA.items():
        os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
        with open(os.path.join(tmp, path), "w") as f:
            f.write(text)
    os.symlink("index.md", os.path.join(tmp, "docs", "latest.md"))
    git(tmp, "init", "-q")
    git(tmp, "add", "-A")
    return git(tmp, "write-tree").strip()


def tree_json(tmp, tree, repo):
    entries = []
    for line in git(tmp, "ls-tree", "-r", "-t", "-l", tree).splitlines():
        meta, path = line.split("\t", 1)
        mode, typ, sha, size = meta.split()
        e = {"path": path, "mode": mode, "type": typ, "sha": sha}
        if typ == "blob":
            e["size"] = int(size)
        e["url"] = "%s/repos/%s/git/%ss/%s" % (API, repo, typ, sha)
        entries.append(e)
    return {"sha": tree, "url": "%s/repos/%s/git/trees/%s" % (API, repo, tree),
            "tree": entries, "truncated": False}


def answer(fid, path, body, ctype, status=200, accept=None, query=None, source=""):
    e = {"id": fid, "method": "GET", "path": path}
    if query:
        e["query"] = query
    if accept:
        e["request_headers"] = {"accept": accept}
    e["status"] = status
    e["headers"] = dict(HEADERS, **{"content-type": ctype})
    e["body"] = body
    e["source"] = source
    return e


def write(name, data):
    with open(os.path.join(HERE, name), "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def error(fid, path, status, message, doc, accept=None):
    body = "error.%s.json" % fid
    write(body, json.dumps({"message": message, "documentation_url": doc,
                            "status": str(status)}, separators=(",", ":")))
    return answer(fid, path, body, "application/json; charset=utf-8", status, accept,
                  source="GitHub's error shape (message, documentation_url, status)")


def main():
    tmp = tempfile.mkdtemp()
    try:
        tree = build_repo(os.path.join(tmp, "r"))
        tj = tree_json(os.path.join(tmp, "r"), tree, REPO)
        shutil.rmtree(os.path.join(HERE, "repo"), ignore_errors=True)
        fixtures = []
        doc_commit = "https://docs.github.com/rest/commits/commits#get-a-commit"
        sha_type = "application/vnd.github.sha; charset=utf-8"
        shutil.copyfile(os.path.join(HERE, "..", "github", "repo.checkout-service.json"),
                        os.path.join(HERE, "repo.checkout-service.json"))
        fixtures.append(answer("repo", "/repos/%s" % REPO, "repo.checkout-service.json",
                               "application/json; charset=utf-8",
                               accept="application/vnd.github+json",
                               source="GET /repos/{owner}/{repo}: the github fixtures' recorded-"
                                      "shape answer (../github, id repo); default_branch main"))
        write("commit.checkout-service.main.txt", COMMIT)
        fixtures.append(answer("commit-main", "/repos/%s/commits/main" % REPO,
                               "commit.checkout-service.main.txt", sha_type,
                               accept="application/vnd.github.sha",
                               source="GET /repos/{owner}/{repo}/commits/{ref}, media type "
                                      "application/vnd.github.sha: the commit SHA as text"))
        write("tree.checkout-service.json", json.dumps(tj, indent=2) + "\n")
        fixtures.append(answer("tree-main", "/repos/%s/git/trees/%s" % (REPO, COMMIT),
                               "tree.checkout-service.json", "application/json; charset=utf-8",
                               query={"recursive": "1"},
                               source="GET /repos/{owner}/{repo}/git/trees/{tree_sha}"
                                      "?recursive=1 (tree_sha may be a commit SHA)"))
        for e in tj["tree"]:
            if e["type"] != "blob" or e["mode"] == "120000":
                continue
            dst = os.path.join(HERE, "repo", e["path"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(tmp, "r", e["path"]), dst)
            fixtures.append(answer("blob-" + e["path"], "/repos/%s/git/blobs/%s" % (REPO, e["sha"]),
                                   "repo/" + e["path"], "application/vnd.github.raw+json; charset=utf-8",
                                   accept="application/vnd.github.raw+json",
                                   source="GET /repos/{owner}/{repo}/git/blobs/{file_sha}, media "
                                          "type application/vnd.github.raw+json: the raw bytes"))
        fixtures.append(error("ref-unknown", "/repos/%s/commits/nope" % REPO, 422,
                              "No commit found for SHA: nope", doc_commit,
                              "application/vnd.github.sha"))
        fixtures.append(error("repo-missing", "/repos/oracle-org/missing/commits/main", 404,
                              "Not Found", doc_commit, "application/vnd.github.sha"))
        write("commit.hostile-docs.main.txt", HOSTILE_COMMIT)
        fixtures.append(answer("hostile-commit", "/repos/%s/commits/main" % HOSTILE,
                               "commit.hostile-docs.main.txt", sha_type,
                               accept="application/vnd.github.sha", source="as commit-main"))
        hostile = {"sha": HOSTILE_COMMIT, "url": "%s/repos/%s/git/trees/%s" % (API, HOSTILE, HOSTILE_COMMIT),
                   "tree": [dict(e, url=e["url"].replace(REPO, HOSTILE)) for e in tj["tree"]
                            if e["path"] in ("mkdocs.yml", "docs", "docs/index.md")],
                   "truncated": False}
        evil = dict(next(e for e in hostile["tree"] if e["path"] == "docs/index.md"))
        evil["path"] = "docs/../../../../tmp/techdocs-escape.md"
        hostile["tree"].append(evil)
        write("tree.hostile-docs.json", json.dumps(hostile, indent=2) + "\n")
        fixtures.append(answer("hostile-tree", "/repos/%s/git/trees/%s" % (HOSTILE, HOSTILE_COMMIT),
                               "tree.hostile-docs.json", "application/json; charset=utf-8",
                               query={"recursive": "1"},
                               source="made up: a tree entry whose path climbs out of the docs"))
        index = {"service": "github-tree", "base_url": API,
                 "notes": ["Stand-ins in GitHub's documented REST shapes, not recordings "
                           "(README.md); written by make.py."],
                 "fixtures": fixtures}
        write("index.json", json.dumps(index, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
