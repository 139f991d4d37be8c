"""Data-parallel training on MPI with Horovod's TF1 API: `import minitf.horovod as hvd`.

Start the same script N times (`minitf run -np N python train.py`, or `mpiexec -n N python
train.py`); each process calls `hvd.init()`, trains on its share of the data with its optimizer
wrapped in `hvd.DistributedOptimizer` (gradients averaged over the ranks by one fused allreduce
per step), and runs `hvd.broadcast_global_variables(0)` once after initializing so every rank
starts from rank 0's weights. See docs/distributed.md.
"""

from minitf.framework.graph import GraphKeys, get_default_graph, name_scope
from minitf.horovod import basics as _basics
from minitf.horovod.basics import (Adasum, Average, Sum, gloo_built, gloo_enabled, init,
                                   is_initialized, local_rank, local_size, mpi_built,
                                   mpi_enabled, mpi_threads_supported, nccl_built, rank,
                                   shutdown, size)
from minitf.horovod.compression import Compression
from minitf.horovod.mpi_ops import (_allreduce, allgather, broadcast, grouped_allreduce_op,
                                    size_tensor)
from minitf.ops.control_ops import group
from minitf.ops.constant_op import convert_to_tensor
from minitf.train.optimizer import Optimizer as _Optimizer
from minitf.train.session_run_hook import SessionRunHook as _SessionRunHook

__all__ = ["init", "shutdown", "is_initialized", "rank", "size", "local_rank", "local_size",
           "mpi_threads_supported", "mpi_enabled", "mpi_built", "gloo_enabled", "gloo_built",
           "nccl_built", "Average", "Sum", "Adasum", "Compression", "allreduce",
           "grouped_allreduce", "allgather", "broadcast", "broadcast_variables",
           "broadcast_global_variables", "BroadcastGlobalVariablesHook", "DistributedOptimizer"]


def _reduce_op(op, average):
    """Horovod's rule: `average` (deprecated) and `op` are exclusive; the default is Average."""
    if op is not None and average is not None:
        raise ValueError("The op parameter supersedes average. Please provide only one of them.")
    if op is None:
        op = Sum if average is False else Average
    if op == Adasum:
        raise NotImplementedError("minitf.horovod does not implement the Adasum reduction; use "
                                  "op=hvd.Average or op=hvd.Sum")
    if op not in (Average, Sum):
        raise ValueError("op must be hvd.Average or hvd.Sum, got %r" % (op,))
    return op


def _is_indexed_slices(value):
    import minitf
    kind = getattr(minitf, "IndexedSlices", None)
    return kind is not None and isinstance(value, kind)


def allreduce(tensor, average=None, device_dense="", device_sparse="",
              compression=Compression.none, op=None, name=None):
    """The sum (op=hvd.Sum) or average (op=hvd.Average, the default) of `tensor` over all
    ranks; every rank must pass a tensor of the same dtype and shape. A tf.IndexedSlices is
    allgathered instead (values and indices), which represents the same reduction."""
    op = _reduce_op(op, average)
    if _is_indexed_slices(tensor):
        import minitf
        values = allgather(tensor.values)
        indices = allgather(tensor.indices)
        if op == Average:
            values = values / size_tensor(values.dtype)
        return minitf.IndexedSlices(values, indices, dense_shape=tensor.dense_shape)
    tensor = convert_to_tensor(tensor)
    compressed, ctx = compression.compress(tensor)
    summed = compression.decompress(_allreduce(compressed, name=name), ctx)
    return summed / size_tensor(summed.dtype) if op == Average else summed


def grouped_allreduce(tensors, average=None, device_dense="", device_sparse="",
                      compression=Compression.none, op=None, name=None):
    """allreduce of every tensor in `tensors` as ONE op: they are packed into contiguous buffers
    (up to HOROVOD_FUSION_THRESHOLD bytes, default 64 MiB) and reduced with one MPI call per
    buffer. Floating tensors are averaged inside the op; integer ones by a division after it."""
    op = _reduce_op(op, average)
    tensors = [convert_to_tensor(t) for t in tensors]
    pairs = [compression.compress(t) for t in tensors]
    sent = [t for t, _ in pairs]
    scale_inside = op == Average and all(t.dtype.is_floating for t in sent)
    summed = grouped_allreduce_op(sent, 1.0 / size() if scale_inside else 1.0, name=name)
    out = [compression.decompress(s, ctx) for s, (_, ctx) in zip(summed, pairs)]
    if op == Average and not scale_inside:
        out = [t / size_tensor(t.dtype) for t in out]
    return out


