"""TF 1.13-1.15's second spellings of the API: tf.math, tf.linalg, tf.random, tf.sparse,
tf.gfile, tf.compat (with tf.compat.v1 pointing at minitf itself) and the TF 2 switches that
compat-mode programs call first. Each namespace maps TF's names to minitf's existing
functions (`make_namespaces` is called once by minitf/__init__.py); nothing is defined twice.
"""

import contextlib
import logging
import sys
import types

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.graph import name_scope
from minitf.framework.sparse_tensor import SparseTensor
from minitf.ops.variable_scope import variable_scope
from minitf.io import gfile as _gfile
from minitf.ops import (array_ops, fake_quant_ops, linalg_ops, math_ops, nn_ops, random_ops,
                        stateless_random_ops,
                        sparse_cross, sparse_manip, sparse_math, sparse_ops, special_math,
                        string_ops, tridiagonal_ops)

__all__ = ["disable_v2_behavior", "disable_eager_execution", "executing_eagerly",
           "executing_eagerly_outside_functions", "disable_resource_variables",
           "resource_variables_enabled", "disable_tensor_equality", "disable_v2_tensorshape",
           "is_symbolic_tensor", "get_logger", "op_scope", "variable_op_scope"]

# tf.math: TF's names that are the same function at the top level or in tf.nn.
_MATH_SAME = """abs acos add add_n argmax argmin asin atan atan2 ceil cos cosh count_nonzero
cumprod cumsum divide equal erf exp expm1 floor floordiv floormod greater greater_equal
is_finite is_inf is_nan less less_equal log log1p logical_and logical_not logical_or
logical_xor maximum minimum mod multiply negative not_equal pow realdiv reciprocal reduce_all
reduce_any reduce_logsumexp reduce_max reduce_mean reduce_min reduce_prod reduce_sum round
rsqrt scalar_mul sigmoid sign sin sinh sqrt square squared_difference subtract tan tanh
truediv truncatediv truncatemod unsorted_segment_sum segment_sum segment_mean segment_max
segment_min segment_prod acosh asinh atanh erfc unsorted_segment_max unsorted_segment_min
unsorted_segment_prod unsorted_segment_mean unsorted_segment_sqrt_n bincount confusion_matrix
invert_permutation lgamma digamma polygamma zeta igamma igammac betainc lbeta rint
accumulate_n complex real imag angle conj""".split()
_MATH_SPECIAL = """erfinv erfcinv ndtri bessel_i0 bessel_i0e bessel_i1 bessel_i1e xlog1py
nextafter""".split()  # tf.math's only
_SPECTRAL = """fft ifft fft2d ifft2d fft3d ifft3d rfft irfft rfft2d irfft2d rfft3d
irfft3d dct idct""".split()
_MATH_FROM_NN = """in_top_k l2_normalize log_softmax softmax softplus softsign top_k
zero_fraction""".split()


def _module(name, doc, entries):
    module = types.ModuleType("minitf." + name, doc)
    module.__dict__.update(entries)
    module.__all__ = sorted(k for k in entries if not isinstance(entries[k], types.ModuleType))
    sys.modules["minitf." + name] = module  # so `import minitf.math` and `from ... import` work
    return module


