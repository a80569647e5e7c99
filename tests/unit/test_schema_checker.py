"""api/schema.py's own checker (one round, every field's message) says what `jsonschema` says of
every request schema the API declares: the same values valid, the same refused. The samples are
drawn from each schema (`drawn`, for the part of JSON Schema the helpers write), then some of them
spoiled at one place: a value replaced by any JSON value, a field dropped or added.

One difference is deliberate and kept out of the samples: 1.0 is an integer to JSON Schema (the
number one), not to the checker (the domain counts with ints), which refuses it clearly."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from chalicelib.api import schema

# A valid value of each of the domain's formats, so that valid samples are drawn too.
EXAMPLES = {
    "email": ["marie.durand@bio-lyon.fr", "a@b.fr"], "password": ["Rhone-Valley-2026!"],
    "phone": ["+33 4 72 00 00 00"], "line": ["Lyon", "1 quai Saint-Antoine"], "multiline": ["a\nb"],
    "postal-code": ["69002"], "date": ["2026-11-20"], "country": ["FR", "MA"],
    "secret-question": ["1"], "time-zone": ["Europe/Paris"], "notifications": [{"role_requests": False}],
    "organisation-id": ["FR-BIO-01"], "cn-code": ["0804 10 00"], "weight": ["12.5", "1000"],
    "packages": [3], "container": ["CSQU3054383"], "member-state": ["FR", "DE"],
    "mrn": ["10NL5663962BE1E825", "26fr 0000000000001 0"],
}


def _formats() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in schema.FORMATS.items():
        checker.checks(name)(lambda value, check=check: check(value) is None)
    return checker


def _schemas() -> list:
    from app import app

    found = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            operation = entry.view_function.operation
            for part in ("body", "query"):
                declared = getattr(operation, part)
                if declared is not None:
                    found.append(pytest.param(declared, id=f"{method} {path} {part}"))
    return found


SCHEMAS = _schemas()
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
                    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=6)


def test_each_format_example_is_valid():
    assert set(EXAMPLES) == set(schema.FORMATS)
    assert {name: [v for v in values if schema.FORMATS[name](v)] for name, values in EXAMPLES.items()} \
        == {name: [] for name in EXAMPLES}


@st.composite
def spoiled(draw, value):
    """`value` with one place changed (or none)."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        name = draw(st.sampled_from(sorted(value)))
        how = draw(st.sampled_from(["replace", "drop", "go in"]))
        if how == "go in":
            return {**value, name: draw(spoiled(value[name]))}
        if how == "drop":
            return {k: v for k, v in value.items() if k != name}
        return {**value, name: draw(JSON)}
    if isinstance(value, list) and value and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(spoiled(value[index])), *value[index + 1:]]
    if isinstance(value, dict) and draw(st.booleans()):
        return {**value, draw(st.text(min_size=1, max_size=8)): draw(JSON)}
    return draw(JSON) if draw(st.integers(0, 3)) == 0 else value


def _text(declared: dict):
    shortest, longest = declared.get("minLength", 0), declared.get("maxLength", 40)
    if "pattern" in declared:
        found = st.from_regex(declared["pattern"]).filter(lambda s: len(s) <= longest)
    else:
        found = st.integers(shortest, min(longest, 40)).flatmap(lambda size: st.text(min_size=size, max_size=size))
    # and the bounds, one character within and one beyond
    return found | st.sampled_from([shortest, longest, longest + 1, max(shortest - 1, 0)]).map(lambda n: "x" * n)


def drawn(declared: dict):
    """Values of `declared`, mostly valid (a format's examples may be too long for a field)."""
    if "anyOf" in declared or "oneOf" in declared:
        return st.one_of([drawn(choice) for choice in declared.get("anyOf") or declared["oneOf"]])
    if "enum" in declared:
        return st.sampled_from(declared["enum"])
    kinds = declared.get("type")
    if isinstance(kinds, list):
        return st.one_of([drawn({**declared, "type": kind}) for kind in kinds])
    if declared.get("format") in EXAMPLES:
        return st.sampled_from(EXAMPLES[declared["format"]])
    low, high = declared.get("minimum", -10**6), declared.get("maximum", 10**6)
    if kinds == "string":
        return _text(declared)
    if kinds == "integer":
        return st.integers(low, high)
    if kinds == "number":
        return st.floats(low, high, allow_nan=False).filter(lambda x: not x.is_integer()) | st.integers(low, high)
    if kinds == "array":
        return st.lists(drawn(declared.get("items", {})), max_size=min(declared.get("maxItems", 3), 3))
    if kinds == "object":
        properties, required = declared.get("properties", {}), set(declared.get("required", ()))
        return st.fixed_dictionaries({k: drawn(v) for k, v in properties.items() if k in required},
                                     optional={k: drawn(v) for k, v in properties.items() if k not in required})
    return {"boolean": st.booleans(), "null": st.none()}.get(kinds, JSON)


@pytest.mark.parametrize("declared", SCHEMAS)
def test_the_checker_agrees_with_jsonschema(declared):
    reference = Draft202012Validator(declared, format_checker=_formats())
    samples = drawn(declared)

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(st.data())
    def agree(data):
        value = data.draw(samples)
        value = data.draw(spoiled(value)) if data.draw(st.booleans()) else value
        refused = schema.problems(declared, value)
        errors = [e.message for e in reference.iter_errors(value)]
        assert bool(refused) == bool(errors), (value, refused, errors)

    agree()


def test_an_integral_float_is_no_integer_to_the_checker_alone():
    declared = schema.obj({"version": schema.integer(minimum=1)}, required=["version"])
    assert Draft202012Validator(declared).is_valid({"version": 1.0})
    assert schema.problems(declared, {"version": 1.0}) == {"version": schema.NOT_VALID}
    assert schema.problems(declared, {"version": 1}) == {}
