"""tf.nn.embedding_lookup: rows of an embedding table by id (a gather, so the table's gradient
is a tf.IndexedSlices of the rows looked up, and optimizers update only those rows), and
tf.nn.embedding_lookup_sparse, which combines the rows of each row of a SparseTensor of ids."""

import logging

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.sparse_tensor import SparseTensor
from minitf.ops.array_ops import (boolean_mask, concat, dynamic_partition, dynamic_stitch,
                                  gather, identity, ones_like, reshape, shape, size, stack,
                                  zeros_like)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import (cast, clip_by_norm, div_no_nan, equal, greater, greater_equal,
                                 logical_and, maximum, pow, range as range_, reduce_prod,
                                 reduce_sum, sqrt, where)
from minitf.ops.segment_ops import (rows_of, segment_sum, sparse_segment_mean,
                                    sparse_segment_sqrt_n, sparse_segment_sum, unique,
                                    unsorted_segment_sum)

__all__ = ["embedding_lookup", "embedding_lookup_sparse", "safe_embedding_lookup_sparse"]

_logger = logging.getLogger("minitf")

_STRATEGIES = ("mod", "div")


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """tf.nn.embedding_lookup: params[ids] along axis 0 (output shape ids.shape +
    params.shape[1:]), TF's ops: a GatherV2 named like the scope and an Identity. `params` is
    one table, or a list of shards (a PartitionedVariable is its parts): id i lives in shard
    i % n at row i // n ("mod"), or in contiguous blocks, the first shards one row larger when
    the rows do not divide evenly ("div"); the rows are gathered per shard and stitched back
    in order. With `max_norm`, each looked-up row whose L2 norm exceeds it is scaled down to
    it. An id outside [0, rows) is an InvalidArgumentError at run time naming the id and the
    table size."""
    from minitf.ops.partitioned_variables import PartitionedVariable
    if params is None or (isinstance(params, (list, tuple)) and not params):
        raise ValueError("Need at least one param")
    if partition_strategy not in _STRATEGIES:
        raise ValueError("Unrecognized partition strategy: %s.Must be one of either `mod` or "
                         "`div`." % (partition_strategy,))
    if isinstance(params, PartitionedVariable):
        params = list(params)
    if not isinstance(params, (list, tuple)):
        params = [params]
    with name_scope(name, "embedding_lookup", list(params) + [ids]) as scope:
        tables = [convert_to_tensor(p, name="params") for p in params]
        ids = convert_to_tensor(ids, name="ids")
        if len(tables) == 1:
            result = gather(tables[0], ids, name=scope)
        else:
            result = _sharded_lookup(tables, ids, partition_strategy, scope)
        if max_norm is not None:
            ids_rank, rank = ids.shape.ndims, result.shape.ndims  # a row: the axes after ids
            if ids_rank is None or rank is None:
                raise ValueError("embedding_lookup with max_norm needs the ranks of ids and "
                                 "params at graph-build time")
            result = clip_by_norm(result, max_norm, axes=list(range(ids_rank, rank)))
        return identity(result) if len(tables) == 1 else result


