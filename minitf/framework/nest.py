"""Nested structures (lists, tuples, namedtuples, dicts) of leaves, as TF's `nest`: flatten in a
fixed order (dict keys sorted), rebuild the same structure around new leaves, and compare two
structures with TF's error text."""

import collections


def is_sequence(x):
    return isinstance(x, (list, tuple, dict, collections.OrderedDict)) and not hasattr(x, "_as_graph_element")


def _items(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(structure):
    """The leaves of `structure`, depth first (a leaf alone gives [leaf])."""
    if not is_sequence(structure):
        return [structure]
    out = []
    for item in _items(structure):
        out.extend(flatten(item))
    return out


def _rebuild(like, leaves):
    if isinstance(like, dict):
        keys = sorted(like)
        values = dict(zip(keys, leaves))
        return type(like)((k, values[k]) for k in like)
    if hasattr(like, "_fields"):  # namedtuple
        return type(like)(*leaves)
    return type(like)(leaves)


def pack_sequence_as(structure, flat):
    """`flat`'s leaves arranged in the structure of `structure`."""
    flat = list(flat)
    if not is_sequence(structure):
        if len(flat) != 1:
            raise ValueError("Structure is a scalar but len(flat_sequence) == %d > 1" % len(flat))
        return flat[0]
    pos = [0]

    def build(s):
        if not is_sequence(s):
            pos[0] += 1
            return flat[pos[0] - 1]
        return _rebuild(s, [build(item) for item in _items(s)])
    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError("Could not pack sequence. Structure had %d elements, but flat_sequence "
                         "had %d elements." % (n, len(flat)))
    return build(structure)


def map_structure(fn, *structures):
    """fn applied to the corresponding leaves of `structures` (which must match)."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def _same(a, b):
    if is_sequence(a) != is_sequence(b):
        return False
    if not is_sequence(a):
        return True
    if isinstance(a, dict) != isinstance(b, dict) or len(a) != len(b):
        return False
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return False
    return all(_same(x, y) for x, y in zip(_items(a), _items(b)))


def assert_same_structure(a, b):
    """Raises TF's ValueError when `a` and `b` are not the same nested structure."""
    if not _same(a, b):
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         "First structure: %s\n\nSecond structure: %s" % (_describe(a), _describe(b)))


def _describe(x):
    if not is_sequence(x):
        return "type=%s str=%s" % (type(x).__name__, x)
    return "type=%s str=%s" % (type(x).__name__, x)


def _first_type_difference(a, b):
    """The first pair of nested sequences, in flatten order, whose types differ (list against
    tuple, one namedtuple class against another), or None (a and b nest the same way)."""
    if not is_sequence(a):
        return None
    if type(a) is not type(b):
        return a, b
    for x, y in zip(_items(a), _items(b)):
        found = _first_type_difference(x, y)
        if found:
            return found
    return None


# tf.nest (TF 1.13+): the public functions, which compare sequence types too unless
# check_types=False (the engine's own callers compare structure only, as above)

def is_nested(seq):
    """tf.nest.is_nested: whether `seq` is a list, tuple (namedtuples too) or dict."""
    return is_sequence(seq)


def public_assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """tf.nest.assert_same_structure: ValueError when the two do not nest the same way, and
    with check_types a TypeError when two sequences at the same place have different types."""
    assert_same_structure(nest1, nest2)
    if check_types:
        found = _first_type_difference(nest1, nest2)
        if found:
            raise TypeError("The two structures don't have the same nested structure.\n\n"
                            "First structure: %s\n\nSecond structure: %s\n\nMore specifically: "
                            "The two structures don't have the same sequence type. First "
                            "structure has type %s, while second structure has type %s."
                            % (_describe(nest1), _describe(nest2), type(found[0]),
                               type(found[1])))


def public_flatten(structure, expand_composites=False):
    """tf.nest.flatten: the leaves of `structure`, dict values in sorted key order."""
    return flatten(structure)


def public_pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """tf.nest.pack_sequence_as: `flat_sequence` arranged in the structure of `structure`."""
    return pack_sequence_as(structure, flat_sequence)


def public_map_structure(func, *structure, **kwargs):
    """tf.nest.map_structure(func, *structure, check_types=True, expand_composites=False):
    func of the corresponding leaves, in the first structure's shape."""
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         "`expand_composites`, not: `%s`" % "`, `".join(sorted(kwargs)))
    if not structure:
        raise ValueError("Must provide at least one structure")
    for other in structure[1:]:
        public_assert_same_structure(structure[0], other, check_types=check_types)
    return map_structure(func, *structure)
