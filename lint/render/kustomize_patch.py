"""Kustomize's patches in-process: strategic merge (kyaml ``merge2`` semantics) and JSON 6902.

Used by :mod:`isolint.render.kustomize_native`; whatever is not modelled here raises
:class:`Unsupported`, and the root is then built by the Kustomize binary instead.

Strategic merge, as kyaml's ``merge2`` walks it (``patchstrategicmerge.Filter``, with
``ListIncreaseDirection: Prepend``), checked against ``kubectl kustomize`` 1.32 and 1.37 in
``tests/test_kustomize_patch.py``:

* maps merge key by key; a ``null`` in the patch deletes the key; ``$patch: delete`` drops the map
  (the whole resource: :func:`strategic_merge` returns None), ``$patch: replace`` puts the patch's map
  in its place, ``$patch: merge`` is the default; the directive never reaches the output;
* a list merges only where Kustomize's built-in OpenAPI (Kubernetes 1.21.2, the only one kyaml ships)
  gives the field ``x-kubernetes-patch-strategy: merge``: by its merge key (``containers`` by ``name``,
  ``volumeMounts`` by ``mountPath`` ...), or by value for primitive lists (``finalizers``); the patch's
  items come first, in the patch's order, then the resource's other items. Every other list, and every
  list of a kind the built-in schema does not know (custom resources: kyaml infers nothing there), is
  replaced by the patch's list. :mod:`~isolint.render.kustomize_schema` holds that part of the
  schema, derived from Kubernetes' OpenAPI (the test re-derives it from ``kubernetes-validate``);
* the resource keeps its kind, name and namespace whatever the patch says (``ApplySmPatch``);
* a scalar takes the patch's value, but kyaml writes it in the resource's quoting: a number or boolean
  patching text is Unsupported (quoted text would stay text; this model does not see quoting).

Unsupported (the binary decides): a built-in kind the table lacks that may hold merge lists;
lists merged by two keys (ports with ``protocol``) where a patch item meets a resource item by its
first key and only one of them has the second (kyaml then drops one); merge-key items that are
missing, duplicated or not text/integers; kind mismatches (a map patched by a list ...); lists in
``status``; nested objects of built-in kinds in schema-less places; labels or annotations that are
not text in a patch. kyaml knows no other directive: ``$retainKeys``, ``$setElementOrder/...``
and ``$deleteFromPrimitiveList/...`` are ordinary keys to it, copied into the output, and so they are here.
``$patch: replace`` on the whole resource leaves it unchanged, and on a list item keeps the resource's
item (kyaml's prepend puts the resource's item back), as Kustomize does.

Patch text is read as Kustomize reads it: YAML JSON-6902 operations with YAML 1.1 (a plain ``y``/``n``
is a boolean), strategic-merge documents with YAML 1.2 (a plain ``yes``/``no``/``on``/``off``, a boolean
to PyYAML, is Unsupported). docs/kustomize-patch.md has the whole table and the figures.

Speed: the resource is changed in place; only the patch values that are inserted are copied, so one
patch document may be applied to many resources.
"""

from __future__ import annotations

import math
import re
from typing import Any

from isolint.yamlsource import BoolWord, YMap, load_all

from .kustomize_schema import FIELDS, MERGE_KINDS, ROOTS, SCHEMALESS


class Unsupported(Exception):
    """A construct the in-process build does not model (or an input Kustomize itself would reject):
    the root is built by the binary, which gives Kustomize's own output or error."""


_KINDS = frozenset(ROOTS.values())
_MISSING = object()
_DROP = object()
_PLAIN = "plain"  # a typed field with no merge list below: lists are replaced, maps merged


def _builtin_group(api_version: str) -> bool:
    """Whether ``api_version`` belongs to a Kubernetes API group (kyaml may hold a schema for it)."""
    group = api_version.rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def _flat(node: dict[str, Any]) -> bool:
    return not any(isinstance(value, (dict, list)) for value in node.values())


