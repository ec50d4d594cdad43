#!/usr/bin/env python3
"""Extracts the example entities of spec openchoreo-provider.md §2.1-§2.17.

Each ```json block of those sections becomes expected/<kind>.<name>.json
(kind lower-cased, the block's text as the spec prints it), and the
synthetic input printed before it in backticks, when there is one,
input/<kind>.<name>.json.  check_openchoreo_translate compares the
translators' output with these files, so they are the spec's text, not
typed by hand.  Run from anywhere:

    python3 tests/data/openchoreo/extract.py [path/to/openchoreo-provider.md]

The default spec path is ../shared/spec/ beside the clone.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "..", "..", "..", "..", "shared", "spec",
                            "openchoreo-provider.md")
BLOCK = re.compile(r"```json\n(.*?)```", re.S)
INPUT = re.compile(r"`(\{\"apiVersion\":.*?\})`")


def sections(text):
    """The text of §2.1 up to (not including) §2.18."""
    start = text.index("\n### 2.1 ")
    end = text.index("\n### 2.18 ")
    return text[start:end]


def write(sub, name, text):
    os.makedirs(os.path.join(HERE, sub), exist_ok=True)
    with open(os.path.join(HERE, sub, name), "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def main():
    spec = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SPEC
    with open(spec, encoding="utf-8") as f:
        text = sections(f.read())
    seen, last = set(), 0
    for m in BLOCK.finditer(text):
        entity = json.loads(m.group(1))
        name = "%s.%s.json" % (entity["kind"].lower(), entity["metadata"]["name"])
        if name in seen:
            sys.exit("extract.py: two examples named %s" % name)
        seen.add(name)
        write("expected", name, m.group(1))
        inputs = INPUT.findall(text[last:m.start()])
        if inputs:
            json.loads(inputs[-1])
            write("input", name, inputs[-1])
        last = m.end()
    print("extract.py: %d examples" % len(seen))


if __name__ == "__main__":
    main()