def make_namespaces(tf):
    """Installs the namespace modules on the package `tf` (minitf itself)."""
    math = {n: getattr(tf, n) for n in _MATH_SAME}
    math.update({n: getattr(tf.nn, n) for n in _MATH_FROM_NN})
    math.update(divide_no_nan=math_ops.div_no_nan, log_sigmoid=nn_ops.log_sigmoid,
                reduce_variance=math_ops.reduce_variance, reduce_std=math_ops.reduce_std,
                xlogy=math_ops.xlogy, xdivy=math_ops.xdivy,
                multiply_no_nan=math_ops.multiply_no_nan,
                reciprocal_no_nan=math_ops.reciprocal_no_nan, polyval=math_ops.polyval,
                reduce_euclidean_norm=math_ops.reduce_euclidean_norm,
                is_non_decreasing=tf.is_non_decreasing,
                is_strictly_increasing=tf.is_strictly_increasing,
                **{n: getattr(special_math, n) for n in _MATH_SPECIAL},
                cumulative_logsumexp=math_ops.cumulative_logsumexp)
    tf.math = _module("math", "tf.math: the math ops under their TF 1.13+ names.", math)

    tf.linalg = _module("linalg", "tf.linalg: matrix ops under their TF 1.13+ names.", dict(
        diag=linalg_ops.matrix_diag, diag_part=linalg_ops.matrix_diag_part,
        set_diag=linalg_ops.matrix_set_diag, tensor_diag=linalg_ops.diag,
        tensor_diag_part=linalg_ops.diag_part, transpose=linalg_ops.matrix_transpose,
        cross=linalg_ops.cross, qr=linalg_ops.qr, trace=linalg_ops.trace, eye=linalg_ops.eye,
        band_part=linalg_ops.matrix_band_part, inv=linalg_ops.matrix_inverse,
        det=linalg_ops.matrix_determinant, slogdet=linalg_ops.log_matrix_determinant,
        logdet=linalg_ops.logdet, solve=linalg_ops.matrix_solve,
        triangular_solve=linalg_ops.matrix_triangular_solve, cholesky=linalg_ops.cholesky,
        cholesky_solve=linalg_ops.cholesky_solve,
        matmul=math_ops.matmul, einsum=math_ops.einsum, tensordot=math_ops.tensordot,
        norm=math_ops.norm, l2_normalize=nn_ops.l2_normalize,
        svd=linalg_ops.svd, eigh=linalg_ops.self_adjoint_eig,
        eigvalsh=linalg_ops.self_adjoint_eigvals, lstsq=linalg_ops.matrix_solve_ls,
        sqrtm=linalg_ops.matrix_square_root, expm=linalg_ops.matrix_exponential,
        lu=linalg_ops.lu, lu_solve=linalg_ops.lu_solve,
        lu_reconstruct=linalg_ops.lu_reconstruct,
        lu_matrix_inverse=linalg_ops.lu_matrix_inverse, pinv=linalg_ops.pinv,
        matrix_rank=linalg_ops.matrix_rank, adjoint=linalg_ops.adjoint,
        matvec=linalg_ops.matvec, normalize=linalg_ops.normalize,
        global_norm=tf.global_norm, matrix_transpose=linalg_ops.matrix_transpose,
        tridiagonal_matmul=tridiagonal_ops.tridiagonal_matmul,
        tridiagonal_solve=tridiagonal_ops.tridiagonal_solve))

    tf.quantization = _module(
        "quantization", "tf.quantization: TF 1.15's fake quantization ops.",
        {n: getattr(fake_quant_ops, n) for n in fake_quant_ops.__all__})

    # tf.spectral: TF1's first home of the transforms, the same functions as tf.signal's.
    tf.spectral = _module("spectral", "tf.spectral: the Fourier and cosine transforms "
                          "(tf.signal's).",
                          {n: getattr(tf.signal, n) for n in _SPECTRAL})

    tf.random = _module("random", "tf.random: random ops under their TF 1.13+ names.", dict(
        normal=random_ops.random_normal, uniform=random_ops.random_uniform,
        truncated_normal=random_ops.truncated_normal, shuffle=random_ops.random_shuffle,
        multinomial=random_ops.multinomial, categorical=random_ops.categorical,
        gamma=random_ops.random_gamma, poisson=random_ops.random_poisson,
        set_random_seed=random_ops.set_random_seed, get_seed=random_ops.get_seed,
        log_uniform_candidate_sampler=tf.nn.log_uniform_candidate_sampler,
        uniform_candidate_sampler=tf.nn.uniform_candidate_sampler,
        stateless_uniform=stateless_random_ops.stateless_random_uniform,
        stateless_normal=stateless_random_ops.stateless_random_normal,
        stateless_truncated_normal=stateless_random_ops.stateless_truncated_normal,
        stateless_categorical=stateless_random_ops.stateless_categorical,
        stateless_multinomial=stateless_random_ops.stateless_multinomial))

    tf.nest = _module("nest", "tf.nest: nested structures of lists, tuples and dicts.", dict(
        assert_same_structure=nest.public_assert_same_structure, flatten=nest.public_flatten,
        is_nested=nest.is_nested, map_structure=nest.public_map_structure,
        pack_sequence_as=nest.public_pack_sequence_as))

    tf.sparse = _module("sparse", "tf.sparse: SparseTensor basics under their TF 1.13+ names.",
                        dict(SparseTensor=SparseTensor, to_dense=sparse_ops.sparse_tensor_to_dense,
                             placeholder=sparse_ops.sparse_placeholder,
                             reduce_sum=sparse_ops.sparse_reduce_sum, add=sparse_math.sparse_add,
                             segment_sum=tf.sparse_segment_sum,
                             segment_mean=tf.sparse_segment_mean,
                             segment_sqrt_n=tf.sparse_segment_sqrt_n,
                             matmul=sparse_math.sparse_tensor_dense_matmul,
                             sparse_dense_matmul=sparse_math.sparse_tensor_dense_matmul,
                             softmax=sparse_math.sparse_softmax,
                             reduce_max=sparse_math.sparse_reduce_max,
                             reduce_max_sparse=sparse_math.sparse_reduce_max_sparse,
                             reduce_sum_sparse=sparse_math.sparse_reduce_sum_sparse,
                             maximum=sparse_math.sparse_maximum,
                             minimum=sparse_math.sparse_minimum,
                             reorder=sparse_manip.sparse_reorder,
                             reshape=sparse_manip.sparse_reshape,
                             transpose=sparse_manip.sparse_transpose,
                             concat=sparse_manip.sparse_concat, slice=sparse_manip.sparse_slice,
                             split=sparse_manip.sparse_split,
                             fill_empty_rows=sparse_manip.sparse_fill_empty_rows,
                             retain=sparse_manip.sparse_retain,
                             from_dense=sparse_manip.from_dense,
                             expand_dims=sparse_manip.sparse_expand_dims,
                             eye=sparse_manip.sparse_eye,
                             to_indicator=sparse_manip.sparse_to_indicator,
                             mask=sparse_manip.sparse_mask, merge=sparse_manip.sparse_merge,
                             reset_shape=sparse_manip.sparse_reset_shape,
                             cross=sparse_cross.sparse_cross,
                             cross_hashed=sparse_cross.sparse_cross_hashed))

    tf.strings = _module("strings", "tf.strings: the string ops under their TF 1.13+ names.",
                         dict(join=string_ops.string_join, split=string_ops.strings_split,
                              substr=string_ops.substr, strip=string_ops.string_strip,
                              to_number=string_ops.string_to_number,
                              as_string=string_ops.as_string,
                              reduce_join=string_ops.reduce_join,
                              regex_replace=string_ops.regex_replace,
                              length=string_ops.string_length, lower=string_ops.string_lower,
                              upper=string_ops.string_upper,
                              to_hash_bucket_fast=string_ops.string_to_hash_bucket_fast,
                              to_hash_bucket=string_ops.string_to_hash_bucket,
                              to_hash_bucket_strong=string_ops.string_to_hash_bucket_strong,
                              regex_full_match=string_ops.regex_full_match))

    tf.gfile = _module("gfile", "tf.gfile: TF1's file helpers (tf.io.gfile in CamelCase).", dict(
        GFile=_gfile.GFile, Open=_gfile.GFile, FastGFile=_gfile.GFile, Exists=_gfile.exists,
        IsDirectory=_gfile.isdir, MakeDirs=_gfile.makedirs, MkDir=_gfile.mkdir,
        DeleteRecursively=_gfile.rmtree, Remove=_gfile.remove, Rename=_gfile.rename,
        Copy=_gfile.copy, Glob=_gfile.glob, ListDirectory=_gfile.listdir, Walk=_gfile.walk,
        Stat=_gfile.stat))

    # tf.dtypes is minitf.dtypes itself (DType, as_dtype, the dtypes); TF adds cast to it.
    dtypes.cast = math_ops.cast

    tf.compat = _module("compat", "tf.compat: v1 (minitf itself: `import minitf.compat.v1 as "
                        "tf` runs code written for TF 2's compat mode) and str/bytes helpers.",
                        dict(v1=tf, as_bytes=as_bytes, as_text=as_text, as_str=as_text,
                             as_str_any=as_str_any))
    sys.modules["minitf.compat.v1"] = tf