def _kind_schema(node: dict[str, Any], schema: Any) -> Any:
    """The schema of a map: its type's, or where kyaml has none, that of its own apiVersion and kind.

    Under a typed field the table does not follow (``_PLAIN``) kyaml may or may not switch to the
    object's kind; either way is the same while the object holds no merge list."""
    if schema is not None and schema is not _PLAIN:
        return schema
    api_version, kind = node.get("apiVersion"), node.get("kind")
    if not (isinstance(api_version, str) and isinstance(kind, str) and api_version and kind) or _flat(node):
        return schema
    found = ROOTS.get((api_version, kind))
    if found is None:
        if _builtin_group(api_version) and (api_version, kind) not in SCHEMALESS and (
                kind in MERGE_KINDS or _holds_list(node.get("status")) or _metadata_lists(node)):
            raise Unsupported(f"{api_version} {kind}, which is not in the modelled schema")
        return schema
    if schema is _PLAIN and _holds_merge_lists(node, found):
        raise Unsupported(f"an embedded {kind} holding merge lists inside a typed field")
    return found if schema is None else schema


def _metadata_lists(node: dict[str, Any]) -> bool:
    metadata = node.get("metadata")
    return isinstance(metadata, dict) and any(isinstance(metadata.get(k), list) for k in FIELDS["meta.v1.ObjectMeta"])


def _holds_list(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_list(item) for item in value.values())
    return isinstance(value, list)


def _holds_merge_lists(node: dict[str, Any], schema: str) -> bool:
    for key, (child, keys) in FIELDS.get(schema, {}).items():
        value = node.get(key)
        if isinstance(value, list) and keys is not None:
            return True
        if isinstance(value, dict) and child is not None and _holds_merge_lists(value, child):
            return True
    return False


def _field(schema: str | None, key: str) -> tuple[Any, tuple[str, ...] | None]:
    if schema is None:
        return None, None
    if schema is _PLAIN:
        return _PLAIN, None
    spec = FIELDS.get(schema, {}).get(key)
    if spec is None:
        return _PLAIN, None
    child, keys = spec
    return (child if child is not None else _PLAIN), keys


def _text(value: Any, where: str) -> str:
    """A merge key's or primitive item's text, as kyaml compares it (YAML scalar text)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Unsupported(f"a {type(value).__name__} item or merge key in {where}")


def copy_value(value: Any) -> Any:
    """A copy of a value's mappings and lists (as plain ``dict``/``list``), its scalars shared."""
    if isinstance(value, dict):
        return {k: copy_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_value(v) for v in value]
    return value


def _directive(patch: dict[str, Any]) -> str:
    value = patch.get("$patch", "merge")
    if value not in ("merge", "replace", "delete"):
        raise Unsupported(f"unknown patch strategy {value!r}")
    for key in patch:
        if not isinstance(key, str):
            raise Unsupported("a map key that is not text")
    return value


def _keyed(items: list[Any], keys: tuple[str, ...], where: str) -> dict[str, Any]:
    """``items`` by the text of their merge key (Unsupported where kyaml's matching is not a plain map)."""
    out: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or not item:
            raise Unsupported(f"an item of {where} that is not a map")
        key = _text(item[keys[0]], where) if item.get(keys[0]) is not None else ""
        if not key:  # kyaml reads an empty key as none
            raise Unsupported(f"an item of {where} without its merge key {keys[0]}")
        if key in out:
            raise Unsupported(f"two items of {where} with the merge key {key!r}")
        out[key] = item
    return out


def _primitives(items: list[Any], where: str) -> list[str]:
    texts = [_text(item, where) for item in items]
    if "" in texts:
        raise Unsupported(f"an empty item in {where}")
    return texts


def _add(value: Any, schema: Any, keys: tuple[str, ...] | None = None, where: str = "") -> Any:
    """A patch value where the resource has none: a fresh copy, with directives and nulls applied."""
    if value is None:
        return _DROP
    if isinstance(value, dict):
        schema = _kind_schema(value, schema)
        strategy = _directive(value)
        if strategy == "delete":
            return _DROP
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "$patch":
                continue
            child, child_keys = _field(schema, key)
            new = _add(item, child, child_keys, key)
            if new is not _DROP:
                out[key] = new
        return out
    if isinstance(value, list):
        if not keys:
            if keys == () and schema is not None:
                texts = _primitives(value, where)
                return [item for i, item in enumerate(value) if texts.index(texts[i]) == i]
            return copy_value(value)
        if len(keys) > 1:
            _multi_keyed(value, keys, where)
        else:
            _keyed(value, keys, where)
        out_list = []
        for item in value:
            new = _add(item, schema, None, where)
            if new is not _DROP:
                out_list.append(new)
        return out_list
    return value


