"""tf.data iterators (TF1): one-shot, initializable, reinitializable (`Iterator.from_structure`
+ `make_initializer`) and feedable (`from_string_handle`); their ops run against a resource
that lives in the Session, so two sessions iterate independently, as in TF1."""

import threading

import numpy

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.data import structure as nest
from minitf.data.dataset_ops import Dataset, _Env
from minitf.framework.graph import get_default_graph
from minitf.framework.registry import OpDef, register
from minitf.framework.resources import ResourceOp, resource_of
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.constant_op import convert_to_tensor

_DATASETS = ("__minitf_datasets",)  # graph collection (not a string key: never exported)


def _register_dataset(dataset):
    """The dataset's index in the graph's private list, for an op attribute (an int exports to
    GraphDef; the dataset itself does not)."""
    datasets = get_default_graph().get_collection_ref(_DATASETS)
    datasets.append(dataset)
    return len(datasets) - 1


def _dataset(op, index):
    return op.graph.get_collection_ref(_DATASETS)[index]


class IteratorResource:
    """An iterator's state in one session: the cursor of its current initialization."""

    def __init__(self, name):
        self.name = name
        self.cursor = None
        self.env = None
        self.lock = threading.Lock()

    def initialize(self, dataset, values):
        env = _Env(values)
        cursor = dataset._cursor(env)
        with self.lock:
            old, old_env, self.cursor, self.env = self.cursor, self.env, cursor, env
        _close(old, old_env)

    def get_next(self, op):
        with self.lock:
            cursor = self.cursor
            if cursor is None:
                raise errors.FailedPreconditionError(
                    None, op, "GetNext() failed because the iterator has not been initialized. "
                    "Ensure that you have run the initializer operation for this iterator before "
                    "getting the next element.")
            block = cursor.next(1)
        if block is None:
            raise errors.OutOfRangeError(None, op, "End of sequence")
        if len(block) == 1:
            return block[0][0, ...]
        return tuple(a[0, ...] for a in block)

    def close_with_session(self):
        with self.lock:
            cursor, self.cursor = self.cursor, None
        _close(cursor, self.env)


def _close(cursor, env):
    """Closes a pipeline's cursors, and every thread-running one (prefetch, parallel map) its
    initialization started even where a cursor above it does not pass close() on."""
    if cursor is not None:
        cursor.close()
    if env is not None:
        for c in list(env.cursors):
            c.close()


class _IteratorHandle(ResourceOp):
    """An iterator's handle: its resource (made in each session on first use) holds the
    cursor of the current initialization."""

    def create(self, ctx, op):
        return IteratorResource(op.name)


@register
class IteratorV2(_IteratorHandle):
    output_types: tuple = ()
    output_shapes: tuple = ()
    shared_name: str = ""
    container: str = ""


@register
class OneShotIterator(_IteratorHandle):
    """The handle of a one-shot iterator: initialized by its first get_next, with the values
    of the dataset's captured tensors that run computes (they are this op's inputs)."""

    dataset: int = 0
    output_types: tuple = ()
    output_shapes: tuple = ()


@register
class MakeIterator(OpDef):
    """Initializes the iterator (input 0) over the dataset, with the captured tensors' values
    (the other inputs)."""

    dataset: int = 0
    stateful = True
    differentiable = False
    ref_inputs = (0,)

    def infer(self, handle, *captures):
        return []

    def bind(self, ctx, op):
        handle_op = op.inputs[0].op
        dataset = _dataset(op, self.dataset)
        captures = op.inputs[1:]

        def make(*values):
            resource_of(ctx, handle_op).initialize(dataset, dict(zip(captures, values)))
        return make


@register
class IteratorGetNext(OpDef):
    """The next element of the iterator (input 0); OutOfRangeError at the end."""

    output_types: tuple = ()
    output_shapes: tuple = ()
    stateful = True
    differentiable = False
    fresh_output = False
    ref_inputs = (0,)

    def infer(self, handle, *captures):
        return [TensorSpec(s, t) for t, s in zip(self.output_types, self.output_shapes)]

    def bind(self, ctx, op):
        handle_op = op.inputs[0].op
        one_shot = handle_op.type == "OneShotIterator"
        captures = op.inputs[1:]
        if handle_op.type == "IteratorFromStringHandle":
            return _from_string_handle_next(ctx, op)
        dataset = _dataset(handle_op, handle_op.opdef.dataset) if one_shot else None
        started = []

        def get_next(*values):
            resource = resource_of(ctx, handle_op)
            if one_shot and not started:
                with resource.lock:
                    fresh = resource.env is None
                if fresh:
                    resource.initialize(dataset, dict(zip(captures, values)))
                started.append(True)
            return resource.get_next(op)
        return get_next


