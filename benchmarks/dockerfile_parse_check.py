"""Why not ``dockerfile-parse`` (the design card's choice): its instructions against BuildKit's.

Not part of the test suite (``dockerfile-parse`` is not a dependency): install it next to the test
extra and run ``python benchmarks/dockerfile_parse_check.py DIR``. For every Dockerfile under DIR
it pairs dockerfile-parse's instructions with BuildKit's (the ``dockerfile`` package) by first
line and counts phantom instructions (read by dockerfile-parse only: heredoc body lines), missing
ones, wrong end lines, and how many of the files that differ hold a heredoc. The figures are in
``docs/dockerfile-parser.md``.
"""

from __future__ import annotations

import io
import re
import sys

import dockerfile
from dockerfile_parse import DockerfileParser

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from tests.dockerfile_oracle import dockerfiles


def check(text: str) -> tuple[int, int, int]:
    """(phantom, missing, wrong end line) of dockerfile-parse against BuildKit for one file."""
    theirs = {c.start_line: c for c in dockerfile.parse_string(text)}
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    ours = {item["startline"] + 1: item for item in parser.structure if item["instruction"] != "COMMENT"}
    phantom = sum(line not in theirs for line in ours)
    missing = sum(line not in ours for line in theirs)
    wrong_end = sum(ours[line]["endline"] + 1 != theirs[line].end_line for line in ours if line in theirs)
    return phantom, missing, wrong_end


def main(roots: list[str]) -> None:
    files = differ = heredoc_differ = heredoc_files = 0
    phantom = missing = wrong_end = instructions = 0
    for root in roots:
        for path in dockerfiles(root):
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            try:
                instructions += len(dockerfile.parse_string(text))
            except dockerfile.GoParseError:
                continue  # BuildKit refuses it: nothing to compare with
            files += 1
            heredoc = re.search(r"(?m)^\s*(RUN|COPY|ADD)\b.*<<", text) is not None
            heredoc_files += heredoc
            counts = check(text)
            phantom, missing, wrong_end = phantom + counts[0], missing + counts[1], wrong_end + counts[2]
            if any(counts):
                differ += 1
                heredoc_differ += heredoc
    print(f"{files} Dockerfiles ({instructions} BuildKit instructions; {heredoc_files} with a heredoc): "
          f"dockerfile-parse differs on {differ} ({heredoc_differ} of them with a heredoc): "
          f"{phantom} phantom instructions, {missing} missing, {wrong_end} wrong end lines")


if __name__ == "__main__":
    main(sys.argv[1:])
