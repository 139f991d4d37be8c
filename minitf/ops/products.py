"""Matrix products: matmul (batched too), einsum and tensordot."""

import builtins
import collections
import functools

import numpy as np

from minitf.workers import participants, split
from minitf.ops import gemm
from minitf.framework.graph import name_scope
from minitf.framework.registry import Call, OpDef, TFSignature, register
from minitf.framework.shapes import broadcast_dims, num_elements
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import convert_to_tensor, ones_like, reshape, shape, stack, sum_to
from minitf.ops.elementwise import binary_operands, conj
from minitf.ops.gather_scatter import gather
from minitf.ops.join_split import concat
from minitf.ops.op_util import check_same_dtype, rank_error
from minitf.ops.reductions import reduce_prod
from minitf.ops.shape_ops import transpose

__all__ = ["matmul", "tensordot", "einsum"]


def _check_inner_dims(ka, kb):
    if ka is not None and kb is not None and ka != kb:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (ka, kb))


def _matmul_grads(a, b, dy, ta, tb, adjoint=False):
    """TF's gradients of a @ b for the flags ta, tb of either MatMul op: transposes (MatMul,
    whose complex inputs TF conjugates first) or adjoints (BatchMatMulV2's adj_x, adj_y)."""
    if adjoint:
        flag = ("adjoint_a", "adjoint_b")
    else:
        a, b, flag = conj(a), conj(b), ("transpose_a", "transpose_b")

    def mm(x, y, fx=False, fy=False):
        return matmul(x, y, **{flag[0]: fx, flag[1]: fy})
    if not ta and not tb:
        return mm(dy, b, fy=True), mm(a, dy, fx=True)
    if not ta and tb:
        return mm(dy, b), mm(dy, a, fx=True)
    if ta and not tb:
        return mm(b, dy, fy=True), mm(a, dy)
    return mm(b, dy, True, True), mm(dy, a, True, True)


# Products this small (a recurrent step, a chain of small layers) cost their call: numpy's
# `dot` makes the same BLAS call as `matmul` for 2-D float and complex matrices, bit for bit,
# with half of matmul's dispatch (4x16 @ 16x16: 430 vs 780 ns of CPU).
_TINY_PRODUCT = 1 << 16  # multiply-adds
_BLAS_DTYPES = ("float32", "float64", "complex64", "complex128")


def _tiny_blas_product(op, a, b):
    """Whether MatMul `op`, its inputs of static shapes `a` and `b`, is a tiny product of a
    BLAS dtype with every dimension known."""
    return (op.inputs[0].dtype.name in _BLAS_DTYPES and None not in a + b
            and a[0] * a[1] * b[1 - op.opdef.transpose_b] <= _TINY_PRODUCT)


# Products of at least SPLIT_PRODUCT multiply-adds split over the calling thread and the
# intra-op workers (minitf/workers.py) when the thread policy allows more than one participant
# (it then keeps the BLAS library at one thread): each chunk is a one-thread BLAS call on a
# block of the output's rows, and gives the same bits as the whole product at one thread,
# because a block of rows leaves each element's sum over K as it was, provided that blocks
# start at multiples of _ALIGN rows (OpenBLAS's kernels tile rows by 4 to 32, and the rows of
# a partial tile are summed in another order: blocks of 16 or 64 rows changed float64
# results) and no block is small enough for another BLAS path (one row: a matrix-vector
# product; up to a million multiply-adds: OpenBLAS's small-matrix kernels, which changed
# float32 results). Splitting over
# columns changed results, so products with few rows do not split. CHUNK_PRODUCT
# multiply-adds make one chunk, with participants to 2x participants chunks per product (a
# worker that starts late still finds one); every extra chunk packs the right-hand matrix
# again.
SPLIT_PRODUCT = 1 << 24
CHUNK_PRODUCT = 1 << 27
_ALIGN = 96
_MIN_CHUNK = 1 << 22