def _from_string_handle_next(ctx, op):
    graph = op.graph

    def get_next(handle):  # the fed string (the handle op itself is a reference input)
        name = handle.item() if isinstance(handle, numpy.ndarray) else handle
        name = name.decode() if isinstance(name, bytes) else name
        try:
            target = graph.get_operation_by_name(name)
        except (KeyError, ValueError):
            raise errors.InvalidArgumentError(None, op, "%r is not an iterator handle of this "
                                              "graph" % name) from None
        if not isinstance(target.opdef, _IteratorHandle):
            raise errors.InvalidArgumentError(None, op, "%r is not an iterator handle" % name)
        resource = resource_of(ctx, target)
        spec = target.opdef
        types = tuple(spec.output_types)
        if types != tuple(op.opdef.output_types):
            raise errors.InvalidArgumentError(
                None, op, "The iterator %s has output types %s; this handle expects %s"
                % (name, [t.name for t in types], [t.name for t in op.opdef.output_types]))
        if target.type == "OneShotIterator" and resource.env is None:
            raise errors.FailedPreconditionError(
                None, op, "Run the one-shot iterator's get_next (or string_handle) once before "
                "feeding its handle: minitf starts it there.")
        return resource.get_next(op)
    return get_next


@register
class IteratorFromStringHandle(OpDef):
    """Stands for whichever iterator the fed string handle names (its get_next reads the
    string itself)."""

    output_types: tuple = ()
    output_shapes: tuple = ()
    stateful = True
    differentiable = False

    def infer(self, handle):
        return TensorSpec(TensorShape([]), dtypes.resource)

    def bind(self, ctx, op):
        def handle(name):
            return numpy.array(name, dtype=object)
        return handle


@register
class IteratorToStringHandle(OpDef):
    """The iterator's name, which `Iterator.from_string_handle` resolves."""

    stateful = True
    differentiable = False

    def infer(self, handle, *captures):
        return TensorSpec(TensorShape([]), dtypes.string)

    def bind(self, ctx, op):
        handle_op = op.inputs[0].op
        one_shot = handle_op.type == "OneShotIterator"
        dataset = _dataset(handle_op, handle_op.opdef.dataset) if one_shot else None
        captures = op.inputs[1:]

        def to_string(*values):
            resource = resource_of(ctx, handle_op)
            if one_shot and resource.env is None:
                resource.initialize(dataset, dict(zip(captures, values)))
            return numpy.array(handle_op.name.encode(), dtype=object)
        return to_string


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, list(inputs), name=name, device=HOST_DEVICE)


def _flat_types_shapes(output_types, output_shapes):
    types = nest.flatten(nest.map_structure_any(dtypes.as_dtype, output_types))
    if output_shapes is None:
        shapes = [TensorShape(None)] * len(types)
    else:
        shapes = nest.flatten(nest.map_structure_any(as_shape, output_shapes)
                              if nest.is_sequence(output_types) else as_shape(output_shapes))
    if len(types) != len(shapes):
        raise ValueError("output_types and output_shapes have different structures")
    return tuple(types), tuple(shapes)


