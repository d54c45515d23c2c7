"""The positioned YAML loader: positions, merge keys, and its limits on hostile input."""

from __future__ import annotations

import pytest

from isolint import yamlsource
from isolint.yamlsource import MAX_DEPTH, YMap, YSeq, load_all, may_nest_deeper_than, scan_depth


def _one(text: str):
    [(doc, error)] = list(load_all(text))
    assert error is None, error.message
    return doc


def _error(text: str) -> yamlsource.YamlError:
    results = list(load_all(text))
    errors = [error for _, error in results if error is not None]
    assert errors, results
    return errors[0]


def test_positions_of_keys_and_items_are_one_based():
    doc = _one("a: 1\nlist:\n  - x\n  -   y\n")
    assert isinstance(doc, YMap) and doc.pos == (1, 1)
    assert doc.pos_of("a") == (1, 1) and doc.pos_of("list") == (2, 1)
    assert isinstance(doc["list"], YSeq) and doc["list"].pos_of(1) == (4, 7)


def test_merge_keys_explicit_keys_win_and_merged_keys_keep_their_place():
    doc = _one("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")
    assert doc["use"] == {"x": 1, "y": 3}
    assert doc["use"].pos_of("x") == (1, 11)


def test_aliases_are_shared_not_copied():
    doc = _one("a: &a {k: v}\nb: *a\n")
    assert doc["a"] is doc["b"]


def test_duplicate_keys_are_kept_last_value_wins():
    doc = _one("a: 1\nb: 2\na: 3\n")
    assert doc["a"] == 3 and doc.duplicates == [("a", (3, 1))]


@pytest.mark.parametrize("text", [
    "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10)),
    "c: &c {name: c}\nl: [" + ", ".join(["*c"] * 200_000) + "]\n",
    "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" if i else "a0: &a0 [x, x]\n" for i in range(60)),
])
def test_alias_bombs_are_refused_as_excessive_aliasing(text: str):
    assert "excessive aliasing" in _error(text).message


def test_ordinary_anchor_reuse_is_accepted():
    text = "x-base: &base {image: a, restart: always}\n" + "".join(
        f"s{i}: {{<<: *base, name: s{i}}}\n" for i in range(200)) + "all: [" + ", ".join(["*base"] * 500) + "]\n"
    assert len(_one(text)) == 202


def test_allowed_alias_ratio_follows_go_yaml():
    assert yamlsource.allowed_alias_ratio(1000) == 0.99
    assert yamlsource.allowed_alias_ratio(4_000_000) == 0.10
    assert 0.10 < yamlsource.allowed_alias_ratio(2_000_000) < 0.99


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a {<<: *a}\n"])
def test_recursive_aliases_are_refused(text: str):
    assert "recursive alias" in _error(text).message