def _round_up(value, multiple):
    return -(-value // multiple) * multiple


def row_blocks(rows, n, macs):
    """The row boundaries [0, ..., rows] of the blocks in which a product of `rows` rows and
    `macs` multiply-adds splits for `n` participants; [0, rows] when it does not split. Blocks
    start at multiples of _ALIGN; the last one ends where the product does, so it may have any
    length, above _MIN_CHUNK multiply-adds like the others (and a quarter of the others: a
    sliver would leave its thread waiting for the rest)."""
    least = builtins.max(2, -(-_MIN_CHUNK // builtins.max(macs // rows, 1)))
    chunks = builtins.max(n, builtins.min(2 * n, macs // CHUNK_PRODUCT))
    # about rows / chunks, to the nearest multiple of _ALIGN
    step = builtins.max(_round_up(least, _ALIGN),
                        (2 * rows + chunks * _ALIGN) // (2 * chunks * _ALIGN) * _ALIGN)
    bounds = list(builtins.range(0, rows, step))
    if len(bounds) > 1 and rows - bounds[-1] < builtins.max(least, step // 4):
        bounds.pop()  # the last block joins the one before
    return bounds + [rows]


def split_product(xp, matmul, x, y, out=None):
    """matmul(x, y, out=out), split over the intra-op workers when it is big enough and the
    thread policy allows (see SPLIT_PRODUCT); `x` and `y` are matrices, or stacks of them with
    the same leading axes (split over whole matrices)."""
    n = participants()
    if n < 2:
        return matmul(x, y, out=out)
    shape_x, shape_y = x.shape, y.shape
    if len(shape_x) != len(shape_y) or shape_x[:-2] != shape_y[:-2] or \
            x.dtype != y.dtype or x.dtype.name not in _BLAS_DTYPES:
        return matmul(x, y, out=out)
    cols = shape_y[-1]
    macs = num_elements(shape_x) * cols
    if macs < SPLIT_PRODUCT or shape_y[-2] != shape_x[-1] or \
            x.__array_interface__["data"][0] == y.__array_interface__["data"][0]:
        # (numpy makes x @ x.T one symmetric-product call, which sums in another order)
        return matmul(x, y, out=out)
    if len(shape_x) > 2:  # a stack: each chunk takes whole matrices
        count = shape_x[0]
        if count < 2:
            return matmul(x, y, out=out)
        if out is None:
            out = xp.empty(shape_x[:-1] + (cols,), x.dtype)

        def matrices(start, stop):
            matmul(x[start:stop], y[start:stop], out=out[start:stop])
        split(count, matrices, -(-count // builtins.min(count, builtins.max(
            n, macs // CHUNK_PRODUCT))))
        return out
    bounds = row_blocks(shape_x[0], n, macs)
    if len(bounds) < 3:
        return matmul(x, y, out=out)
    if out is None:
        out = xp.empty((shape_x[0], cols), x.dtype)

    def blocks(start, stop):
        for i in builtins.range(start, stop):
            a, b = bounds[i], bounds[i + 1]
            matmul(x[a:b], y, out=out[a:b])
    split(len(bounds) - 1, blocks, 1)
    return out


def _transposing(matmul, ta, tb):
    """matmul(a, b) of the inputs transposed where `ta` / `tb` say '.T'."""
    if not ta:
        return lambda a, b, out=None: matmul(a, b.T, out=out)
    if not tb:
        return lambda a, b, out=None: matmul(a.T, b, out=out)
    return lambda a, b, out=None: matmul(a.T, b.T, out=out)


def host_product(xp, a, b, out=None, own_b=False):
    """a @ b for numpy matrices: float32 products big enough go to the compiled kernel
    (ops/gemm.py; `own_b`: each of its threads packs all of b, see MatMul.bind), the others
    to numpy's matmul, split when big (split_product)."""
    compiled = gemm.kernel()
    if compiled is not None:
        done = compiled(a, b, out, own_b=own_b)
        if done is not None:
            return done
    return split_product(xp, xp.matmul, a, b, out)


def _host_transposed(xp, ta, tb, a, b, out=None, own_b=False):
    return host_product(xp, a.T if ta else a, b.T if tb else b, out, own_b)


@register
class MatMul(OpDef):
    transpose_a: bool = False
    transpose_b: bool = False
    supports_out = True

    def infer(self, a, b):
        check_same_dtype("MatMul", a, b)
        da, db = a.shape.as_tuple(), b.shape.as_tuple()
        for name, d in (("a", da), ("b", db)):
            if d is not None and len(d) != 2:
                raise rank_error(2, len(d), " (input '%s'); use tf.matmul for batched products "
                                 "of rank 3 and more" % name)
        da = da or (None, None)
        db = db or (None, None)
        m, ka = (da[1], da[0]) if self.transpose_a else da
        kb, n = (db[1], db[0]) if self.transpose_b else db
        _check_inner_dims(ka, kb)
        return TensorSpec((m, n), a.dtype)

    def compute(self, xp, a, b, out=None):
        a = a.T if self.transpose_a else a
        b = b.T if self.transpose_b else b
        _check_contraction(a, b)
        if xp is np:
            return host_product(xp, a, b, out)
        return xp.matmul(a, b, out=out)

    def bind(self, ctx, op, stable_b=False):
        """The kernel; `stable_b`: no op of the plan writes b (client/plan.py
        stable_products), so that each thread of the compiled product may pack all of b for
        itself: b then stays in each thread's cache from run to run, where the shared packing
        passes half of it between the threads at every run (the MLP forward pass 1.62-1.64 ->
        1.39-1.42 ms in the host's slow phases, docs/performance.md)."""
        fn = self.specialize(ctx.xp_for(op), op)
        if stable_b and isinstance(fn, functools.partial) and fn.func is _host_transposed:
            fn = functools.partial(fn, own_b=True)
        return fn

    def specialize(self, xp, op):
        a, b = (t.shape.as_tuple() for t in op.inputs)
        if a is None or b is None or None in (a[0 if self.transpose_a else 1],
                                              b[1 if self.transpose_b else 0]):
            return super().specialize(xp, op)
        # The inner dimensions are known (and equal: infer checked): no run-time check needed.
        tiny = _tiny_blas_product(op, a, b)
        matmul = xp.dot if tiny else xp.matmul
        if xp is np and not tiny and (None in a + b or a[0] * a[1] * b[1 - self.transpose_b]
                                      >= builtins.min(SPLIT_PRODUCT, gemm.NATIVE_MACS)):
            # may be big enough for the compiled product or to split
            return functools.partial(_host_transposed, xp, self.transpose_a, self.transpose_b)
        if not (self.transpose_a or self.transpose_b):
            return matmul
        ta, tb = ".T" if self.transpose_a else "", ".T" if self.transpose_b else ""
        return Call(matmul, "{0}%s, {1}%s" % (ta, tb), _transposing(matmul, ta, tb))

    def bind_group(self, ctx, ops, producers=None, stable_b=False):
        """The kernel of [this MatMul, the BiasAdd of its output] or [..., the Relu of that]
        (client/plan.py fuse_matmul_bias): `(a, b, bias, out=None)`; of [this MatMul, the
        ReluGrad of its output] (fuse_matmul_relu_grad): `(a, b, features, out=None)`; or of
        [this MatMul, the BiasAddGrad of its b] (fuse_conv_bias; fuses_bias): `(a, b, out=None)`
        -> (product, bias gradient). On the host the compiled product adds the bias and takes
        the relu, or masks by the features, as it writes each element, or sums b's columns as
        it packs them, where it takes the product (ops/gemm.py); else the kernels one after
        the other. `stable_b`: as bind's."""
        product = self.bind(ctx, ops[0], stable_b)
        compiled = gemm.kernel() if ctx.xp_for(ops[0]) is np else None
        ta, tb = self.transpose_a, self.transpose_b
        if ops[1].type == "BiasAddGrad":
            bias_grad = ops[1].opdef.bind(ctx, ops[1])
            float32 = np.dtype(np.float32)

            def with_bias_grad(a, b, out=None):
                if compiled is not None and b.dtype == float32 and b.ndim == 2:
                    sums = np.empty(b.shape[1], float32)
                    done = compiled(a.T if ta else a, b, out, sums=sums)
                    if done is not None:
                        return done, sums
                return product(a, b, out=out), bias_grad(b)
            return with_bias_grad
        if ops[1].type == "ReluGrad":
            relu_grad = ops[1].opdef.bind(ctx, ops[1])

            def masked(a, b, features, out=None):
                if compiled is not None:
                    done = compiled(a.T if ta else a, b.T if tb else b, out, mask=features,
                                    own_b=stable_b)
                    if done is not None:
                        return done
                return relu_grad(product(a, b), features, out=out)
            return masked
        relu = len(ops) == 3
        rest = ops[1].opdef.bind_group(ctx, ops[1:]) if relu else ops[1].opdef.bind(ctx, ops[1])

        def fused(a, b, bias, out=None):
            if compiled is not None:
                done = compiled(a.T if ta else a, b.T if tb else b, out, bias, relu,
                                own_b=stable_b)
                if done is not None:
                    return done
            return rest(product(a, b), bias, out=out)
        return fused

    def fuses_bias(self, op, bias_op):
        """Whether a plan may run this MatMul and `bias_op`, the BiasAddGrad of its b (a dense
        layer's weight gradient x^T @ dz and its bias gradient), as one kernel (bind_group):
        where there is a compiled product, for float32 matrices, b not transposed. The bias
        gradient then sums dz's columns in the order of the rows (BiasAddGrad's own kernel
        sums them in another order: they differ in the last bits)."""
        return (bias_op.type == "BiasAddGrad" and not self.transpose_b
                and op.inputs[1].dtype.name == "float32" and op.inputs[1].shape.ndims == 2
                and gemm.kernel() is not None)

    def batch_key(self, op):
        a, b = (t.shape.as_tuple() for t in op.inputs)
        if a is None or b is None or not _tiny_blas_product(op, a, b):
            return None
        return self, a, b, op.inputs[0].dtype

    def bind_batch(self, xp, ops):
        # One matmul over the stacked operands: numpy's batched matmul makes the BLAS call of
        # each 2-D product (bit for bit as dot), without a Python call per product.
        n = len(ops)
        a, b = (t.shape.as_tuple() for t in ops[0].inputs)
        concatenate, matmul = xp.concatenate, xp.matmul

        def products(out, a_column, b_column):
            x = concatenate(a_column).reshape((n,) + a)
            y = concatenate(b_column).reshape((n,) + b)
            return matmul(x.transpose(0, 2, 1) if self.transpose_a else x,
                          y.transpose(0, 2, 1) if self.transpose_b else y, out=out)
        return products

    def grad(self, op, dy):
        a, b = op.inputs
        return list(_matmul_grads(a, b, dy, self.transpose_a, self.transpose_b))


@register
class BatchMatMulV2(OpDef):
    """Matrix products over the last two axes; the leading (batch) axes broadcast."""

    adj_x: bool = False
    adj_y: bool = False
    supports_out = True

    def infer(self, x, y):
        check_same_dtype("BatchMatMulV2", x, y, ("x", "y"))
        dx, dy = x.shape.as_tuple(), y.shape.as_tuple()
        for name, d in (("x", dx), ("y", dy)):
            if d is not None and len(d) < 2:
                raise rank_error(2, len(d), " (input '%s')" % name, at_least=True)
        if dx is None or dy is None:
            return TensorSpec(None, x.dtype)
        m, k = (dx[-1], dx[-2]) if self.adj_x else dx[-2:]
        k2, n = (dy[-1], dy[-2]) if self.adj_y else dy[-2:]
        _check_inner_dims(k, k2)
        return TensorSpec(broadcast_dims(dx[:-2], dy[:-2]) + (m, n), x.dtype)

    def compute(self, xp, x, y, out=None):
        x = _adjoint(xp, x) if self.adj_x else x
        y = _adjoint(xp, y) if self.adj_y else y
        _check_contraction(x, y)
        if xp is np:
            return split_product(xp, xp.matmul, x, y, out)
        return xp.matmul(x, y, out=out)

    def grad(self, op, dz):
        x, y = op.inputs
        gx, gy = _matmul_grads(x, y, dz, self.adj_x, self.adj_y, adjoint=True)
        return [sum_to(gx, x), sum_to(gy, y)]


def _adjoint(xp, x):
    """The conjugate transpose of the last two axes (a view for real x)."""
    x = xp.swapaxes(x, -1, -2)
    return xp.conj(x) if x.dtype.kind == "c" else x


def _check_contraction(a, b):
    """TF's run-time message for matrices that do not fit (numpy's gufunc text is cryptic)."""
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("Matrix size-incompatible: In[0]: %s, In[1]: %s: the last dimension "
                         "of the first (%d) must equal the second-to-last of the second (%d)"
                         % (list(a.shape), list(b.shape), a.shape[-1], b.shape[-2]))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.matmul: MatMul for two matrices; BatchMatMulV2 (batch axes broadcast) when either
    input has rank > 2 or an unknown rank, as TF1; adjoints conjugate complex inputs."""
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    with name_scope(name, "MatMul", [a, b]) as scope:
        a, b = binary_operands(a, b, names=("a", "b"))
        ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
        ranks = (a.shape.ndims, b.shape.ndims)
        # TF's: BatchMatMulV2 has adjoints only (a complex transpose conjugates first), MatMul
        # transposes only (a complex adjoint conjugates first); conj of a real tensor is itself.
        if None in ranks or builtins.max(ranks) > 2:
            a = conj(a) if transpose_a else a
            b = conj(b) if transpose_b else b
            return BatchMatMulV2(ta, tb)(a, b, name=scope)
        a = conj(a) if adjoint_a else a
        b = conj(b) if adjoint_b else b
        return MatMul(ta, tb)(a, b, name=scope)


def tensordot(a, b, axes, name=None):
    """tf.tensordot: sums a's `axes[0]` against b's `axes[1]` (or a's last `axes` axes against
    b's first), composed as TF does it: transpose, reshape to matrices, matmul, reshape."""
    with name_scope(name, "Tensordot", [a, b]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, b, axes)
        a_matrix, a_free = _tensordot_reshape(a, a_axes, flipped=False)
        b_matrix, b_free = _tensordot_reshape(b, b_axes, flipped=True)
        product = matmul(a_matrix, b_matrix)
        dims = a_free[1] + b_free[1]
        if product.shape.is_fully_defined() and product.shape.as_list() == dims:
            return product
        if sum(d is None for d in dims) <= 1:
            return reshape(product, [-1 if d is None else d for d in dims], name=scope)
        free_shape = concat([_sizes(a, a_free[0]), _sizes(b, b_free[0])], 0)
        result = reshape(product, free_shape, name=scope)
        result.set_shape(dims)
        return result


def _einsum_tokens(subscripts):
    """'...ij' -> ['...', 'i', 'j']: the ellipsis is one token and may only lead."""
    lead = subscripts.startswith("...")
    rest = subscripts[3:] if lead else subscripts
    if not builtins.all(c.isalpha() for c in rest):
        raise ValueError("Invalid einsum subscripts %r: use letters, and '...' only at the start"
                         % subscripts)
    if len(set(rest)) != len(rest):
        raise ValueError("minitf's einsum does not take diagonals: subscript %r repeats a label"
                         % subscripts)
    return (["..."] if lead else []) + list(rest)


def _einsum_split(equation):
    lhs, _, rhs = equation.partition("->")
    return [_einsum_tokens(s) for s in lhs.split(",")], _einsum_tokens(rhs)


def _einsum_equation(equation, n):
    """The explicit form 'ij,jk->ik' of `equation`, checked against `n` operands."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != n:
        raise ValueError("The einsum equation %r names %d operands, but %d tensors were given"
                         % (equation, len(subs), n))
    tokens = [_einsum_tokens(s) for s in subs]
    ellipsis = builtins.any(t[:1] == ["..."] for t in tokens)
    if not arrow:  # implicit output: the labels used once, sorted, after the ellipsis (numpy's rule)
        counts = collections.Counter(c for t in tokens for c in t if c != "...")
        rhs = ("..." if ellipsis else "") + "".join(sorted(c for c, k in counts.items() if k == 1))
    out = _einsum_tokens(rhs)
    labels = {c for t in tokens for c in t}
    for c in out:
        if c not in labels:
            raise ValueError("Output subscript %r of einsum %r appears in no input" % (c, equation))
    if ellipsis and out[:1] != ["..."]:
        raise ValueError("The output of einsum %r must keep '...' (minitf does not sum over "
                         "broadcast axes)" % equation)
    return ",".join(subs) + "->" + rhs


@register
class Einsum(OpDef):
    """One einsum; the gradient for each operand is an einsum of the output gradient with the
    other operands (plus ones_like(x) when x has a label no other term carries)."""
    tf_signature = TFSignature(n_list=0)

    equation: str
    fresh_output = False  # a one-operand einsum ('ij->ji') returns a view of its input

    def infer(self, *xs):
        ins, out = _einsum_split(self.equation)
        for i, x in enumerate(xs[1:], 1):
            check_same_dtype("Einsum", xs[0], x, ("inputs[0]", "inputs[%d]" % i))
        label_dims, ellipsis_dims = {}, ()
        for i, (x, sub) in enumerate(zip(xs, ins)):
            dims = x.shape.as_tuple()
            labels = [c for c in sub if c != "..."]
            if dims is None:
                ellipsis_dims = None if sub[:1] == ["..."] else ellipsis_dims
                continue
            n_ellipsis = len(dims) - len(labels)
            if n_ellipsis < 0 or (n_ellipsis and sub[:1] != ["..."]):
                raise ValueError("Input %d of einsum has rank %d, which does not match its "
                                 "subscripts '%s'" % (i, len(dims), "".join(sub)))
            if ellipsis_dims is not None and sub[:1] == ["..."]:
                ellipsis_dims = broadcast_dims(ellipsis_dims, dims[:n_ellipsis])
            for c, d in zip(labels, dims[n_ellipsis:]):
                known = label_dims.get(c)
                if d is not None and known is not None and d != known:
                    raise ValueError("Dimensions must be equal for einsum subscript '%s', but "
                                     "are %d and %d" % (c, known, d))
                label_dims[c] = known if known is not None else d
        if out[:1] == ["..."] and ellipsis_dims is None:
            return TensorSpec(None, xs[0].dtype)
        lead = ellipsis_dims if out[:1] == ["..."] else ()
        return TensorSpec(lead + tuple(label_dims.get(c) for c in out if c != "..."),
                          xs[0].dtype)

    def compute(self, xp, *xs):
        return xp.einsum(self.equation, *xs, optimize=True)

    def grad(self, op, dy):
        ins, out = _einsum_split(self.equation)
        batched = out[:1] == ["..."]
        grads = []
        for k, x in enumerate(op.inputs):
            terms = [out] + [s for j, s in enumerate(ins) if j != k]
            operands = [dy] + [t for j, t in enumerate(op.inputs) if j != k]
            if set(ins[k]) - {c for t in terms for c in t}:
                terms.append(ins[k])
                operands.append(ones_like(x))
            target = (["..."] if batched else []) + [c for c in ins[k] if c != "..."]
            equation = ",".join("".join(t) for t in terms) + "->" + "".join(target)
            g = Einsum(equation)(*operands, name="Einsum")
            grads.append(sum_to(g, x) if batched else g)
        return grads


def einsum(equation, *inputs, **kwargs):
    """tf.einsum: one Einsum op for subscripts like 'ij,jk->ik', 'bij,bjk->bik', 'ij->ji' or
    '...ij,...jk->...ik' (leading ellipsis); repeated labels within an operand (diagonals) are
    not supported. Takes `name=` as a keyword."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Invalid keyword arguments for einsum: %s" % ", ".join(kwargs))
    with name_scope(name, "einsum", list(inputs)):
        tensors = [convert_to_tensor(x) for x in inputs]
        return Einsum(_einsum_equation(equation, len(tensors)))(*tensors, name="Einsum")


def _tensordot_axes(a, b, axes):
    if isinstance(axes, Tensor):
        axes = constant_value(axes)
        if axes is None:
            raise ValueError("minitf's tensordot needs `axes` known when the graph is built")
        axes = axes.tolist()
    if isinstance(axes, (int, np.integer)):
        axes = int(axes)
        if axes < 0:
            raise ValueError("'axes' must be at least 0.")
        rank = a.shape.ndims
        if rank is None:
            raise ValueError("minitf's tensordot needs the rank of %s" % a.name)
        if axes > rank:
            raise ValueError("'axes' must not be larger than the number of dimensions of tensor "
                             "%s." % a.name)
        return list(builtins.range(rank - axes, rank)), list(builtins.range(axes))
    if len(axes) != 2:
        raise ValueError("'axes' must be an integer or have length 2.")
    a_axes, b_axes = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError("Different number of contraction axes 'a' and 'b', %d != %d."
                         % (len(a_axes), len(b_axes)))
    return [int(x) for x in a_axes], [int(x) for x in b_axes]


def _tensordot_reshape(a, axes, flipped):
    """`a` transposed and reshaped to a matrix with the contracted axes last (first when
    flipped); also (free axes, their static dims)."""
    rank = a.shape.ndims
    if rank is None:
        raise ValueError("minitf's tensordot needs the rank of %s" % a.name)
    for x in axes:
        if not -rank <= x < rank:
            raise ValueError("tensordot axis %d is out of range for %s of rank %d"
                             % (x, a.name, rank))
    axes = [x % rank for x in axes]
    free = [i for i in builtins.range(rank) if i not in axes]
    dims = a.shape.as_tuple()
    free_dims = [dims[i] for i in free]
    prod_free = num_elements(free_dims)
    prod_axes = num_elements([dims[i] for i in axes])
    perm = axes + free if flipped else free + axes
    if perm != list(builtins.range(rank)):
        a = transpose(a, perm)
    new_shape = [prod_axes, prod_free] if flipped else [prod_free, prod_axes]
    if a.shape.as_tuple() == tuple(new_shape) and None not in new_shape:
        return a, (free, free_dims)
    if None not in new_shape or new_shape.count(None) == 1:
        return reshape(a, [-1 if d is None else d for d in new_shape]), (free, free_dims)
    n_free = reduce_prod(_sizes(a, builtins.range(len(axes), rank) if flipped
                                else builtins.range(len(free))))
    target = stack([-1, n_free] if flipped else [n_free, -1])
    return reshape(a, target), (free, free_dims)


def _sizes(t, axes):
    """The runtime sizes of `t` along `axes`, as a 1-D int32 tensor."""
    return gather(shape(t), np.asarray(list(axes), np.int32))