def as_bytes(bytes_or_text, encoding="utf-8"):
    """tf.compat.as_bytes: str encoded (utf-8), bytes unchanged."""
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


def as_text(bytes_or_text, encoding="utf-8"):
    """tf.compat.as_text / as_str: bytes decoded (utf-8), str unchanged."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


def as_str_any(value):
    """tf.compat.as_str_any: as_text for bytes, str() for anything else."""
    return as_text(value) if isinstance(value, (bytes, bytearray)) else str(value)


def disable_v2_behavior():
    """tf.disable_v2_behavior (tf.compat.v1's first call in TF 2 code): nothing to do, minitf
    is TF1 (graphs and sessions) only."""


def disable_eager_execution():
    """tf.disable_eager_execution: nothing to do, minitf always builds graphs."""


def executing_eagerly():
    """tf.executing_eagerly: False, always (minitf has no eager mode)."""
    return False


def executing_eagerly_outside_functions():
    """tf.executing_eagerly_outside_functions: False, always (minitf has no eager mode)."""
    return False


# TF 1.15's switches to TF 2 behaviour, one by one. minitf has TF1's behaviour only, so the
# calls that ask for TF1's (the ones TF1 programs make) hold already; the enable_* ones that
# would need TF 2's (resource variables' read semantics, Tensor.__eq__ element-wise, TensorShape
# indexing to ints) are not provided.

def disable_resource_variables():
    """tf.disable_resource_variables: nothing to do, minitf's variables are TF1's default kind
    (tf.resource_variables_enabled() is False)."""


def resource_variables_enabled():
    """tf.resource_variables_enabled: False, as in TF 1.15 by default."""
    return False


def disable_tensor_equality():
    """tf.disable_tensor_equality: nothing to do, minitf's `==` on Tensors compares identity and
    Tensors are hashable, as in TF1."""


def disable_v2_tensorshape():
    """tf.disable_v2_tensorshape: nothing to do, `shape[i]` is a tf.Dimension, as in TF1."""


@contextlib.contextmanager
def op_scope(values, name, default_name=None):
    """tf.op_scope (deprecated before TF 1.0): tf.name_scope(name, default_name, values), with
    TF's warning at every call."""
    logging.getLogger("minitf").warning("tf.op_scope(values, name, default_name) is deprecated,"
                                        " use tf.name_scope(name, default_name, values)")
    with name_scope(name, default_name=default_name, values=values) as scope:
        yield scope


@contextlib.contextmanager
def variable_op_scope(values, name_or_scope, default_name=None, **options):
    """tf.variable_op_scope (deprecated before TF 1.0): tf.variable_scope(name_or_scope,
    default_name, values, **options) (initializer, regularizer, reuse, ...), with TF's warning
    at every call."""
    logging.getLogger("minitf").warning(
        "tf.variable_op_scope(values, name, default_name) is deprecated, use "
        "tf.variable_scope(name, default_name, values)")
    with variable_scope(name_or_scope, default_name=default_name, values=values,
                        **options) as scope:
        yield scope


def is_symbolic_tensor(tensor):
    """tf.is_symbolic_tensor: whether `tensor` is a graph Tensor (every minitf Tensor is)."""
    from minitf.framework.tensor import Tensor
    return isinstance(tensor, Tensor)


def get_logger():
    """tf.get_logger: the logger minitf's warnings go to ("minitf"; TF's is "tensorflow"), so
    `tf.get_logger().setLevel("ERROR")` silences them as it silences TF's."""
    return logging.getLogger("minitf")