class Iterator:
    """TF1's tf.data.Iterator."""

    def __init__(self, handle, initializer, output_types, output_shapes, captures=()):
        self._handle = handle
        self._initializer = initializer
        self._output_types = output_types
        self._output_shapes = output_shapes
        self._captures = tuple(captures)  # a one-shot iterator's dataset inputs
        self._flat_types, self._flat_shapes = _flat_types_shapes(output_types, output_shapes)

    # -- construction --------------------------------------------------------------------------
    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """An iterator not bound to a dataset: `make_initializer(dataset)` gives the op that
        (re)starts it over `dataset` (train/validation switching)."""
        types, shapes = nest.types_and_shapes(output_types, output_shapes)
        flat_types, flat_shapes = _flat_types_shapes(types, shapes)
        handle = _create(IteratorV2(flat_types, flat_shapes, shared_name or ""), [], "Iterator")
        return Iterator(handle.outputs[0], None, types, shapes)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        """A feedable iterator: each run, the iterator whose `string_handle()` value is fed."""
        types, shapes = nest.types_and_shapes(output_types, output_shapes)
        flat_types, flat_shapes = _flat_types_shapes(types, shapes)
        string_handle = convert_to_tensor(string_handle, dtype=dtypes.string)
        handle = _create(IteratorFromStringHandle(flat_types, flat_shapes), [string_handle],
                         "IteratorFromStringHandle")
        return Iterator(handle.outputs[0], None, types, shapes, captures=[string_handle])

    @staticmethod
    def _one_shot(dataset):
        for t in dataset._captures():
            if t.op.type == "Placeholder":
                raise ValueError("Cannot capture a placeholder (name:%s, type:Placeholder) by "
                                 "value. (A one-shot iterator cannot be fed: use "
                                 "make_initializable_iterator() and feed its initializer.)"
                                 % t.op.name)
        flat_types, flat_shapes = _flat_types_shapes(dataset.output_types, dataset.output_shapes)
        handle = _create(OneShotIterator(_register_dataset(dataset), flat_types, flat_shapes),
                         [], "OneShotIterator")
        return Iterator(handle.outputs[0], None, dataset.output_types, dataset.output_shapes,
                        captures=dataset._captures())

    # -- properties ----------------------------------------------------------------------------
    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    @property
    def output_types(self):
        return self._output_types

    @property
    def output_shapes(self):
        return self._output_shapes

    @property
    def output_classes(self):
        return nest.map_structure_any(lambda t: Tensor, self._output_types)

    # -- ops -----------------------------------------------------------------------------------
    def make_initializer(self, dataset, name=None):
        """The op that starts this iterator over `dataset` (same types, compatible shapes)."""
        if not isinstance(dataset, Dataset):
            raise TypeError("make_initializer needs a Dataset, got %r" % (dataset,))
        if self._handle.op.type != "IteratorV2":
            raise ValueError("Only iterators made by Iterator.from_structure or "
                             "make_initializable_iterator have initializers.")
        try:
            nest.assert_same_structure(self._output_types, dataset.output_types)
        except TypeError:
            raise TypeError("Expected output types %r but got dataset with output types %r."
                            % (self._output_types, dataset.output_types)) from None
        types, shapes = _flat_types_shapes(dataset.output_types, dataset.output_shapes)
        if types != self._flat_types:
            raise TypeError("Expected output types %r but got dataset with output types %r."
                            % (self._output_types, dataset.output_types))
        for mine, theirs in zip(self._flat_shapes, shapes):
            if not mine.is_compatible_with(theirs):
                raise TypeError("Expected output shapes compatible with %r but got dataset with "
                                "output shapes %r." % (self._output_shapes, dataset.output_shapes))
        return _create(MakeIterator(_register_dataset(dataset)),
                       [self._handle] + dataset._captures(), name or "MakeIterator")

    def get_next(self, name=None):
        """The tensors of the next element (OutOfRangeError when the dataset is exhausted)."""
        op = _create(IteratorGetNext(self._flat_types, self._flat_shapes),
                     [self._handle] + list(self._captures), name or "IteratorGetNext")
        return nest.pack_as(self._output_types, op.outputs) if nest.is_sequence(
            self._output_types) else op.outputs[0]

    def string_handle(self, name=None):
        """A string naming this iterator, to feed to a `from_string_handle` iterator."""
        op = _create(IteratorToStringHandle(), [self._handle] + list(self._captures),
                     name or "IteratorToStringHandle")
        return op.outputs[0]


def make_one_shot_iterator(dataset):
    """tf.data.make_one_shot_iterator(dataset) (TF 1.13+)."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """tf.data.make_initializable_iterator(dataset) (TF 1.13+)."""
    return dataset.make_initializable_iterator(shared_name)


def get_output_types(dataset_or_iterator):
    """The (nested) dtypes of a dataset's or iterator's elements."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """The (nested) static shapes of a dataset's or iterator's elements."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """The (nested) classes (tf.Tensor) of a dataset's or iterator's elements."""
    return dataset_or_iterator.output_classes
