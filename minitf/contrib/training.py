"""tf.contrib.training: create_train_op (with its gradient helpers), checkpoints_iterator,
and HParams: named hyperparameters with fixed types, overridden from
strings such as the `--hparams="learning_rate=0.01,layers=[64,32]"` flag of TF1 programs,
from dicts or from JSON (TF 1.15's contrib HParams, minus its HParamDef protocol buffer)."""

import json
import numbers
import re

from minitf.contrib.slim import learning as _learning
from minitf.train.checkpoint_state import _wait_for_new_checkpoint, checkpoints_iterator
from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.sparse_tensor import SparseTensor
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.train.optimizer import Optimizer as _Optimizer

__all__ = ["HParams", "add_gradients_summaries", "checkpoints_iterator", "clip_gradient_norms",
           "bucket", "bucket_by_sequence_length", "clip_gradient_norms_fn", "create_train_op",
           "multiply_gradients", "parse_values", "wait_for_new_checkpoint"]

# One `name=value` clause of a string given to parse: a name (letters, digits, _ and .), an
# optional list index, then a bracketed list or one token (up to the next comma or bracket).
_CLAUSE = re.compile(r"""
    (?P<name>[A-Za-z][\w.]*)
    (?:\[\s*(?P<index>\d+)\s*\])?
    \s*=\s*
    (?:\[(?P<items>[^\]]*)\]|(?P<scalar>[^,\[]*))
    (?:$|,\s*)""", re.VERBOSE)

_TEXT = (str, bytes)


def _bool_from_text(text):
    """true/True/false/False, or an integer (nonzero is true), as TF parses a bool hparam."""
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    return bool(int(text))


def parse_values(values, type_map, ignore_unknown=False):
    """The `name=value` clauses of the string `values` (comma-separated; a value is one token
    or a bracketed list, `name[i]=value` sets one index) as a dict of name to a value, a list,
    or a dict of index to value, each parsed with `type_map[name]` (a bool from true/false or an
    integer). ValueError, in TF's words, for a malformed clause, an unknown name (skipped with
    `ignore_unknown`), a value that does not parse, a list given to an index, or a name
    assigned twice."""
    result = {}
    position = 0
    while position < len(values):
        clause = _CLAUSE.match(values, position)
        if clause is None:
            raise ValueError("Malformed hyperparameter value: %s" % values[position:])
        position = clause.end()
        name, index, items = clause.group("name", "index", "items")
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError("Unknown hyperparameter type for %s" % name)
        kind = type_map[name]
        convert = _bool_from_text if kind == bool else kind

        def unparsable(text):
            return ValueError("Could not parse hparam '%s' of type '%s' with value '%s' in %s"
                              % (name, kind.__name__, text, values))

        def assigned_twice(what):
            return ValueError("Multiple assignments to variable '%s' in %s" % (what, values))

        if items is not None:
            if index is not None:
                raise ValueError("Assignment of a list to a list index.")
            if name in result:
                raise assigned_twice(name)
            try:
                result[name] = [convert(token) for token in re.split("[ ,]", items) if token]
            except ValueError:
                raise unparsable(items) from None
            continue
        text = clause.group("scalar")
        try:
            value = convert(text)
        except ValueError:
            raise unparsable(text) from None
        if index is None:
            if name in result:
                raise assigned_twice(name)
            result[name] = value
            continue
        by_index = result.setdefault(name, {})
        if not isinstance(by_index, dict):
            raise assigned_twice(name)
        if int(index) in by_index:
            raise assigned_twice("%s[%d]" % (name, int(index)))
        by_index[int(index)] = value
    return result


def _cast(name, kind, value):
    """`value` as a `kind` hparam's value. TF refuses the casts that lose meaning: a non-string
    to a string, anything to or from a bool, a non-integer to an integer, a non-number to a
    number; an hparam whose value was None takes anything."""
    if issubclass(kind, type(None)):
        return value
    refused = ((issubclass(kind, _TEXT) and not isinstance(value, _TEXT))
               or issubclass(kind, bool) != isinstance(value, bool)
               or (issubclass(kind, numbers.Integral) and not isinstance(value, numbers.Integral))
               or (issubclass(kind, numbers.Number) and not isinstance(value, numbers.Number)))
    if refused:
        raise ValueError("Could not cast hparam '%s' of type '%s' from value %r"
                         % (name, kind, value))
    return kind(value)


