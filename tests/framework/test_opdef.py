"""OpDef makes every op class a frozen dataclass, family bases included: a field declared once on
a base is a field (with equality, hashing and TF attrs) of every op of the family."""

import dataclasses

import pytest

from minitf.framework.registry import OpDef
from minitf.ops import core, reductions


class _Family(OpDef):
    axis: int = 0
    kernel = ""  # not annotated: a class constant, not a field


class _Leaf(_Family):
    keepdims: bool = False


@dataclasses.dataclass(frozen=True)  # the explicit style DESIGN.md shows still works on top
class _Decorated(_Family):
    exclusive: bool = False


def test_fields_declared_on_a_base_belong_to_every_subclass():
    assert [f.name for f in dataclasses.fields(_Leaf)] == ["axis", "keepdims"]
    assert [f.name for f in dataclasses.fields(_Decorated)] == ["axis", "exclusive"]
    assert _Leaf(1, True).attrs() == {"axis": 1, "keepdims": True}
    assert _Leaf(1) == _Leaf(axis=1) and hash(_Leaf(1)) == hash(_Leaf(axis=1))
    assert _Leaf(1) != _Leaf(2)
    for field in ("axis", "keepdims"):
        assert field not in core.Sum.__dict__.get("__annotations__", {})  # declared once
    assert [f.name for f in dataclasses.fields(core.Sum)] == ["axis", "keepdims"]
    assert [f.name for f in dataclasses.fields(reductions.Cumsum)] == ["axis", "exclusive", "reverse"]


def test_op_instances_are_frozen():
    leaf = _Leaf(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        leaf.axis = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del leaf.axis
    with pytest.raises(dataclasses.FrozenInstanceError):
        _Decorated().exclusive = True
