"""tf.sparse.cross / tf.sparse.cross_hashed (TF 1.15's SparseCross op): for each batch row,
every combination of one feature from each input (SparseTensors, then dense tensors), as
strings joined with "_X_" or as TF's FingerprintCat64 hash of the features' fingerprints;
the ids crossed_column buckets by. Not differentiable."""

from minitf import dtypes, errors
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.lib.farmhash import fingerprint64, fingerprint_cat64
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import cast

__all__ = ["sparse_cross", "sparse_cross_hashed"]

_DEFAULT_HASH_KEY = 0xDECAFCAFFE  # TF's key when hash_key is None
_INT64_MAX = (1 << 63) - 1


def _sparse_rows(indices, values, batch):
    """A SparseTensor's features as a list per batch row, in index order."""
    rows = [[] for _ in range(batch)]
    for row, value in zip(indices[:, 0].tolist(), values.tolist()):
        rows[row].append(value)
    return rows


@register
class SparseCross(OpDef):
    """Inputs: the indices, then the values, then the dense shapes of len(sparse_types)
    SparseTensors, then len(dense_types) dense [batch, k] tensors (int64 or string). Outputs
    the crosses' indices [n, 2], values [n] (out_type) and dense shape [batch, max count]."""
    tf_signature = TFSignature(type_attrs=())
    hashed_output: bool = False
    num_buckets: int = 0
    hash_key: int = _DEFAULT_HASH_KEY
    sparse_types: tuple = ()
    dense_types: tuple = ()
    out_type: object = dtypes.string
    internal_type: object = dtypes.string
    differentiable = False
    host_only = True

    def infer(self, *inputs):
        n = len(self.sparse_types)
        for t, want in zip(inputs[n:2 * n] + inputs[3 * n:],
                           self.sparse_types + self.dense_types):
            if t.dtype is not want or want not in (dtypes.int64, dtypes.string):
                raise TypeError("SparseCross: input %s is %s; inputs must be int64 or string"
                                % (t.name, t.dtype.name))
        for t in inputs[3 * n:]:
            if t.shape.ndims not in (None, 2):
                raise ValueError("SparseCross: dense input %s must be a matrix, got shape %s"
                                 % (t.name, t.shape))
        return [TensorSpec([None, 2], dtypes.int64), TensorSpec([None], self.out_type),
                TensorSpec([2], dtypes.int64)]

    def _feature(self, value):
        """A feature as the crosser needs it: a hash (strings' Fingerprint64, integers'
        own bits) or its text."""
        if self.hashed_output:
            return fingerprint64(value) if isinstance(value, bytes) else value & ((1 << 64) - 1)
        return value if isinstance(value, bytes) else str(value).encode()

    def compute(self, xp, *inputs):
        n = len(self.sparse_types)
        indices, values, shapes, dense = (inputs[:n], inputs[n:2 * n], inputs[2 * n:3 * n],
                                          inputs[3 * n:])
        batches = [int(s[0]) for s in shapes] + [d.shape[0] for d in dense]
        if any(b != batches[0] for b in batches):
            raise errors.InvalidArgumentError(
                None, None, "Expected batch size %d got %d" % (
                    batches[0], next(b for b in batches if b != batches[0])))
        batch = batches[0] if batches else 0
        columns = [_sparse_rows(i, v, batch) for i, v in zip(indices, values)]
        columns += [d.tolist() for d in dense]
        out_indices, out_values, width = [], [], 0
        for row in range(batch):
            crosses = [[]]
            for column in columns:  # the last input varies fastest, as TF's iterator
                crosses = [c + [self._feature(f)] for c in crosses for f in column[row]]
            if not columns:
                crosses = []
            for k, cross in enumerate(crosses):
                out_indices.append([row, k])
                out_values.append(self._cross(cross))
            width = max(width, len(crosses))
        values_out = xp.asarray(out_values, dtype=xp.int64 if self.hashed_output else object)
        return [xp.asarray(out_indices, dtype=xp.int64).reshape(-1, 2), values_out,
                xp.asarray([batch, width], dtype=xp.int64)]

    def _cross(self, features):
        if not self.hashed_output:
            return b"_X_".join(features)
        hashed = self.hash_key & ((1 << 64) - 1)
        for feature in features:
            hashed = fingerprint_cat64(hashed, feature)
        return hashed % (self.num_buckets if self.num_buckets > 0 else _INT64_MAX)


def _cross(inputs, hashed_output, num_buckets, hash_key, name):
    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    if not all(isinstance(i, (SparseTensor, Tensor)) for i in inputs):
        raise TypeError("All inputs must be SparseTensors")
    sparse = [i for i in inputs if isinstance(i, SparseTensor)]
    dense = [i for i in inputs if not isinstance(i, SparseTensor)]
    values = [v.values if v.dtype is dtypes.string else cast(v.values, dtypes.int64)
              for v in sparse]
    dense = [d if d.dtype is dtypes.string else cast(d, dtypes.int64) for d in dense]
    internal = dtypes.int64 if any(t.dtype is not dtypes.string for t in values + dense) \
        else dtypes.string
    op = SparseCross(hashed_output, num_buckets, hash_key, tuple(v.dtype for v in values),
                     tuple(d.dtype for d in dense),
                     dtypes.int64 if hashed_output else dtypes.string, internal)
    out = op(*([s.indices for s in sparse] + values + [s.dense_shape for s in sparse] + dense),
             name=name)
    return SparseTensor(*out)


def sparse_cross(inputs, name=None):
    """tf.sparse.cross: for each row, every combination of one feature of each input
    (SparseTensors first, then dense [batch, k] tensors; int or string), as the features'
    text joined with "_X_"; a SparseTensor [batch, most combinations] of strings."""
    return _cross(inputs, False, 0, _DEFAULT_HASH_KEY, name)


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """tf.sparse.cross_hashed: sparse_cross's combinations as int64 hashes, TF's: the
    FingerprintCat64 chain from `hash_key` over the features' Fingerprint64 (an integer
    feature is its own hash), modulo num_buckets (0: modulo 2**63 - 1)."""
    return _cross(inputs, True, num_buckets, hash_key or _DEFAULT_HASH_KEY, name)