def _multi_keyed(items: list[Any], keys: tuple[str, ...], where: str) -> None:
    """Items of a two-key merge list as kyaml matches them safely: each has its first key, and items that
    share it differ by all the others (kyaml drops items that share a first key and lack another)."""
    seen: dict[str, set[tuple[str, ...]]] = {}
    for item in items:
        if not isinstance(item, dict):
            raise Unsupported(f"an item of {where} that is not a map")
        key = tuple(_text(item[k], where) if item.get(k) is not None else "" for k in keys)
        if not key[0]:  # kyaml reads an empty key as none
            raise Unsupported(f"an item of {where} without its merge key {keys[0]}")
        same = seen.setdefault(key[0], set())
        if key in same or (same and "" in key + next(iter(same))):
            raise Unsupported(f"items of {where} that share the merge key {key[0]!r}")
        same.add(key)


def _check(value: Any, schema: Any, keys: tuple[str, ...] | None, where: str) -> None:
    """The resource's own value where the patch has none: kyaml walks it too, and rewrites merge lists
    that are not plain keyed maps (duplicates, items without key); those are Unsupported here."""
    if isinstance(value, dict):
        if schema is None or schema is _PLAIN:
            schema = _kind_schema(value, schema)
            if schema is None or schema is _PLAIN:
                return _check_plain(value, schema)
        if schema in _KINDS and _holds_list(value.get("status")):
            raise Unsupported("lists in a status")
        for key, item in value.items():
            child, child_keys = _field(schema, key)
            _check(item, child, child_keys, key)
    elif isinstance(value, list) and keys is not None:
        if keys == ():
            texts = _primitives(value, where)
            if len(set(texts)) != len(texts):
                raise Unsupported(f"repeated items in {where}")
        elif len(keys) > 1:
            _multi_keyed(value, keys, where)
        else:
            _keyed(value, keys, where)
        if schema is not _PLAIN:
            for item in value:
                _check(item, schema, None, where)


def _check_plain(value: Any, schema: Any) -> None:
    """A schema-less map of the resource: only embedded objects of known kinds would get a schema."""
    for item in value.values():
        if isinstance(item, dict):
            found = _kind_schema(item, schema)
            if found is not schema:
                _check(item, found, None, "")
            else:
                _check_plain(item, schema)


def _merge(dest: Any, patch: Any, schema: Any, keys: tuple[str, ...] | None, where: str) -> Any:
    if patch is None:
        return _DROP
    if dest is None:
        return _add(patch, schema, keys, where)
    if isinstance(dest, dict) and isinstance(patch, dict):
        return _merge_map(dest, patch, schema)
    if isinstance(dest, list) and isinstance(patch, list):
        return _merge_list(dest, patch, schema, keys, where)
    if isinstance(dest, (dict, list)) or isinstance(patch, (dict, list)):
        raise Unsupported(f"{where}: a {type(patch).__name__} patches a {type(dest).__name__}")
    if isinstance(dest, str) and not isinstance(patch, str):
        # kyaml gives the patch's scalar the resource's quoting: text if it was quoted, else as written
        raise Unsupported(f"{where}: a {type(patch).__name__} patches text (its quoting decides the type)")
    return patch


def _merge_map(dest: dict[str, Any], patch: dict[str, Any], schema: Any) -> Any:
    schema = _kind_schema(dest, schema)
    schema = _kind_schema(patch, schema)
    if schema in _KINDS and (_holds_list(dest.get("status")) or _holds_list(patch.get("status"))):
        raise Unsupported("lists in a status")  # the status types are not in the table
    strategy = _directive(patch)
    if strategy == "delete":
        return _DROP
    if strategy == "replace":
        return _add(patch, schema)
    for key, value in patch.items():
        if key == "$patch":
            continue
        child, child_keys = _field(schema, key)
        old = dest.get(key, _MISSING)
        new = _add(value, child, child_keys, key) if old is _MISSING else _merge(old, value, child, child_keys, key)
        if new is _DROP:
            dest.pop(key, None)
        else:
            dest[key] = new
    for key, value in dest.items():
        if key not in patch:
            child, child_keys = _field(schema, key)
            _check(value, child, child_keys, key)
    return dest


