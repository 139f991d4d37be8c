"""tf.nn.embedding_lookup: rows of an embedding table by id (a gather, so the table's gradient
is a tf.IndexedSlices of the rows looked up, and optimizers update only those rows)."""

from minitf.framework.graph import name_scope
from minitf.ops.array_ops import gather, identity
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import clip_by_norm

__all__ = ["embedding_lookup"]

_STRATEGIES = ("mod", "div")


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """tf.nn.embedding_lookup: params[ids] along axis 0 (output shape ids.shape +
    params.shape[1:]), TF's ops: a GatherV2 named like the scope and an Identity. `params` is
    one table (or a list holding one; the partition strategy only matters for several).
    With `max_norm`, each looked-up row whose L2 norm exceeds it is scaled down to it. An id
    outside [0, rows) is an InvalidArgumentError at run time naming the id and the table size."""
    if params is None or (isinstance(params, (list, tuple)) and not params):
        raise ValueError("Need at least one param")
    if partition_strategy not in _STRATEGIES:
        raise ValueError("Unrecognized partition strategy: " + str(partition_strategy))
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError(
                "minitf's embedding_lookup takes one table; a table partitioned into %d shards "
                "(partition_strategy=%r) is not supported" % (len(params), partition_strategy))
        params = params[0]
    with name_scope(name, "embedding_lookup", [params, ids]) as scope:
        table = convert_to_tensor(params, name="params")
        ids = convert_to_tensor(ids, name="ids")
        result = gather(table, ids, name=scope)
        if max_norm is not None:
            ids_rank, rank = ids.shape.ndims, result.shape.ndims  # a row: the axes after ids
            if ids_rank is None or rank is None:
                raise ValueError("embedding_lookup with max_norm needs the ranks of ids and "
                                 "params at graph-build time")
            result = clip_by_norm(result, max_norm, axes=list(range(ids_rank, rank)))
        return identity(result)
