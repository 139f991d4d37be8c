"""TF1's queue-based input functions: string_input_producer, input_producer,
range_input_producer, slice_input_producer, limit_epochs, batch and shuffle_batch (and their
_join and maybe_ forms). Each builds a queue, the ops that fill it, and a QueueRunner in the graph's
QUEUE_RUNNERS collection; tf.train.start_queue_runners starts the threads."""

from minitf import dtypes
from minitf.framework.graph import GraphKeys, control_dependencies, name_scope
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor_util import constant_value
from minitf.ops import (array_ops, control_flow_ops, control_ops, data_flow_ops, math_ops,
                        random_ops, variables)
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.gather_scatter import boolean_mask
from minitf.ops.io_ops import matching_files
from minitf.ops.op_util import is_tensor_like
from minitf.train.queue_runner import QueueRunner, add_queue_runner

__all__ = ["match_filenames_once", "limit_epochs", "input_producer", "string_input_producer", "range_input_producer",
           "slice_input_producer", "batch", "shuffle_batch", "batch_join", "shuffle_batch_join",
           "maybe_batch", "maybe_shuffle_batch", "maybe_batch_join", "maybe_shuffle_batch_join"]


def _fill_summary(queue, tag, capacity, keep=0):
    """The scalar summary TF1 adds for an input queue: how full it is (above `keep`)."""
    from minitf import summary
    size = queue.size()
    if keep:
        size = math_ops.maximum(0, size - keep)
    summary.scalar(tag, math_ops.cast(size, dtypes.float32) * (1.0 / (capacity - keep)))


def match_filenames_once(pattern, name=None):
    """tf.train.match_filenames_once: a local variable (`matching_filenames`) holding the file
    names `pattern` matches when it is initialized (tf.local_variables_initializer()), for
    string_input_producer; its shape is known only then."""
    with name_scope(name, "matching_filenames", [pattern]) as name:
        return variables.Variable(matching_files(pattern), name=name, trainable=False,
                                  validate_shape=False,
                                  collections=[GraphKeys.LOCAL_VARIABLES])


