"""tf.debugging.assert_shapes: shapes of several tensors checked against symbolic
specifications ("N", 3, "." or None for any size, a leading "*" or ... for any outer
dimensions), the same symbol meaning the same size everywhere. What the static shapes already
decide fails (ValueError) or passes when the graph is built; the rest becomes Assert ops."""

from minitf.framework.graph import control_dependencies, name_scope
from minitf.framework.shapes import Dimension
from minitf.ops import array_ops, math_ops
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.control_ops import group
from minitf.ops.logging_ops import Assert, assert_rank, assert_rank_at_least, assert_rank_in

__all__ = ["assert_shapes"]

_ANY_OUTER = ("*", Ellipsis)


def _known(size):
    """Whether `size` is a number (an int, or a string or Dimension of one)."""
    if size is None:
        return False
    try:
        int(size)
    except (TypeError, ValueError):
        return False
    return True


def _any_size(symbol):
    return symbol is None or (isinstance(symbol, str) and symbol == ".")


def _sizes(x):
    """x's dimension sizes, static ints where known, else tensors; a scalar is one dimension
    of size 1 (so `()` and `(1,)` both describe it)."""
    rank = x.shape.ndims
    if rank == 0:
        return [1]
    dynamic = array_ops.shape(x)
    if rank is not None:
        return [d if d is not None else dynamic[i] for i, d in enumerate(x.shape.as_list())]
    from minitf.ops.control_flow_ops import cond
    return cond(math_ops.equal(array_ops.rank(x), 0), lambda: constant([1]), lambda: dynamic)


class _Spec:
    def __init__(self, x, symbols, prefix):
        if not (hasattr(symbols, "__iter__") or hasattr(symbols, "__getitem__")):
            raise ValueError("%sTensor %s.  Specified shape must be an iterable.  An iterable has "
                             "the attribute `__iter__` or `__getitem__`.  Received specified "
                             "shape: %s" % (prefix, x.name, symbols))
        # (a TensorShape gives Dimensions: their sizes, None for an unknown one)
        symbols = tuple(s.value if isinstance(s, Dimension) else s for s in symbols)
        for i, symbol in enumerate(symbols):
            if i and _is_any_outer(symbol):
                raise ValueError("%sTensor %s specified shape index %d.  Symbol `...` or `*` for "
                                 "a variable number of unspecified dimensions is only allowed as "
                                 "the first entry" % (prefix, x.name, i))
        self.x = x
        self.any_outer = bool(symbols) and _is_any_outer(symbols[0])
        self.symbols = (symbols[1:] if self.any_outer else symbols) or (1,)
        self.sizes = _sizes(x)


def _is_any_outer(symbol):
    return any(symbol is s or (isinstance(symbol, str) and symbol == s) for s in _ANY_OUTER)


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """tf.debugging.assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    `shapes` a list of (tensor, shape) pairs (or a dict); each shape lists a size per
    dimension: an int, a symbol (the same symbol must be the same size in every tensor), "." or
    None for any size; a first entry "*" or ... allows any number of outer dimensions. A scalar
    counts as one dimension of size 1. Returns an op running the checks left for run time
    (InvalidArgumentError); a violation the static shapes show is a ValueError now."""
    if isinstance(shapes, dict):
        shapes = shapes.items()
    prefix = "%s.  " % message if message else ""
    with name_scope(name, "assert_shapes", [shapes, data]):
        specs = [_Spec(convert_to_tensor(x), symbols, prefix)
                 for x, symbols in shapes if symbols is not None]
        rank_checks = []
        for spec in specs:
            rank = len(spec.symbols)
            if spec.any_outer:
                if rank > 1:
                    rank_checks.append(assert_rank_at_least(spec.x, rank, data, summarize,
                                                            message, name))
            elif rank == 1:  # (0 or 1: a scalar is a dimension of size 1)
                rank_checks.append(assert_rank_in(spec.x, [0, 1], data, summarize, message,
                                                  name))
            else:
                rank_checks.append(assert_rank(spec.x, rank, data, summarize, message, name))
        size_checks = []
        first_seen = {}  # symbol -> (size, tensor, dimension)
        for spec in specs:
            for i, symbol in enumerate(spec.symbols):
                if _any_size(symbol):
                    continue
                dim = i - len(spec.symbols) if spec.any_outer else i
                if not _known(symbol) and symbol not in first_seen:
                    with control_dependencies(rank_checks):  # (a slice needs the rank)
                        first_seen[symbol] = (spec.sizes[dim], spec.x, dim)
                    continue
                if _known(symbol):
                    wanted, source = int(symbol), "Specified explicitly"
                else:
                    wanted, by, at = first_seen[symbol]
                    source = "Specified by tensor %s dimension %d" % (by.name, at)
                with control_dependencies(rank_checks):
                    actual = spec.sizes[dim]
                if _known(actual) and _known(wanted):
                    if int(actual) != int(wanted):
                        raise ValueError("%s%s.  Tensor %s dimension %s must have size %d.  "
                                         "Received size %d, shape %s"
                                         % (prefix, source, spec.x.name, dim, int(wanted),
                                            int(actual), spec.x.shape))
                    continue
                check_data = data if data is not None else [
                    prefix, source, "Tensor %s dimension" % spec.x.name, dim, "must have size",
                    wanted, "Received shape: ", array_ops.shape(spec.x)]
                size_checks.append(Assert(math_ops.equal(convert_to_tensor(actual),
                                                         convert_to_tensor(wanted)),
                                          check_data, summarize=summarize))
    with control_dependencies(rank_checks):
        return group(*size_checks)