def _merge_list(dest: list[Any], patch: list[Any], schema: Any, keys: tuple[str, ...] | None, where: str) -> Any:
    if keys is None:
        return copy_value(patch)
    if keys == ():
        # the patch's values first, then the resource's others; a value in both is the resource's item
        mine = {}
        for item, text in zip(dest, _primitives(dest, where), strict=True):
            mine.setdefault(text, item)
        out = {}
        for item, text in zip(patch, _primitives(patch, where), strict=True):
            out.setdefault(text, mine.get(text, item))
        for text, item in mine.items():
            out.setdefault(text, item)
        return list(out.values())
    if len(keys) > 1:
        _multi_keyed(patch, keys, where)
        _multi_keyed(dest, keys, where)
        if any(item.get(key) is not None for item in dest + patch for key in keys[1:]):
            return _merge_two_keys(dest, patch, schema, keys, where)
        keys = keys[:1]  # no item has the other keys: kyaml merges by the first alone
    by_key = _keyed(patch, keys, where)
    old = _keyed(dest, keys, where)
    out = []
    for key, item in by_key.items():
        if key in old and _directive(item) == "replace":
            # kyaml puts the patch's item in, then its appendListNode sets the resource's own item back
            _check(old[key], schema, None, where)
            new = old[key]
        elif key in old:
            new = _merge_map(old[key], item, schema)
        else:
            new = _add(item, schema, None, where)
        if new is not _DROP:
            out.append(new)
    for key, item in old.items():
        if key not in by_key:
            _check(item, schema, None, where)
            out.append(item)
    return out


def _merge_two_keys(dest: list[Any], patch: list[Any], schema: Any, keys: tuple[str, ...], where: str) -> list[Any]:
    """A list merged by two keys where some item has the second (``protocol`` of ports): as kyaml's
    merge comes out, the patch's new items first, then the resource's items in their own order, each
    merged with the patch's item of the same keys (a ``$patch: replace`` item leaves it unchanged, and a
    ``$patch: delete`` item without the second key deletes nothing)."""

    def full(item: dict[str, Any]) -> tuple[str, ...]:
        return tuple(_text(item[k], where) if item.get(k) is not None else "" for k in keys)

    mine = {full(item): item for item in dest}
    added, merged = [], {}
    for item in patch:
        key = full(item)
        if "" in key and _directive(item) == "delete":
            continue  # kyaml deletes by all the keys or not at all
        if key in mine:
            if _directive(item) == "replace":
                _check(mine[key], schema, None, where)
                merged[key] = mine[key]
            else:
                merged[key] = _merge_map(mine[key], item, schema)
            continue
        if any(other[0] == key[0] and "" in key + other for other in mine):
            # the same first key, one without the other: kyaml drops one of them
            raise Unsupported(f"{where}: items that share the merge key {key[0]!r}, one without {keys[1]}")
        new = _add(item, schema, None, where)
        if new is not _DROP:
            added.append(new)
    out = added
    for key, item in mine.items():
        if key not in merged:
            _check(item, schema, None, where)
            out.append(item)
        elif merged[key] is not _DROP:
            out.append(merged[key])
    return out