def limit_epochs(tensor, num_epochs=None, name=None):
    """`tensor` itself, but only `num_epochs` times: the next evaluation raises
    OutOfRangeError (the count is a local variable: run tf.local_variables_initializer())."""
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError("num_epochs must be > 0 not %d." % num_epochs)
    with name_scope(name, "limit_epochs", [tensor]) as scope:
        zero = constant(0, dtype=dtypes.int64)
        epochs = variables.Variable(zero, name="epochs", trainable=False,
                                    collections=[GraphKeys.LOCAL_VARIABLES])
        counter = data_flow_ops.count_up_to(epochs, num_epochs)
        with control_dependencies([counter]):
            return array_ops.identity(tensor, name=scope)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """A FIFOQueue filled, epoch after epoch, with the rows of `input_tensor` (shuffled each
    epoch if `shuffle`), by a QueueRunner."""
    with name_scope(name, "input_producer", [input_tensor]) as scope:
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        shape = input_tensor.shape[1:] if input_tensor.shape.ndims is not None else \
            TensorShape(None)
        if element_shape is not None:
            shape = TensorShape(element_shape)
        if not shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        if shuffle:
            input_tensor = random_ops.random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        queue = data_flow_ops.FIFOQueue(capacity, [input_tensor.dtype], [shape],
                                        shared_name=shared_name, name=scope)
        enqueue = queue.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(queue, [enqueue], cancel_op=cancel_op))
        if summary_name is not None:
            _fill_summary(queue, summary_name, capacity)
        return queue


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None, cancel_op=None):
    """A queue of the strings (usually file names) of `string_tensor`, repeated `num_epochs`
    times (forever if None), shuffled each epoch unless `shuffle=False`."""
    if not is_tensor_like(string_tensor) and not string_tensor:
        raise ValueError("string_input_producer requires a non-null input tensor")
    with name_scope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
        from minitf.ops.logging_ops import Assert
        not_empty = Assert(math_ops.greater(array_ops.size(string_tensor), 0),
                           ["string_input_producer requires a non-empty tensor"])
        with control_dependencies([not_empty]):
            string_tensor = array_ops.identity(string_tensor)
        return input_producer(string_tensor, [], num_epochs, shuffle, seed, capacity,
                              shared_name, "fraction_of_%d_full" % capacity, scope, cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                        shared_name=None, name=None):
    """A queue of the integers 0..limit-1 (int32), epoch after epoch."""
    with name_scope(name, "input_producer", [limit]) as scope:
        numbers = math_ops.range(limit)
        return input_producer(numbers, [], num_epochs, shuffle, seed, capacity, shared_name,
                              "fraction_of_%d_full" % capacity, scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row of each tensor of `tensor_list` at a time (the same row of each), epoch after
    epoch, shuffled unless `shuffle=False`."""
    with name_scope(name, "input_producer", list(tensor_list)):
        tensors = [convert_to_tensor(t) for t in tensor_list]
        if not tensors:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        n = array_ops.shape(tensors[0], out_type=dtypes.int32)[0]
        queue = range_input_producer(n, num_epochs, shuffle, seed, capacity, shared_name)
        index = queue.dequeue()
        return [array_ops.gather(t, index) for t in tensors]


# -- batching ------------------------------------------------------------------------------------

def _flatten(tensors):
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return [tensors[k] for k in keys], lambda out: dict(zip(keys, out))
    if isinstance(tensors, (list, tuple)):
        # As TF1: a list of one tensor gives its batch as a tensor, not a list of one (real
        # programs write `images = tf.train.batch([image], 32)` and use `images` as a tensor)
        return list(tensors), lambda out: out[0] if len(out) == 1 else list(out)
    return [tensors], lambda out: out[0]


def _shapes(tensors, shapes, enqueue_many):
    if shapes is not None:
        return [TensorShape(s) for s in shapes]
    out = []
    for t in tensors:
        s = t.shape
        if enqueue_many:
            s = s[1:] if s.ndims is not None else TensorShape(None)
        out.append(s)
    return out


def _checked_keep_input(keep_input, enqueue_many):
    keep_input = convert_to_tensor(keep_input, dtype=dtypes.bool)
    ndims = keep_input.shape.ndims
    if ndims is None:
        raise ValueError("`keep_input` dimensions must be known at graph construction.")
    if ndims == 1 and not enqueue_many:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if ndims > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep_input


def _enqueue_op(queue, tensors, enqueue_many, keep_input):
    """The op enqueueing `tensors` (a batch of them with `enqueue_many`) where `keep_input` is
    true: a vector picks the batch's elements to keep; a scalar known when the graph is built
    picks the op there (what tf.train.batch builds), any other scalar through tf.cond."""
    enqueue = queue.enqueue_many if enqueue_many else queue.enqueue
    if keep_input.shape.ndims == 1:
        return enqueue([boolean_mask(t, keep_input) for t in tensors])
    keep = constant_value(keep_input)
    if keep is not None:
        return enqueue(tensors) if keep else control_ops.no_op()
    return control_flow_ops.cond(keep_input, lambda: enqueue(tensors), control_ops.no_op)


def _batch(tensor_lists, batch_size, capacity, enqueue_many, shapes, dynamic_pad,
           allow_smaller_final_batch, shared_name, name, shuffle=False, min_after_dequeue=0,
           seed=None, num_threads=1, keep_input=True, join=False):
    first = tensor_lists[0]
    flat, pack = _flatten(first)
    default_name = ("shuffle_batch" if shuffle else "batch") + ("_join" if join else "")
    with name_scope(name, default_name, flat + [keep_input]) as scope:
        keep_input = _checked_keep_input(keep_input, enqueue_many)
        lists = [[convert_to_tensor(t) for t in _flatten(tl)[0]] for tl in tensor_lists]
        types = [t.dtype for t in lists[0]]
        element_shapes = _shapes(lists[0], shapes, enqueue_many)
        if shuffle:
            queue = data_flow_ops.RandomShuffleQueue(capacity, min_after_dequeue, types,
                                                     element_shapes, seed=seed,
                                                     shared_name=shared_name)
        elif dynamic_pad:
            queue = data_flow_ops.PaddingFIFOQueue(capacity, types, element_shapes,
                                                   shared_name=shared_name)
        else:
            queue = data_flow_ops.FIFOQueue(capacity, types, element_shapes,
                                            shared_name=shared_name)
        ops = [_enqueue_op(queue, tl, enqueue_many, keep_input) for tl in lists]
        if len(ops) == 1:
            ops = ops * num_threads  # as TF1: one op, run by several threads
        add_queue_runner(QueueRunner(queue, ops))
        if shuffle:
            _fill_summary(queue, "fraction_over_%d_of_%d_full" % (
                min_after_dequeue, capacity - min_after_dequeue), capacity, min_after_dequeue)
        else:
            _fill_summary(queue, "fraction_of_%d_full" % capacity, capacity)
        take = queue.dequeue_up_to if allow_smaller_final_batch else queue.dequeue_many
        out = take(batch_size, name=scope)
        out = out if isinstance(out, list) else [out]
        return pack(out)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.batch: `batch_size` elements of `tensors` at a time, in order, from a FIFOQueue
    (a PaddingFIFOQueue with `dynamic_pad`) that `num_threads` QueueRunner threads fill."""
    return _batch([tensors], batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, num_threads=num_threads)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.batch_join: like batch, with one enqueueing thread per entry of
    `tensors_list`."""
    return _batch(list(tensors_list), batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, join=True)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """tf.train.shuffle_batch: random batches from a RandomShuffleQueue that keeps at least
    `min_after_dequeue` elements (until its input ends) for mixing."""
    return _batch([tensors], batch_size, capacity, enqueue_many, shapes, False,
                  allow_smaller_final_batch, shared_name, name, shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed, num_threads=num_threads)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """tf.train.shuffle_batch_join: shuffle_batch with one thread per entry of
    `tensors_list`."""
    return _batch(list(tensors_list), batch_size, capacity, enqueue_many, shapes, False,
                  allow_smaller_final_batch, shared_name, name, shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed, join=True)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32, enqueue_many=False,
                shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                shared_name=None, name=None):
    """tf.train.maybe_batch: tf.train.batch of only the elements for which `keep_input` (a
    bool scalar, or with `enqueue_many` a vector over the batch) is true."""
    return _batch([tensors], batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, num_threads=num_threads,
                  keep_input=keep_input)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False,
                     shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                     shared_name=None, name=None):
    """tf.train.maybe_batch_join: batch_join keeping only what `keep_input` selects."""
    return _batch(list(tensors_list), batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, keep_input=keep_input, join=True)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                        num_threads=1, seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.maybe_shuffle_batch: shuffle_batch keeping only what `keep_input` selects."""
    return _batch([tensors], batch_size, capacity, enqueue_many, shapes, False,
                  allow_smaller_final_batch, shared_name, name, shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed, num_threads=num_threads,
                  keep_input=keep_input)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input,
                             seed=None, enqueue_many=False, shapes=None,
                             allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.maybe_shuffle_batch_join: shuffle_batch_join keeping only what `keep_input`
    selects."""
    return _batch(list(tensors_list), batch_size, capacity, enqueue_many, shapes, False,
                  allow_smaller_final_batch, shared_name, name, shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed, keep_input=keep_input,
                  join=True)
