"""tf.global_norm, tf.clip_by_global_norm and tf.clip_by_average_norm (TF1's clip_ops;
clip_by_value and clip_by_norm are in math_ops)."""

import collections.abc

from minitf import dtypes
from minitf.framework.deprecation import deprecated
from minitf.framework.graph import name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops.array_ops import identity, rank, size, stack
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.math_ops import cast, minimum, range, reduce_sum, rsqrt, sqrt
from minitf.ops.nn_ops import l2_loss

__all__ = ["global_norm", "clip_by_global_norm", "clip_by_average_norm"]


def global_norm(t_list, name=None):
    """tf.global_norm: sqrt(sum of the squared entries of every tensor in `t_list`); None
    entries are skipped, an IndexedSlices counts its rows (repeated indices are not summed
    first, as in TF)."""
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    with name_scope(name, "global_norm", t_list) as name:
        values = [_values(t, i) for i, t in enumerate(t_list) if t is not None]
        half_squared_norms = [l2_loss(v) for v in values]
        half_squared_norm = reduce_sum(stack(half_squared_norms))
        return sqrt(half_squared_norm * convert_to_tensor(2.0, dtype=half_squared_norm.dtype),
                    name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """tf.clip_by_global_norm: (each t * clip_norm / max(global_norm, clip_norm), global_norm).
    None entries stay None, IndexedSlices stay IndexedSlices (their rows scaled); a
    non-finite global norm makes every value NaN, as TF."""
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    with name_scope(name, "clip_by_global_norm", t_list + [clip_norm]) as name:
        scale_for_finite = clip_norm * minimum(
            1.0 / use_norm, convert_to_tensor(1.0, dtype=use_norm.dtype) / clip_norm)
        scale = scale_for_finite + (use_norm - use_norm)  # NaN when the norm is not finite
        clipped = []
        for i, t in enumerate(t_list):
            if t is None:
                clipped.append(None)
                continue
            v = _values(t, i)
            v = identity(v * cast(scale, v.dtype), name="%s_%d" % (name, i))
            clipped.append(IndexedSlices(v, t.indices, t.dense_shape)
                           if isinstance(t, IndexedSlices) else v)
    return clipped, use_norm


def _values(t, i):
    """The dense values of `t` (an IndexedSlices' rows: sparse gradients stay sparse)."""
    return convert_to_tensor(t.values if isinstance(t, IndexedSlices) else t, name="t_%d" % i)


@deprecated(None, "clip_by_average_norm is deprecated in TensorFlow 2.0. Please use "
                  "clip_by_norm(t, clip_norm * tf.cast(tf.size(t), tf.float32), name) instead.")
def clip_by_average_norm(t, clip_norm, name=None):
    """tf.clip_by_average_norm: t * clip_norm / max(l2norm(t) / size(t), clip_norm), so that
    the L2 norm divided by the number of elements is at most clip_norm. As in TF the count is
    a float32 (a float64 `t` is a TypeError)."""
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]) as name:
        t = convert_to_tensor(t, name="t")
        n_element = cast(size(t), dtypes.float32)
        l2norm_inv = rsqrt(reduce_sum(t * t, range(rank(t))))
        return identity(t * clip_norm * minimum(l2norm_inv * n_element,
                                                constant(1.0) / clip_norm), name=name)
