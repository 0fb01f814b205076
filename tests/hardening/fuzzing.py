"""Fuzzing inputs for the wire protocol: random bytes, random JSON, and frames shaped
like every request type with random values in their fields. Used by the test suite
(bounded) and by bench/surge.py (a longer run)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from hypothesis import strategies as st

from rooms.protocol import Request

# Requests that end or replace the connection's session are left to the auth tests.
_SKIP = {"login", "resume", "logout"}
_TYPES = {t.__struct_config__.tag: t for t in Request.__args__}  # type: ignore[attr-defined]
_FIELDS = {
    tag: [f.name for f in msgspec.structs.fields(t) if f.name != "id"]
    for tag, t in _TYPES.items()
    if tag not in _SKIP
}

_ids = st.sampled_from(["room-1", "room-2", "tono", "yui", "aiko", "", "x" * 80, "../../etc"])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=60)
    | _ids,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(["kind", "site_id"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


@st.composite
def shaped_request(draw: st.DrawFn) -> dict[str, Any]:
    tag = draw(st.sampled_from(sorted(_FIELDS)))
    fields = _FIELDS[tag]
    chosen = draw(st.lists(st.sampled_from(fields), unique=True)) if fields else []
    frame: dict[str, Any] = {"type": tag, "id": draw(st.integers(min_value=-5, max_value=2**53))}
    for name in chosen:
        frame[name] = draw(json_values)
    if draw(st.booleans()):
        frame[draw(st.text(max_size=8))] = draw(json_values)
    return frame


frames = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    json_values.map(json.dumps),
    shaped_request().map(json.dumps),
    shaped_request().map(json.dumps),
    shaped_request().map(json.dumps),
)
