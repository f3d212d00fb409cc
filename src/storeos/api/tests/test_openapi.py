"""The OpenAPI document describes each operation's own body: schemas are named once."""

from ninja import Schema

import storeos.api.api  # noqa: F401 (imports every router, so every schema class exists)


def _schemas(base=Schema):
    for sub in base.__subclasses__():
        yield sub
        yield from _schemas(sub)


def test_no_two_schemas_share_a_name():
    # The document keys components by class name: a second PolicyIn silently replaced the first,
    # and the inventory policy operation was documented with the return policy's body.
    names = {}
    for schema in _schemas():
        if schema.__module__.startswith("storeos."):
            names.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: mods for name, mods in names.items() if len(mods) > 1} == {}