def strategic_merge(resource: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any] | None:
    """``resource`` with the strategic-merge ``patch`` applied (None: the patch deletes it).

    The resource is changed in place (and returned); it keeps its apiVersion, kind, name and namespace,
    as Kustomize's ``ApplySmPatch`` restores them (without the ``allowNameChange``/``allowKindChange``
    options, which the caller does not pass here)."""
    if not isinstance(resource, dict) or not isinstance(patch, dict):
        raise Unsupported("a strategic-merge patch or resource that is not a map")
    api_version, kind = resource.get("apiVersion"), resource.get("kind")
    metadata = resource.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        raise Unsupported("a resource without metadata.name")
    name, namespace = metadata["name"], metadata.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        raise Unsupported("a namespace that is not text")
    for key in ("apiVersion", "kind", "metadata"):
        if key in patch and not isinstance(patch[key], dict if key == "metadata" else str):
            raise Unsupported(f"a patch that sets {key} to {patch[key]!r}")
    if _directive(patch) == "replace":
        return resource  # kyaml returns the patch as a new node, which Resource.ApplyFilter never reads
    for key in ("labels", "annotations"):
        values = patch.get("metadata", {}).get(key)
        if isinstance(values, dict) and not all(value is None or isinstance(value, str) for value in values.values()):
            raise Unsupported(f"patch {key} that are not text")
    merged = _merge_map(resource, patch, None)
    if merged is _DROP:
        return None
    merged["apiVersion"], merged["kind"] = api_version, kind
    meta = merged.get("metadata")
    if not isinstance(meta, dict):
        raise Unsupported("a patch that drops metadata")
    meta["name"] = name
    if namespace:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    return merged


def _pointer(path: Any) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise Unsupported(f"the JSON pointer {path!r}")
    return [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]


def _index(token: str, size: int, end_ok: bool) -> int:
    """A list index as evanphx/json-patch reads it (only the plain forms; the rest is Unsupported)."""
    if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
        raise Unsupported(f"the list index {token!r}")
    index = int(token)
    if index > size or (index == size and not end_ok):
        raise Unsupported(f"the list index {index} out of range")
    return index


def _parent(doc: Any, tokens: list[str]) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict):
            if token not in node:
                raise Unsupported(f"a missing path element {token!r}")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(token, len(node), False)]
        else:
            raise Unsupported(f"a path through a scalar at {token!r}")
    if not isinstance(node, (dict, list)):
        raise Unsupported("a path whose parent is not a map or list")
    return node


def _get(doc: Any, tokens: list[str]) -> Any:
    parent, last = _parent(doc, tokens), tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise Unsupported(f"a missing path element {last!r}")
        return parent[last]
    return parent[_index(last, len(parent), False)]


def _remove(doc: Any, tokens: list[str]) -> Any:
    parent, last = _parent(doc, tokens), tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise Unsupported(f"remove of a missing key {last!r}")
        return parent.pop(last)
    return parent.pop(_index(last, len(parent), False))


def _put(doc: Any, tokens: list[str], value: Any, replace: bool) -> None:
    parent, last = _parent(doc, tokens), tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value  # evanphx/json-patch: replace of a missing key adds it
    elif replace:
        parent[_index(last, len(parent), False)] = value
    elif last == "-":
        parent.append(value)
    else:
        parent.insert(_index(last, len(parent), True), value)