def _sharded_lookup(tables, ids, partition_strategy, scope):
    """TF's lookup in several shards: each id's shard and row in it, a DynamicPartition of the
    rows and of their positions, a gather per shard, and the rows stitched back (the stitch
    named like the scope), reshaped to ids.shape + a row's shape."""
    n = len(tables)
    flat_ids = reshape(ids, [-1])
    positions = range_(size(flat_ids, out_type=dtypes.int32))
    if partition_strategy == "mod":
        shard = flat_ids % n
        row = flat_ids // n
    else:
        sizes = [t.shape[0].value for t in tables]
        if all(s is not None for s in sizes):
            total = convert_to_tensor(sum(sizes), dtype=flat_ids.dtype)
        else:
            total = reduce_sum(cast(stack([s if s is not None else shape(t)[0]
                                           for s, t in zip(sizes, tables)]), flat_ids.dtype))
        per_shard = total // n
        extras = total % n
        shard = maximum(flat_ids // (per_shard + 1), (flat_ids - extras) // per_shard)
        row = where(shard < extras, flat_ids % (per_shard + 1),
                    (flat_ids - extras) % per_shard)
    shard = cast(shard, dtypes.int32)
    rows = dynamic_partition(row, shard, n)
    where_from = dynamic_partition(positions, shard, n)
    found = [gather(t, r) for t, r in zip(tables, rows)]
    result = dynamic_stitch(where_from, found, name=scope)
    element = tables[0].shape[1:]
    for t in tables[1:]:
        element = element.merge_with(t.shape[1:])
    element_dims = element.as_list() if element.is_fully_defined() else shape(tables[0])[1:]
    result = reshape(result, concat([shape(ids), element_dims], 0))
    result.set_shape(ids.shape.concatenate(element))
    return result


def _checked_combiner(combiner):
    """TF1's rule: None means "mean" (with TF1's warning); anything else must be a combiner."""
    if combiner is None:
        _logger.warning('The default value of combiner will change from "mean" to "sqrtn" '
                        'after 2016/11/01.')
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum', got %s" % combiner)
    return combiner


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None):
    """tf.nn.embedding_lookup_sparse: for each row r of the SparseTensor `sp_ids` (rank 2, rows
    in order), the combination of the embeddings params[id] of its ids, weighted by the values
    of `sp_weights` (a SparseTensor with the same indices) or by 1 when it is None: "sum",
    "mean" (the weighted sum over the sum of the weights; the default, which TF1 warns about)
    or "sqrtn" (over the square root of the sum of the squared weights; rows with no ids or
    weights summing to 0 give 0, as in TF 2, where TF 1.x gives NaN). The result has one
    row per index up to the last row holding an id (TF1 drops trailing empty rows) and
    params.shape[1:] after. TF1's ops: the distinct ids (Unique) are looked up once, and the
    table's gradient is an IndexedSlices of those rows."""
    combiner = _checked_combiner(combiner)
    if not isinstance(params, (list, tuple)):
        params = [params]
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor, got %s" % type(sp_ids))
    if sp_weights is not None:
        if not isinstance(sp_weights, SparseTensor):
            raise TypeError("sp_weights must be either None or SparseTensor,got %s"
                            % type(sp_weights))
        sp_ids.values.shape.assert_is_compatible_with(sp_weights.values.shape)
        sp_ids.indices.shape.assert_is_compatible_with(sp_weights.indices.shape)
        sp_ids.dense_shape.shape.assert_is_compatible_with(sp_weights.dense_shape.shape)
    with name_scope(name, "embedding_lookup_sparse", list(params) + [sp_ids]) as name:
        segment_ids = sp_ids.indices[:, 0]
        if segment_ids.dtype is not dtypes.int32:
            segment_ids = cast(segment_ids, dtypes.int32)
        ids, idx = unique(sp_ids.values)
        embeddings = embedding_lookup(params, ids, partition_strategy=partition_strategy,
                                      max_norm=max_norm)
        if sp_weights is None:
            combine = {"sum": sparse_segment_sum, "mean": sparse_segment_mean,
                       "sqrtn": sparse_segment_sqrt_n}[combiner]
            return combine(embeddings, idx, segment_ids, name=name)
        weights = sp_weights.values
        if weights.dtype is not embeddings.dtype:
            weights = cast(weights, embeddings.dtype)
        embeddings = gather(embeddings, idx)
        static = weights.shape
        weights = rows_of(weights, embeddings)  # [n, 1, ...]: broadcasts against the rows
        if embeddings.shape.ndims is not None:
            weights.set_shape(static.concatenate([1] * (embeddings.shape.ndims - 1)))
        embeddings *= weights
        if combiner == "sum":
            return segment_sum(embeddings, segment_ids, name=name)
        if combiner == "sqrtn":
            weights = pow(weights, 2)
        total = segment_sum(weights, segment_ids)
        # TF 2's div_no_nan (TF 1.x divides: a row without ids, between rows with ids, is NaN)
        return div_no_nan(segment_sum(embeddings, segment_ids),
                          total if combiner == "mean" else sqrt(total), name=name)


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None):
    """tf.nn.safe_embedding_lookup_sparse (tf.contrib.layers.safe_embedding_lookup_sparse):
    embedding_lookup_sparse made safe for feature columns: ids < 0 are dropped (and, unless the
    combiner is "sum", entries whose weight is <= 0), a row left without ids gives zeros (or
    the embedding of `default_id`), and every row of `sparse_ids` gets a result: the output
    has shape dense_shape[:-1] + params.shape[1:] (sparse_ids of any rank >= 2). combiner
    None is "mean" with TF1's warning. The table's gradient is an IndexedSlices."""
    combiner = _checked_combiner(combiner)
    if embedding_weights is None or (isinstance(embedding_weights, (list, tuple))
                                     and not embedding_weights):
        raise ValueError("Missing embedding_weights %s." % (embedding_weights,))
    if not isinstance(sparse_ids, SparseTensor):
        raise TypeError("sparse_ids must be SparseTensor, got %s" % type(sparse_ids))
    params = embedding_weights[0] if isinstance(embedding_weights, (list, tuple)) and \
        len(embedding_weights) == 1 else embedding_weights
    with name_scope(name, "embedding_lookup", [params, sparse_ids]) as scope:
        table = convert_to_tensor(params, name="params")
        if sparse_weights is not None and sparse_weights.values.dtype is not table.dtype:
            raise ValueError("Expected %s, got %s of dtype %s." % (
                table.dtype.name, sparse_weights.values, sparse_weights.values.dtype.name))
        rank = sparse_ids.indices.shape[1].value
        if rank is None:
            raise ValueError("safe_embedding_lookup_sparse needs the rank of sparse_ids at "
                             "graph-build time")
        dense_shape = cast(sparse_ids.dense_shape, dtypes.int32)
        # Entry -> row of the [rows, last] matrix the leading axes flatten into (TF reshapes).
        index = cast(sparse_ids.indices, dtypes.int32)
        row = index[:, 0]
        for axis in range(1, rank - 1):
            row = row * dense_shape[axis] + index[:, axis]
        rows = reduce_prod(dense_shape[:rank - 1])
        ids = sparse_ids.values
        keep = greater_equal(ids, 0)
        weights = None if sparse_weights is None else sparse_weights.values
        if weights is not None and combiner != "sum":
            keep = logical_and(keep, greater(weights, 0))
        row, ids = boolean_mask(row, keep), boolean_mask(ids, keep)
        if weights is None:
            weights = cast(ones_like(ids), table.dtype)
        else:
            weights = boolean_mask(weights, keep)
        unique_ids, idx = unique(ids)
        looked_up = embedding_lookup(table, unique_ids, partition_strategy=partition_strategy,
                                     max_norm=max_norm)
        rows_in = gather(looked_up, idx)
        result = unsorted_segment_sum(rows_in * rows_of(weights, rows_in), row, rows)
        if combiner != "sum":
            total = unsorted_segment_sum(weights if combiner == "mean" else weights * weights,
                                         row, rows)
            result = div_no_nan(result, rows_of(total if combiner == "mean" else sqrt(total),
                                                result))
        if default_id is not None:
            empty = equal(unsorted_segment_sum(ones_like(row), row, rows), 0)
            default = embedding_lookup(table, [default_id], partition_strategy=partition_strategy,
                                       max_norm=max_norm)
            result = where(empty, zeros_like(result) + default, result)
        out = reshape(result, concat([dense_shape[:rank - 1], shape(result)[1:]], 0), name=scope)
        out.set_shape([None] * (rank - 1) + result.shape.as_list()[1:])
        return out
