#!/usr/bin/env python3
"""Writes a docs-as-code source of N pages (default 200) for bench/techdocs/build.sh:
mkdocs.yml with a nav of sections of 20 pages, docs/index.md, and pages of
about 4 kB each (headings, paragraphs with inline markup and links to other
pages, a list, a table, a fenced code block, an admonition, an image), the
shape of a real service's docs.  usage: gen.py DIR [N]"""
import os
import sys


def page(sec, i, n_sec, per):
    prev_link = f"../s{sec:02d}/p{i - 1:02d}.md" if i > 0 else "../index.md"
    other = f"../s{(sec + 1) % n_sec:02d}/p{i:02d}.md"
    parts = [f"# Section {sec} page {i}\n",
             f"This page documents **component {sec}-{i}** of the service. "
             f"See [the previous page]({prev_link}) and [a related page]({other}); "
             "the API lives at `GET /api/v1/things/{id}` and answers JSON.\n",
             f"![diagram](../images/diagram-{sec % 4}.png)\n"]
    for h in range(4):
        parts.append(f"## Topic {h} of page {i}\n")
        parts.append("The service keeps a cache per tenant and refreshes it every "
                     "*five minutes*; a miss goes to the database through the pool. "
                     "Operators watch the hit rate on the dashboard and page the "
                     "owning team when it drops.\nA second line of the paragraph "
                     "with ~~old~~ new wording and a link to https://example.com/docs.\n")
        parts.append("- first step: check the logs\n- second step: restart one pod\n"
                     "- [ ] a task left to do\n- [x] a task done\n")
        if h == 1:
            parts.append("| key | default | meaning |\n|-----|---------|---------|\n" +
                         "".join(f"| `opt_{k}` | {k * 10} | option {k} of the component |\n"
                                 for k in range(5)))
        if h == 2:
            parts.append("```bash\nkubectl -n checkout rollout restart deployment/svc\n"
                         "kubectl -n checkout get pods -l app=svc\n```\n")
        if h == 3:
            parts.append('!!! warning "Before you restart"\n    Drain the node first;'
                         " see `runbook.md`.\n")
    return "\n".join(parts)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    per = 20
    n_sec = (n - 1 + per - 1) // per
    docs = os.path.join(out, "docs")
    os.makedirs(os.path.join(docs, "images"), exist_ok=True)
    nav = ["nav:", "  - Home: index.md"]
    made = 1
    for sec in range(n_sec):
        os.makedirs(os.path.join(docs, f"s{sec:02d}"), exist_ok=True)
        nav.append(f"  - Section {sec}:")
        for i in range(per):
            if made >= n:
                break
            with open(os.path.join(docs, f"s{sec:02d}", f"p{i:02d}.md"), "w") as f:
                f.write(page(sec, i, n_sec, per))
            nav.append(f"      - Page {i}: s{sec:02d}/p{i:02d}.md")
            made += 1
    with open(os.path.join(docs, "index.md"), "w") as f:
        f.write("# Generated docs\n\nA generated site for the build benchmark.\n")
    for k in range(4):
        with open(os.path.join(docs, "images", f"diagram-{k}.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + bytes(2048))
    with open(os.path.join(out, "mkdocs.yml"), "w") as f:
        f.write("site_name: Generated\nsite_description: bench site\n"
                "repo_url: https://github.com/example/generated\nedit_uri: edit/main/docs/\n" +
                "\n".join(nav) + "\nplugins:\n  - techdocs-core\n")


if __name__ == "__main__":
    main()
