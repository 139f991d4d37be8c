"""Horovod's collectives as graph ops: HorovodAllreduce, HorovodGroupedAllreduce (the fused form
DistributedOptimizer uses), HorovodAllgather and HorovodBroadcast. They are stateful (never
folded, cached or pruned into a different order) and run inside Session.run like any kernel,
moving host buffers through MPI (see basics.py)."""

import re

from minitf import backend, dtypes
from minitf.framework.graph import get_default_graph
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import TensorSpec
from minitf.horovod import basics
from minitf.ops.array_ops import shape, split, zeros_like
from minitf.ops.constant_op import convert_to_tensor


def _normalize_name(name):
    """A tensor name as a valid op-name suffix, as Horovod names its ops."""
    return re.sub("[^a-zA-Z0-9_]", "_", name)


def _check_reducible(x):
    if x.dtype.base_dtype.name not in basics._SUMMABLE:
        raise TypeError("Horovod cannot allreduce a %s tensor (%s): it reduces numbers only "
                        "(%s)" % (x.dtype.name, x.name, ", ".join(basics._SUMMABLE)))


def _on_host(op):
    """Whether `op` runs on the host: its kernel then gets numpy arrays (the plan moves values
    made on a device to the host first) and returns them as they are."""
    return backend.array_module_for(op.device) is backend.HOST.xp


def _host_kernel(op, collective):
    """A kernel that runs `collective(name, *host arrays)` and returns arrays of the op's
    device: MPI moves host buffers, so device arrays are staged through the host."""
    xp = backend.array_module_for(op.device)
    name = op.name
    to_numpy = backend.to_numpy
    if _on_host(op):  # the results are host arrays already
        def run(*arrays):
            # (a grouped reduction's outputs are a tuple already)
            result = collective(name, *[to_numpy(a) for a in arrays])
            return tuple(result) if isinstance(result, list) else result
        return run

    def run(*arrays):
        result = collective(name, *[to_numpy(a) for a in arrays])
        if isinstance(result, (list, tuple)):
            return tuple(backend.to_module(r, xp) for r in result)
        return backend.to_module(result, xp)
    return run


@register
class HorovodAllreduce(OpDef):
    """The sum of a tensor over all ranks."""

    reduce_op: int = basics.Sum
    stateful = True
    fresh_output = False  # a view of the op's persistent output buffer (basics.FusedAllreduce)

    def infer(self, x):
        _check_reducible(x)
        return TensorSpec(x.shape, x.dtype)

    def bind(self, ctx, op):
        step = basics.FusedAllreduce(op.name).step
        if _on_host(op):
            return lambda x: step(x)[0]
        return _host_kernel(op, lambda name, x: step(x)[0])

    def grad(self, op, dy):
        return [_allreduce(dy)]


@register
class HorovodGroupedAllreduce(OpDef):
    """Sums of several tensors over all ranks, reduced together with tensor fusion; each output
    is multiplied by `postscale` (1/size for an average)."""

    postscale: float = 1.0
    stateful = True
    fresh_output = False  # views of the op's persistent fusion buffers (basics.FusedAllreduce)

    def infer(self, *xs):
        for x in xs:
            _check_reducible(x)
        return [TensorSpec(x.shape, x.dtype) for x in xs]

    def bind(self, ctx, op):
        step = basics.FusedAllreduce(op.name, self.postscale).step
        if len(op.outputs) == 1:  # a one-output kernel returns its array, not a 1-tuple (a
            fused = step          # model of one variable under DistributedOptimizer)
            step = lambda x: fused(x)[0]  # noqa: E731
        if _on_host(op):
            return step  # the kernel itself: a layer less in every training step
        return _host_kernel(op, lambda name, *xs: step(*xs))

    def grad(self, op, *dys):
        dys = [dy if dy is not None else zeros_like(y) for dy, y in zip(dys, op.outputs)]
        return grouped_allreduce_op(dys, self.postscale)


@register
class HorovodAllgather(OpDef):
    """Every rank's tensor concatenated along axis 0."""

    stateful = True

    def infer(self, x):
        if x.shape.rank == 0:
            raise ValueError("Horovod allgather needs a tensor of rank >= 1, got a scalar")
        dims = x.shape.as_tuple()
        return TensorSpec(None if dims is None else (None,) + tuple(dims[1:]), x.dtype)

    def bind(self, ctx, op):
        return _host_kernel(op, basics.allgather)

    def grad(self, op, dy):
        # Each rank's share of the summed gradient: the rows it contributed.
        summed = _allreduce(dy)
        (x,) = op.inputs
        rows = allgather(shape(x)[:1])
        pieces = split(summed, rows, axis=0, num=basics.size())
        return [pieces[basics.rank()]]


@register
class HorovodBroadcast(OpDef):
    """Rank `root_rank`'s value of a tensor, on every rank."""

    root_rank: int = 0
    stateful = True

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def bind(self, ctx, op):
        root = self.root_rank
        return _host_kernel(op, lambda name, x: basics.broadcast(name, x, root))

    def grad(self, op, dy):
        summed = _allreduce(dy)
        if basics.rank() != self.root_rank:
            return [summed * 0]
        return [summed]


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name)


def _allreduce(tensor, name=None):
    """The graph op summing `tensor` over the ranks (Horovod's `_allreduce`)."""
    basics._require()
    tensor = convert_to_tensor(tensor)
    name = name or "HorovodAllreduce_%s" % _normalize_name(tensor.name)
    return _create(HorovodAllreduce(basics.Sum), [tensor], name).outputs[0]


def grouped_allreduce_op(tensors, postscale=1.0, name=None):
    """One fused op summing every tensor of `tensors` over the ranks, times `postscale`."""
    basics._require()
    tensors = [convert_to_tensor(t) for t in tensors]
    if not tensors:
        return []
    name = name or "HorovodGroupedAllreduce_%s" % _normalize_name(tensors[0].name)
    return list(_create(HorovodGroupedAllreduce(float(postscale)), tensors, name).outputs)


def allgather(tensor, name=None):
    """Concatenates `tensor` from every rank along axis 0, in rank order; the first dimension
    may differ between ranks, the others must match."""
    basics._require()
    tensor = convert_to_tensor(tensor)
    name = name or "HorovodAllgather_%s" % _normalize_name(tensor.name)
    return _create(HorovodAllgather(), [tensor], name).outputs[0]


def broadcast(tensor, root_rank, name=None):
    """`tensor`'s value on rank `root_rank`, on every rank (same dtype and shape everywhere)."""
    basics._require()
    basics.check_root_rank(root_rank)
    tensor = convert_to_tensor(tensor)
    name = name or "HorovodBroadcast_%s" % _normalize_name(tensor.name)
    return _create(HorovodBroadcast(int(root_rank)), [tensor], name).outputs[0]


def size_tensor(dtype):
    """The job's size as a constant of `dtype` (to average a sum)."""
    return convert_to_tensor(basics.size(), dtype=dtypes.as_dtype(dtype))