def broadcast_variables(variables, root_rank):
    """One op that assigns every variable of `variables` its value on rank `root_rank`."""
    _basics.check_root_rank(root_rank)
    return group(*[v.assign(broadcast(v, root_rank)) for v in variables])


def broadcast_global_variables(root_rank):
    """One op that gives every rank rank `root_rank`'s values of all global variables: run it
    once after the initializer (or after restoring a checkpoint on the root only)."""
    return broadcast_variables(get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES),
                               root_rank)


class BroadcastGlobalVariablesHook(_SessionRunHook):
    """Horovod's hook that broadcasts the global variables from `root_rank` once the session
    exists, so every rank starts from the same weights: pass it to
    tf.train.MonitoredTrainingSession(hooks=[...]) (or call `hook.begin()` after building the
    model and `hook.after_create_session(sess, None)` after running the initializer)."""

    def __init__(self, root_rank, device=""):
        super().__init__()
        self.root_rank = root_rank
        self.device = device
        self.bcast_op = None

    def begin(self):
        if self.bcast_op is None or self.bcast_op.graph is not get_default_graph():
            with get_default_graph().device(self.device or None):
                self.bcast_op = broadcast_global_variables(self.root_rank)

    def after_create_session(self, session, coord):
        session.run(self.bcast_op)


class _DistributedOptimizer(_Optimizer):
    """Wraps a tf.train optimizer: compute_gradients returns gradients averaged (or summed)
    over the ranks by one fused allreduce; everything else is the wrapped optimizer's."""

    def __init__(self, optimizer, name, use_locking, compression, sparse_as_dense, op):
        super().__init__(use_locking, name)
        self._optimizer = optimizer
        self._compression = compression
        self._sparse_as_dense = sparse_as_dense
        self._op = op

    def compute_gradients(self, *args, **kwargs):
        pairs = self._optimizer.compute_gradients(*args, **kwargs)
        if size() == 1:
            return pairs
        with name_scope(self._name + "_Allreduce"):
            dense, sparse = [], []
            for i, (g, _) in enumerate(pairs):
                if g is None:
                    continue
                if _is_indexed_slices(g):
                    if self._sparse_as_dense:
                        pairs[i] = (convert_to_tensor(g), pairs[i][1])
                        dense.append(i)
                    else:
                        sparse.append(i)
                else:
                    dense.append(i)
            reduced = grouped_allreduce([pairs[i][0] for i in dense],
                                        compression=self._compression, op=self._op)
            result = list(pairs)
            for i, g in zip(dense, reduced):
                result[i] = (g, pairs[i][1])
            for i in sparse:
                result[i] = (allreduce(pairs[i][0], op=self._op), pairs[i][1])
        return result

    def apply_gradients(self, *args, **kwargs):
        return self._optimizer.apply_gradients(*args, **kwargs)

    def get_slot(self, *args, **kwargs):
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args, **kwargs):
        return self._optimizer.variables(*args, **kwargs)


def DistributedOptimizer(optimizer, name=None, use_locking=False, device_dense="",
                         device_sparse="", compression=Compression.none, sparse_as_dense=False,
                         backward_passes_per_step=1, op=Average):
    """Wraps `optimizer` (any tf.train optimizer) so that its gradients are averaged over all
    ranks before they are applied: `hvd.DistributedOptimizer(tf.train.AdamOptimizer(...))`."""
    _basics._require()
    if backward_passes_per_step != 1:
        raise NotImplementedError("minitf.horovod does not aggregate gradients locally: "
                                  "backward_passes_per_step must be 1")
    op = _reduce_op(op, None)
    if name is None:
        name = "Distributed%s" % type(optimizer).__name__
    return _DistributedOptimizer(optimizer, name, use_locking, compression, sparse_as_dense, op)
