"""Lists read a page at a time, with reads bounded by a constant: one request evaluates at most
`evaluated` items of the table, whatever its size, and returns where the next request goes on.

A list may come from several Queries read one after the other (its sources), e.g. a validator's
roles: those of each organisation they administer, then those routed to each authority they
hold a role in. A position is (source number, DynamoDB's last evaluated key); a cursor is that
position as opaque text, checked when it comes back (it never reaches DynamoDB unchecked).

`to_cursor` and `from_cursor` are the one codec of every list's cursor (a list with its own kind
of position, like the COIs' sort key, checks what `from_cursor` gives back)."""
import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Callable

from pynamodb.indexes import GlobalSecondaryIndex


@dataclass(frozen=True)
class Source:
    """One Query: an index, its hash key, an optional sort key condition."""

    index: GlobalSecondaryIndex
    hash_key: str
    range_key_condition: Any = None
    forward: bool = True         # sort key order; False: newest first

    @property
    def model(self):
        return self.index._model


@dataclass
class Page:
    items: list
    cursor: str | None          # None: nothing more to read
    evaluated: int              # items DynamoDB read for this page


def _key_names(source: Source) -> tuple[str, str]:
    """(names of the attributes of a last evaluated key, name of the index's hash key)."""
    schema = source.model._get_schema()
    (index,) = [i for i in schema["global_secondary_indexes"] if i["index_name"] == source.index.Meta.index_name]
    names = {k["AttributeName"] for k in schema["key_schema"] + index["key_schema"]}
    return names, next(k["AttributeName"] for k in index["key_schema"] if k["KeyType"] == "HASH")


def to_cursor(position) -> str:
    """A position (any JSON value) as opaque text for a URL."""
    raw = json.dumps(position, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def from_cursor(cursor: str):
    """The position `to_cursor` wrote; ValueError for text it did not write. The caller checks
    that the position is one of its list."""
    if len(cursor) > 2000:
        raise ValueError("not a cursor")
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValueError("not a cursor") from None


def encode(number: int, key: dict | None) -> str:
    return to_cursor({"s": number, "k": key})


def decode(cursor: str, sources: list[Source]) -> tuple[int, dict | None]:
    """The position a cursor of these sources holds; ValueError for anything else."""
    position = from_cursor(cursor)
    number, key = (position.get("s"), position.get("k")) if isinstance(position, dict) else (None, None)
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < len(sources) \
            or set(position) != {"s", "k"}:
        raise ValueError("not a cursor")
    if key is None:
        return number, None
    names, hash_name = _key_names(sources[number])
    if not isinstance(key, dict) or set(key) != names or not all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) and 0 < len(v["S"]) < 400
            for v in key.values()) or key[hash_name]["S"] != sources[number].hash_key:
        raise ValueError("not a cursor of this list")
    return number, key


def read(sources: list[Source], cursor: str | None, evaluated: int, shown: int,
         filter_condition=None, keep: Callable[[Any, Source], bool] = lambda item, source: True) -> Page:
    """Up to `shown` items (those the filter and `keep` accept) in the sources' order, from the
    cursor on, evaluating at most `evaluated` items. ValueError: a cursor of no such list."""
    number, key = decode(cursor, sources) if cursor else (0, None)
    found, budget, last_shown = [], evaluated, None
    while number < len(sources) and budget > 0 and len(found) < shown:
        source = sources[number]
        # Without a filter every item read is shown (unless `keep` drops it): read no more.
        size = budget if filter_condition is not None else min(budget, shown - len(found))
        results = source.index.query(source.hash_key, range_key_condition=source.range_key_condition,
                                     filter_condition=filter_condition, page_size=size,
                                     scan_index_forward=source.forward, last_evaluated_key=key)
        page = next(results.page_iter, None) or {}
        budget -= page.get("ScannedCount", len(page.get("Items", [])))
        names, _ = _key_names(source)
        for raw in page.get("Items", []):
            item = source.model.from_raw_data(raw)
            if not keep(item, source):
                continue
            if len(found) == shown:  # more matches than a page shows: go on after the last shown
                return Page(found, encode(number, last_shown), evaluated - budget)
            found.append(item)
            last_shown = {name: raw[name] for name in names}
        key = results.page_iter.last_evaluated_key
        if key is None:
            number += 1
    more = number < len(sources)
    return Page(found, encode(number, key) if more else None, evaluated - budget)