def _same(a: Any, b: Any) -> bool:
    """JSON equality (1 is not true; 1 and 1.0 are the same number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b if not isinstance(a, str) else isinstance(b, str) and a == b


def json6902(resource: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """``resource`` with the JSON 6902 ``operations`` applied (in place; inserted values are copies).

    As evanphx/json-patch applies them for Kustomize: ``add`` (a list index inserts, ``-`` appends),
    ``remove``, ``replace``, ``move``, ``copy``, ``test``. Whatever would be an error (a missing path, a
    failed test, an index out of range) raises Unsupported: the binary then reports it. The operations
    may rename the resource or change its kind: the caller reads its id again."""
    if not isinstance(resource, dict):
        raise Unsupported("a JSON patch on a resource that is not a map")
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("op"), str):
            raise Unsupported("a JSON patch operation without op")
        op, tokens = operation["op"], _pointer(operation.get("path"))
        if op in ("add", "replace", "test") and "value" not in operation:
            raise Unsupported(f"a JSON patch {op} without value")
        if op == "add":
            _put(resource, tokens, copy_value(operation["value"]), replace=False)
        elif op == "replace":
            _put(resource, tokens, copy_value(operation["value"]), replace=True)
        elif op == "remove":
            _remove(resource, tokens)
        elif op in ("move", "copy"):
            source = _pointer(operation.get("from"))
            if op == "move":
                if tokens[: len(source)] == source and tokens != source:
                    raise Unsupported("a move into its own source")
                _put(resource, tokens, _remove(resource, source), replace=False)
            else:
                _put(resource, tokens, copy_value(_get(resource, source)), replace=False)
        elif op == "test":
            if not _same(_get(resource, tokens), operation["value"]):
                raise Unsupported(f"a failed JSON patch test at {operation['path']}")
        else:
            raise Unsupported(f"the JSON patch operation {op!r}")
    return resource


def split_patch(text: str) -> tuple[str, list[Any]]:
    """How Kustomize reads a patch's text: ``("json6902", operations)`` or ``("smp", documents)``.

    A YAML or JSON list of operations is a JSON 6902 patch; maps are strategic-merge documents (several
    in one file are several patches; empty documents are dropped). Anything else (text that is neither,
    an empty patch, ``kind: List`` documents, which Kustomize expands) raises Unsupported."""
    docs = []
    for doc, error in load_all(text):
        if error is not None:
            raise Unsupported(f"a patch that is not YAML: {error}")
        if doc is None and not docs:
            raise Unsupported("a patch whose first document is empty (Kustomize 5.5 reads it as both kinds)")
        if doc is not None:
            _readable(doc)
            docs.append(doc)
    if len(docs) == 1 and isinstance(docs[0], list):
        for operation in docs[0]:
            if not isinstance(operation, dict) or not isinstance(operation.get("op"), str):
                raise Unsupported("a JSON patch item that is not an operation")
        # Kustomize reads YAML operations with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): a plain y/n is
        # a boolean there, as yes/no/on/off are to PyYAML already
        return "json6902", _yaml11(docs[0]) if not text.startswith("[") else docs[0]
    if _YAML11_WORD.search(text):
        raise Unsupported("a plain yes/no/on/off, text to kyaml (YAML 1.2) but a boolean to PyYAML")
    if not docs or not all(isinstance(doc, dict) and doc for doc in docs):
        raise Unsupported("a patch that is neither a JSON 6902 list nor strategic-merge maps")
    for doc in docs:
        metadata = doc.get("metadata")
        if not isinstance(doc.get("kind"), str) or not isinstance(metadata, dict) or not isinstance(
                metadata.get("name"), str):
            raise Unsupported("a strategic-merge patch without kind and metadata.name (Kustomize cannot read it)")
        if doc["kind"].endswith("List") and "items" in doc:
            raise Unsupported("a List document as a patch")
    return "smp", docs


def _readable(value: Any) -> None:
    """Unsupported for what Kustomize's YAML reader reads otherwise: a duplicate key (kyaml keeps the
    first, the loader the last), a map or list as a key, a key that is not text (kyaml keeps ``80:``
    as the text ``"80"``), a float JSON would write otherwise (the in-process build writes JSON)."""
    if isinstance(value, dict):
        if isinstance(value, YMap) and (value.duplicates or value.complex_keys):
            raise Unsupported("a duplicate or complex key in a patch")
        for key, item in value.items():
            if not isinstance(key, str):
                raise Unsupported("a patch key that is not text")
            _readable(item)
    elif isinstance(value, list):
        for item in value:
            _readable(item)
    elif isinstance(value, float) and (not math.isfinite(value) or "e" in repr(value)):
        raise Unsupported("a float JSON would write otherwise")


# a plain YAML 1.1 boolean word that YAML 1.2 reads as text, as a value (after ``key:`` or ``- ``, or in
# a flow collection); a word inside a longer text does not match
_YAML11_WORD = re.compile(
    r"(?m)(?:^|[:\-][ \t]+|[,\[{][ \t]*)(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)[ \t]*(?:[,\]}]|[ \t]#|$)")


def _yaml11(value: Any) -> Any:
    if isinstance(value, dict):
        if any(isinstance(key, BoolWord) for key in value):
            raise Unsupported("a plain y/n key in a JSON patch")
        return {key: _yaml11(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_yaml11(item) for item in value]
    return value.boolean if isinstance(value, BoolWord) else value
