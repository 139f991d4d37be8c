"""Nested element structures as tf.data sees them: tuples, namedtuples and dicts (sorted by key)
are structure; everything else, lists included, is one component (TF1's rule for datasets)."""


from minitf import dtypes
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import TensorSpec


def is_sequence(x):
    return isinstance(x, dict) or (isinstance(x, tuple) and not isinstance(x, TensorSpec))


def flatten(x):
    """The components of `x`, depth first (dict items in sorted key order)."""
    if isinstance(x, dict):
        return [c for k in sorted(x) for c in flatten(x[k])]
    if is_sequence(x):
        return [c for item in x for c in flatten(item)]
    return [x]


def pack_as(structure, flat):
    """`flat` components arranged in the shape of `structure`."""
    flat = list(flat)
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            values = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, values[k]) for k in s)
        if is_sequence(s):
            items = [build(item) for item in s]
            return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
        return next(it)
    out = build(structure)
    if next(it, _END) is not _END:
        raise ValueError("Structure has %d components, got more" % len(flatten(structure)))
    return out


_END = object()


def map_structure(fn, *structures):
    flats = [flatten(s) for s in structures]
    for f in flats[1:]:
        if len(f) != len(flats[0]):
            raise ValueError("The two structures don't have the same number of elements: %d and %d"
                             % (len(flats[0]), len(f)))
    return pack_as(structures[0], [fn(*xs) for xs in zip(*flats)])


def assert_same_structure(a, b):
    """Raises TypeError/ValueError naming both when `a` and `b` do not nest the same way."""
    def shape(s):
        if isinstance(s, dict):
            return ("dict", tuple((k, shape(s[k])) for k in sorted(s)))
        if is_sequence(s):
            return ("tuple", tuple(shape(x) for x in s))
        return "."
    if shape(a) != shape(b):
        raise TypeError("The two structures don't have the same nested structure.\n\n"
                        "First structure: %s\n\nSecond structure: %s" % (_describe(a), _describe(b)))


def _describe(s):
    return repr(map_structure_any(lambda x: ".", s))


def map_structure_any(fn, s):
    return pack_as(s, [fn(x) for x in flatten(s)])


def types_and_shapes(output_types, output_shapes):
    """(DTypes, TensorShapes) in the structure of `output_types` (unknown shapes if None)."""
    types = map_structure_any(dtypes.as_dtype, output_types)
    if output_shapes is None:
        shapes = map_structure_any(lambda t: TensorShape(None), types)
    else:
        shapes = map_structure_any(as_shape, output_shapes) if is_sequence(types) \
            else as_shape(output_shapes)
    assert_same_structure(types, shapes)
    return types, shapes