def _without_callables(value):
    if isinstance(value, dict):
        return {k: _without_callables(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, list):
        return [_without_callables(v) for v in value if not callable(v)]
    return value


class HParams:
    """tf.contrib.training.HParams(hparam_def=None, model_structure=None, **kwargs): each keyword
    becomes an attribute, its type fixed by its value (a list's by its first element).

    `hparams.parse("lr=0.1,sizes=[64,32]")`, `override_from_dict`, `parse_json` and `set_hparam`
    cast new values to those types, refusing lossy casts (ValueError in TF's words);
    `values()`, `to_json()`, `get(key, default)`, `add_hparam`, `del_hparam`, `in`. TF's
    HParamDef protocol buffer (`hparam_def`, `to_proto`, `from_proto`) is not in minitf."""

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        if hparam_def is not None:
            raise ValueError("minitf's HParams has no HParamDef protocol buffer: pass the "
                             "values as keyword arguments (or parse_json a to_json string)")
        self._hparam_types = {}
        self._model_structure = model_structure
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """A new hyperparameter `name` of `value`'s type (a non-empty list or tuple: a list
        hyperparameter of its first element's type). ValueError when the name is taken by
        another hyperparameter with a value, or by an attribute of HParams (`values`...)."""
        if getattr(self, name, None) is not None:
            raise ValueError("Hyperparameter name is reserved: %s" % name)
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("Multi-valued hyperparameters cannot be empty: %s" % name)
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Sets an existing hyperparameter (KeyError if there is none), cast to its type; a
        list hyperparameter takes a list (not a tuple), a single one anything but a list."""
        kind, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError("Must not pass a list for single-valued parameter: %s" % name)
            setattr(self, name, [_cast(name, kind, v) for v in value])
        else:
            if is_list:
                raise ValueError("Must pass a list for multi-valued parameter: %s." % name)
            setattr(self, name, _cast(name, kind, value))

    def del_hparam(self, name):
        """Removes the hyperparameter `name`, if there is one."""
        if name in self._hparam_types:
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Overrides hyperparameters from a string of `name=value` clauses (parse_values's
        syntax; only existing names); returns this HParams."""
        types = {name: kind for name, (kind, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, types))

    def override_from_dict(self, values_dict):
        """set_hparam for each item of `values_dict`; returns this HParams."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def parse_json(self, values_json):
        """override_from_dict of a JSON object's items; returns this HParams."""
        return self.override_from_dict(json.loads(values_json))

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as a JSON object, leaving out callables (json.dumps's arguments)."""
        return json.dumps(_without_callables(self.values()), indent=indent,
                          separators=separators, sort_keys=sort_keys)

    def values(self):
        """A dict of each hyperparameter's name and value."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of `key`, or `default` when there is no such hyperparameter. A default
        given for an existing one must fit its type (ValueError otherwise), as in TF."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            kind, is_list = self._hparam_types[key]
            mismatch = ValueError("Hparam '%s' of type '%s' is incompatible with default=%s"
                                  % (key, "list<%s>" % kind if is_list else str(kind), default))
            if is_list != isinstance(default, list):
                raise mismatch
            try:
                for value in default if is_list else [default]:
                    _cast(key, kind, value)
            except ValueError as e:
                raise ValueError("%s. %s" % (mismatch, e)) from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, self)


# -- training ops (TF 1.15's contrib.training.training; slim.learning builds on them) -----------

clip_gradient_norms = _learning.clip_gradient_norms
multiply_gradients = _learning.multiply_gradients


def clip_gradient_norms_fn(max_norm):
    """A transform_grads_fn for create_train_op: clip_gradient_norms with `max_norm`."""
    return lambda grads_and_vars: clip_gradient_norms(grads_and_vars, max_norm)


def add_gradients_summaries(grads_and_vars):
    """A histogram `<var>_gradient` and a scalar `<var>_gradient_norm` per gradient (None
    gradients are logged and skipped); returns the summaries."""
    return _learning._gradient_summaries(grads_and_vars, "_")


def create_train_op(total_loss, optimizer, global_step=_learning._USE_GLOBAL_STEP,
                    update_ops=None, variables_to_train=None, transform_grads_fn=None,
                    summarize_gradients=False, gate_gradients=_Optimizer.GATE_OP,
                    aggregation_method=None, colocate_gradients_with_ops=False,
                    check_numerics=True):
    """A tensor that, when run, runs the update ops (default tf.GraphKeys.UPDATE_OPS), one
    optimizer step on `variables_to_train` (default: the trainable variables; the global step
    incremented) with the gradients passed through `transform_grads_fn`, and returns
    `total_loss` (checked for inf and nan); added to tf.GraphKeys.TRAIN_OP."""
    return _learning._train_op_with_transform(
        total_loss, optimizer, global_step, update_ops, variables_to_train, transform_grads_fn,
        summarize_gradients, gate_gradients, aggregation_method, colocate_gradients_with_ops,
        check_numerics)


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                            timeout=None):
    """The latest checkpoint of `checkpoint_dir` once it differs from `last_checkpoint`,
    polled every `seconds_to_sleep` seconds; None when `timeout` seconds pass first."""
    return _wait_for_new_checkpoint(checkpoint_dir, last_checkpoint, seconds_to_sleep, timeout)


# -- bucketing (TF 1.15's contrib.training.bucket_ops, on tf.train's queues) --------------------

def bucket(tensors, which_bucket, batch_size, num_buckets, num_threads=1, capacity=32,
           bucket_capacities=None, shapes=None, dynamic_pad=False,
           allow_smaller_final_batch=False, keep_input=True, shared_name=None, name=None):
    """Batches of `tensors` (one element per run of the input) grouped by `which_bucket` (an
    int32 scalar in [0, num_buckets)): each element goes to the queue `bucket_queue_<i>`;
    each bucket's full batches (`batch_size`, or a list of one per bucket) go to `top_queue`,
    a PaddingFIFOQueue. Returns (bucket id, the batch of `tensors`), one batch per run."""
    from minitf import errors
    from minitf.framework.shapes import TensorShape
    from minitf.framework.tensor_util import constant_value
    from minitf.ops import control_flow_ops, data_flow_ops
    from minitf.ops.control_ops import group, no_op
    from minitf.ops.elementwise import equal
    from minitf.ops.math_ops import cast
    from minitf.summary.summary_ops import scalar
    from minitf.train.input import _checked_keep_input, _flatten, _shapes
    from minitf.train.queue_runner import QueueRunner, add_queue_runner
    per_bucket = isinstance(batch_size, (list, tuple))
    if per_bucket and len(batch_size) != num_buckets:
        raise ValueError("If batch_size is a list it must have num_buckets elements")
    sizes = list(batch_size) if per_bucket else [batch_size] * num_buckets
    if bucket_capacities is None:
        bucket_capacities = [capacity] * num_buckets
    if len(bucket_capacities) != num_buckets:
        raise ValueError("The list bucket_capacities (%s) must have exactly num_buckets (%d) "
                         "elements." % (str(bucket_capacities), num_buckets))
    flat, pack = _flatten(tensors)
    if isinstance(tensors, (list, tuple)) and len(flat) == 1:
        pack = list  # (a list of one stays a list of one, as in TF's bucket)
    if any(isinstance(t, SparseTensor) for t in flat):
        raise TypeError("bucket does not take SparseTensors in minitf (TF stores them in a "
                        "SparseTensorsMap, which minitf does not have)")
    with name_scope(name, "bucket", flat):
        flat = [convert_to_tensor(t) for t in flat]
        keep_input = _checked_keep_input(keep_input, enqueue_many=False)
        for i, size in enumerate(sizes):
            size = convert_to_tensor(size, dtype=dtypes.int32, name="batch_size")
            static = constant_value(size)
            sizes[i] = int(static) if static is not None else size
        types = [t.dtype for t in flat]
        element_shapes = _shapes(flat, shapes, enqueue_many=False)
        which_bucket = convert_to_tensor(which_bucket, dtype=dtypes.int32, name="which_bucket")
        queue_class = data_flow_ops.PaddingFIFOQueue if dynamic_pad else \
            data_flow_ops.FIFOQueue
        queues = [queue_class(bucket_capacities[i], types, element_shapes,
                              shared_name=None if shared_name is None else
                              "%s_%d" % (shared_name, i), name="bucket_queue_%d" % i)
                  for i in range(num_buckets)]
        static_size = None if allow_smaller_final_batch or per_bucket or \
            not isinstance(sizes[-1], int) else sizes[-1]
        top_queue = data_flow_ops.PaddingFIFOQueue(
            capacity, [dtypes.int32] + types,
            [TensorShape([])] + [TensorShape([static_size]).concatenate(s)
                                 for s in element_shapes],
            shared_name=shared_name, name="top_queue")

        def enqueue_which():
            return group(*[control_flow_ops.cond(
                equal(which_bucket, i), lambda i=i: queues[i].enqueue(flat), no_op)
                for i in range(num_buckets)], name="group_enqueues")
        keep = constant_value(keep_input)
        if keep is not None:
            maybe_enqueue = enqueue_which() if keep else no_op()
        else:
            maybe_enqueue = control_flow_ops.cond(keep_input, enqueue_which, no_op)
        closed = (errors.OutOfRangeError, errors.CancelledError)
        for i, (queue, size) in enumerate(zip(queues, sizes)):
            take = queue.dequeue_up_to if allow_smaller_final_batch else queue.dequeue_many
            batch = take(size, name="read_bucket_%d" % i)
            batch = batch if isinstance(batch, list) else [batch]
            to_top = top_queue.enqueue([constant(i)] + batch,
                                       name="enqueue_from_bucket_%d" % i)
            add_queue_runner(QueueRunner(queue, [to_top], queue_closed_exception_types=closed))
        add_queue_runner(QueueRunner(top_queue, [maybe_enqueue] * num_threads,
                                     queue_closed_exception_types=closed))
        top_size = cast(top_queue.size(), dtypes.float32)
        for queue in queues:
            scalar("bucket/%s/size" % queue.name, top_size)
        scalar("bucket/%s/fraction_of_%d_full" % (top_queue.name, capacity),
               top_size * (1.0 / capacity))
        dequeued = top_queue.dequeue(name="dequeue_top")
        return dequeued[0], pack(dequeued[1:])


def bucket_by_sequence_length(input_length, tensors, batch_size, bucket_boundaries,
                              num_threads=1, capacity=32, bucket_capacities=None, shapes=None,
                              dynamic_pad=False, allow_smaller_final_batch=False,
                              keep_input=True, shared_name=None, name=None):
    """`bucket` with the bucket chosen by `input_length` (an int32 scalar) against the
    increasing `bucket_boundaries`: below the first, between two, or from the last on
    (len(bucket_boundaries) + 1 buckets). Returns (the batch's lengths, the batch of
    `tensors`)."""
    import numpy as np
    from minitf.framework.shapes import TensorShape
    from minitf.ops.elementwise import less, less_equal, logical_and, where_indices
    from minitf.ops.math_ops import cast
    from minitf.ops.reductions import reduce_min
    from minitf.train.input import _flatten
    flat, pack = _flatten(tensors)
    if isinstance(tensors, (list, tuple)) and len(flat) == 1:
        pack = list
    if not isinstance(bucket_boundaries, (list, tuple)):
        raise TypeError("bucket_boundaries must be a list or tuple, but received: %s"
                        % bucket_boundaries)
    if not bucket_boundaries:
        raise ValueError("bucket_boundaries must not be empty")
    for low, high in zip(bucket_boundaries[:-1], bucket_boundaries[1:]):
        if not isinstance(low, int) or not isinstance(high, int):
            raise TypeError("bucket boundaries must be integers, but saw: %s and %s"
                            % (low, high))
        if low >= high:
            raise ValueError("Buckets must contain sequential increasing lengths, but saw: "
                             "%d before %d" % (low, high))
    with name_scope(name, "bucket_by_sequence_length", [input_length] + flat):
        input_length = convert_to_tensor(input_length, dtype=dtypes.int32, name="input_length")
        lows = [int(np.iinfo(np.int32).min)] + list(bucket_boundaries)
        highs = list(bucket_boundaries) + [int(np.iinfo(np.int32).max)]
        inside = logical_and(less_equal(lows, input_length), less(input_length, highs))
        which = cast(reduce_min(where_indices(inside)), dtypes.int32)
        if shapes is not None:
            shapes = [TensorShape([])] + list(shapes)
        _, dequeued = bucket([input_length] + flat, which, batch_size,
                             len(bucket_boundaries) + 1, num_threads, capacity,
                             bucket_capacities, shapes, dynamic_pad,
                             allow_smaller_final_batch, keep_input, shared_name)
        return dequeued[0], pack(dequeued[1:])