def test_merge_key_copies_are_bounded(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(yamlsource, "MAX_MERGE_COPIES", 1000)
    text = "big: &big {" + ", ".join(f"k{i}: 1" for i in range(100)) + "}\n" + "".join(
        f"m{j}: {{<<: *big}}\n" for j in range(20))
    assert "merge-key bomb" in _error(text).message


SHAPES = {
    "flow sequences": lambda n: "[" * n + "]" * n,
    "flow mappings": lambda n: "{a: " * n + "1" + "}" * n,
    "flow pairs": lambda n: "[a: " * n + "1" + "]" * n,
    "block sequences": lambda n: "- " * n + "x\n",
    "explicit keys": lambda n: "? " * n + "x\n",
    "block mappings": lambda n: "".join(" " * i + "a:\n" for i in range(n)) + " " * n + "b\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_deep_nesting_of_every_shape_is_an_error_not_a_crash(shape: str):
    text = SHAPES[shape](MAX_DEPTH + 50 if shape == "block mappings" else 200_000)
    assert "nesting deeper than" in _error(text).message


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_nesting_guard_for_old_libyaml_is_sound_for_every_shape(shape: str):
    """libyaml < 0.2.6 segfaults on deep input: the cheap test must never wave a deep text
    through, and the event scan must catch it."""
    deep = SHAPES[shape](MAX_DEPTH + 5)
    assert may_nest_deeper_than(deep, MAX_DEPTH)
    with pytest.raises(yamlsource.YamlError, match="nesting deeper"):
        scan_depth(deep)
    scan_depth(SHAPES[shape](MAX_DEPTH // 2 - 10))  # shallower (a flow pair is two levels): no error


def test_the_cheap_nesting_test_passes_ordinary_files():
    assert not may_nest_deeper_than("apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n", MAX_DEPTH)


def test_tabs_are_reported_as_tabs():
    error = _error("a:\n\tb: 1\n")
    assert "tab character" in error.message and (error.line, error.column) == (2, 1)


def test_json_indented_with_tabs_keeps_positions():
    doc = _one('\t{\n\t"kind": "Pod",\n\t"spec": {"x": 1}\n}\n\t')
    assert doc["kind"] == "Pod" and doc.pos_of("spec") == (3, 2)


def test_a_stream_of_json_objects_is_read_object_by_object_with_positions():
    results = list(load_all('{"kind": "A"}\n  {"kind": "B",\n "x": {"y": 1, "y": 2}}\n'))
    (first, e1), (second, e2) = results
    assert e1 is None and e2 is None
    assert first.pos == (1, 1) and second.pos == (2, 3) and second.pos_of("x") == (3, 2)
    assert second["x"].duplicates == [("y", (3, 16))]


def test_a_syntax_error_in_a_json_stream_is_placed_in_the_file():
    *_, (doc, error) = load_all('{"a": 1}\n{"b": [1, }\n')
    assert doc is None and error.line == 2


def test_unsafe_tags_are_never_constructed():
    doc = _one("a: !!python/object/apply:os.system ['true']\nb: !!binary aGk=\nc: !Ref x\n")
    assert doc["b"] == "aGk=" and doc["c"] == "x" and isinstance(doc["a"], YSeq)


def test_unrendered_template_keys_are_recorded():
    doc = _one("name: {{ .Release.Name }}\n")
    assert doc["name"].complex_keys == ((1, 8),)


def test_huge_integers_and_odd_scalars_do_not_raise():
    doc = _one("a: " + "9" * 5000 + "\nb: 2001-01-01\nc: .nan\nd: 0x_1\n")
    assert isinstance(doc["a"], (int, str)) and doc["b"] == "2001-01-01"


@pytest.mark.parametrize("text", ['!!bool maybe', '!!int ""', '!!float ""', '!!timestamp soon', '!!set x',
                                  '!!map x', '!!omap x', '!!binary aGk='])
def test_an_explicit_tag_on_text_it_cannot_read_keeps_the_text(text: str):
    written = text.split(" ", 1)[1].strip('"')
    assert _one(f"a: {text}\n")["a"] == written


def test_explicit_tags_that_read_their_text_still_convert_it():
    doc = _one("a: !!bool yes\nb: !!int '12'\nc: !!timestamp 2002-12-14\nd: !!float '1.5'\ne: !!null x\n")
    assert doc == {"a": True, "b": 12, "c": "2002-12-14", "d": 1.5, "e": None}


def _positions(value) -> list:
    """Every position a converted document records, in a fixed order."""
    if isinstance(value, YMap):
        return [value.pos, sorted(value.key_pos.items(), key=repr), value.duplicates, value.complex_keys,
                sorted(value.tags.items()), *(_positions(v) for v in value.values())]
    if isinstance(value, YSeq):
        return [value.pos, value.item_pos, *(_positions(v) for v in value)]
    return []


@pytest.mark.parametrize("text", [
    "a: 1\nlist: [x, {y: [1, 2]}]\nm:\n  k: v\n  k: w\n  ? [c]\n  : d\n",
    "base:\n  <<: {x: 1, y: {z: 2}}\n  y: 3\nmany:\n  <<: [{a: 1}, {a: 2, b: [3]}]\n",
    "services:\n  web:\n    image: !reset null\n    ports: !override [80]\n",
])
def test_without_aliases_nothing_is_shared_and_the_result_is_the_same(text: str):
    """A stream without ``*`` holds no alias: its documents are converted without remembering shared
    collections or counting expanded nodes, with the same result."""
    alone = _one(text)
    shared = _one(text + "# a '*' anywhere in the stream makes the loader remember shared collections\n")
    assert alone == shared and _positions(alone) == _positions(shared)
