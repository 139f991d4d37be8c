"""tf.contrib.layers' summary helpers: a histogram (or, for a scalar, a scalar summary) of each
tensor, tagged `<op name>_summary`; for activations, `<op>/activation` plus the fraction of
zeros of a Relu, Relu6 or Softplus (`<op>/zeros`) and of sixes of a Relu6 (`<op>/sixes`)."""

import functools
import re

from minitf import dtypes
from minitf.framework.graph import GraphKeys, get_collection
from minitf.ops.elementwise import greater, less
from minitf.ops.math_ops import cast
from minitf.ops.reductions import reduce_mean
from minitf.summary.summary_ops import histogram, scalar

__all__ = ["summarize_activation", "summarize_activations", "summarize_biases",
           "summarize_collection", "summarize_tensor", "summarize_tensors",
           "summarize_variables", "summarize_weights"]


def _scalar(tensor, tag=None):
    tensor.shape.assert_has_rank(0)
    return scalar(tag or "%s_summary" % tensor.op.name, tensor)


def _histogram(tensor, tag=None):
    return histogram(tag or "%s_summary" % tensor.op.name, tensor)


def _fraction(compare, op, bound):
    features = op.op.inputs[0]
    return reduce_mean(cast(compare(features, cast(bound, features.dtype)), dtypes.float32))


def summarize_activation(op):
    """Summaries of an activation tensor: its histogram `<op>/activation` (returned), and the
    fraction of inputs below 0 (`<op>/zeros`) for Relu, Relu6 and Softplus, above 6
    (`<op>/sixes`) for Relu6."""
    name = op.op.name
    if op.op.type in ("Relu", "Softplus", "Relu6"):
        _scalar(_fraction(less, op, 0.0), "%s/zeros" % name)
    if op.op.type == "Relu6":
        _scalar(_fraction(greater, op, 6.0), "%s/sixes" % name)
    return _histogram(op, "%s/activation" % name)


def summarize_tensor(tensor, tag=None):
    """A scalar summary of a scalar, a histogram of anything else (tag `<op>_summary` by
    default); None for string and bool tensors."""
    if tensor.dtype.base_dtype in (dtypes.string, dtypes.bool):
        return None
    if tensor.shape.ndims == 0:
        return _scalar(tensor, tag)
    return _histogram(tensor, tag)


def summarize_tensors(tensors, summarizer=summarize_tensor):
    """[summarizer(t) for each of `tensors`]."""
    return [summarizer(tensor) for tensor in tensors]


def summarize_collection(collection, name_filter=None, summarizer=summarize_tensor):
    """summarize_tensors of the collection's tensors whose op name matches (re.match)
    name_filter."""
    return summarize_tensors([t for t in get_collection(collection)
                              if name_filter is None or re.match(name_filter, t.op.name)],
                             summarizer)


summarize_variables = functools.partial(summarize_collection, GraphKeys.GLOBAL_VARIABLES)
summarize_weights = functools.partial(summarize_collection, GraphKeys.WEIGHTS)
summarize_biases = functools.partial(summarize_collection, GraphKeys.BIASES)


def summarize_activations(name_filter=None, summarizer=summarize_activation):
    """summarize_collection of the ACTIVATIONS collection, with summarize_activation."""
    return summarize_collection(GraphKeys.ACTIVATIONS, name_filter, summarizer)
