"""The generated rule reference in docs/rules/ matches the rules (regenerate: python docs/generate.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


def test_rule_pages_are_up_to_date(tmp_path):
    generate.write(tmp_path, generate.render())
    fresh = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.md")}
    committed = ROOT / "docs" / "rules"
    stale = generate.stale(committed, fresh)
    assert not stale, (f"docs/rules is stale ({', '.join(stale)}): run `{generate.COMMAND}` "
                       "and commit docs/rules/")


def test_every_rule_has_a_page_and_an_index_row():
    pages = generate.render()
    codes = [name[:-3] for name in pages if name != "README.md"]
    assert codes, "no rules found"
    for code in codes:
        assert f"[{code}]({code}.md)" in pages["README.md"]
        assert pages[f"{code}.md"].count("## What it does") == 1


def test_check_mode_reports_a_stale_page(tmp_path, capsys):
    generate.write(tmp_path, generate.render())
    assert generate.main(["--check", "--output", str(tmp_path)]) == 0
    page = next(p for p in tmp_path.glob("*.md") if p.name != "README.md")
    page.write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "ZZZ999.md").write_text("a removed rule\n", encoding="utf-8")
    assert generate.main(["--check", "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert page.name in err and "ZZZ999.md" in err and generate.COMMAND in err
    generate.write(tmp_path, generate.render())
    assert not (tmp_path / "ZZZ999.md").exists()
