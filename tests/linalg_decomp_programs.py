"""Programs for the decompositions and least squares of tf.linalg (svd, eigh, lstsq, sqrtm,
expm, lu and what is built on them), run on TF by tests/record_tf_linalg_decomp.py and on
minitf by tests/test_linalg_decomp.py. Each takes the tf module and returns plain values.

Singular and eigen vectors are defined up to sign, and LAPACK (numpy) and Eigen (TF) may pick
different signs, so every recorded loss of a vector is of its squares (sign invariant)."""

import numpy as np

RNG = np.random.RandomState(7)
A43 = RNG.randn(4, 3)
A34 = RNG.randn(3, 4)
A33 = RNG.randn(3, 3)
SPD = A33 @ A33.T + 3 * np.eye(3)
B42 = RNG.randn(4, 2)
B32 = RNG.randn(3, 2)
W = {k: RNG.randn(*s) for k, s in dict(s3=(3,), u43=(4, 3), v33=(3, 3), u44=(4, 4),
                                      v44=(4, 4), x32=(3, 2), m33=(3, 3), e3=(3,)).items()}
BATCH = RNG.randn(2, 3, 3)


def _names(ts):
    return [[t.name, t.op.type, t.shape.as_list() if t.shape.ndims is not None else None]
            for t in ts]


def static(tf):
    """Tensor names, op types and static shapes."""
    out = {}
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [None, 4, 3])
        sq = tf.placeholder(tf.float32, [None, 3, 3])
        b = tf.placeholder(tf.float32, [None, 4, 2])
        out["svd"] = _names(tf.svd(a))
        out["svd_full"] = _names(tf.linalg.svd(a, full_matrices=True))
        out["svd_s"] = _names([tf.svd(a, compute_uv=False)])
        out["eig"] = _names(tf.self_adjoint_eig(sq))
        out["eigvals"] = _names([tf.self_adjoint_eigvals(sq)])
        out["eigh"] = _names(tf.linalg.eigh(sq))
        out["eigvalsh"] = _names([tf.linalg.eigvalsh(sq)])
        out["lstsq"] = _names([tf.matrix_solve_ls(a, b)])
        out["lstsq_slow"] = _names([tf.linalg.lstsq(a, b, fast=False)])
        out["sqrtm"] = _names([tf.linalg.sqrtm(sq)])
        out["lu"] = _names(tf.linalg.lu(sq))
        out["adjoint"] = _names([tf.linalg.adjoint(a)])
        out["matvec"] = _names([tf.linalg.matvec(a, tf.placeholder(tf.float32, [None, 3]))])
        out["normalize"] = _names(tf.linalg.normalize(a, axis=-1))
    return out


def values(tf):
    """Float64 values of every function on fixed inputs."""
    def run(t):
        with tf.Session() as sess:
            return sess.run(t)

    out = {}
    with tf.Graph().as_default():
        for key, a in (("tall", A43), ("wide", A34), ("square", A33)):
            s, u, v = run(tf.svd(tf.constant(a)))
            sf, uf, vf = run(tf.svd(tf.constant(a), full_matrices=True))
            out["svd_" + key] = [s.tolist(), (u ** 2).tolist(), (v ** 2).tolist(),
                                 (uf ** 2).tolist(), (vf ** 2).tolist()]
            out["svd_s_" + key] = run(tf.svd(tf.constant(a), compute_uv=False)).tolist()
        e, v = run(tf.self_adjoint_eig(tf.constant(SPD)))
        out["eig"] = [e.tolist(), (v ** 2).tolist()]
        # only the lower triangle is read
        out["eig_lower"] = run(tf.self_adjoint_eigvals(tf.constant(np.tril(SPD)))).tolist()
        out["eig_batch"] = run(tf.linalg.eigvalsh(tf.constant(BATCH + np.swapaxes(BATCH, 1, 2)))
                               ).tolist()
        for fast in (True, False):
            for l2 in (0.0, 0.5):
                key = "lstsq_%s_%s" % (fast, l2)
                if not fast and l2:
                    continue
                out[key + "_tall"] = run(tf.matrix_solve_ls(
                    tf.constant(A43), tf.constant(B42), l2_regularizer=l2, fast=fast)).tolist()
                out[key + "_wide"] = run(tf.matrix_solve_ls(
                    tf.constant(A34), tf.constant(B32), l2_regularizer=l2, fast=fast)).tolist()
        out["sqrtm"] = run(tf.linalg.sqrtm(tf.constant(SPD))).tolist()
        out["sqrtm_nonsym"] = run(tf.linalg.sqrtm(tf.constant(SPD + 0.3 * A33))).tolist()
        out["expm"] = run(tf.linalg.expm(tf.constant(A33))).tolist()
        out["expm_big"] = run(tf.linalg.expm(tf.constant(6 * A33))).tolist()
        out["expm_batch"] = run(tf.linalg.expm(tf.constant(BATCH))).tolist()
        lu, p = run(tf.linalg.lu(tf.constant(A33)))
        out["lu"] = [lu.tolist(), p.tolist()]
        lu_t, p_t = tf.linalg.lu(tf.constant(BATCH))
        out["lu_batch_perm"] = run(p_t).tolist()
        out["lu_solve"] = run(tf.linalg.lu_solve(lu_t, p_t, tf.constant(RNG.randn(2, 3, 2)))
                              ).tolist()
        out["lu_reconstruct"] = run(tf.linalg.lu_reconstruct(lu_t, p_t)).tolist()
        out["lu_inverse"] = run(tf.linalg.lu_matrix_inverse(lu_t, p_t)).tolist()
        out["lu_int64"] = run(tf.linalg.lu(tf.constant(A33), output_idx_type=tf.int64)[1]
                              ).tolist()
        out["pinv_tall"] = run(tf.linalg.pinv(tf.constant(A43))).tolist()
        out["pinv_rcond"] = run(tf.linalg.pinv(tf.constant(
            np.outer([1.0, 2.0, 3.0], [1.0, 0.5, 0.25]) + 1e-9 * A33), rcond=1e-6)).tolist()
        rank_deficient = np.stack([A43, np.outer(A43[:, 0], [1.0, 2.0, 3.0])])
        out["rank"] = run(tf.linalg.matrix_rank(tf.constant(rank_deficient))).tolist()
        out["rank_tol"] = run(tf.linalg.matrix_rank(tf.constant(A33), tol=0.5)).tolist()
        out["matvec"] = run(tf.linalg.matvec(tf.constant(A43), tf.constant(W["s3"]))).tolist()
        out["matvec_t"] = run(tf.linalg.matvec(tf.constant(A43), tf.constant(W["u43"][:, 0]),
                                               transpose_a=True)).tolist()
        n, norm = run(tf.linalg.normalize(tf.constant(A43), axis=0))
        out["normalize"] = [n.tolist(), norm.tolist()]
        n, norm = run(tf.linalg.normalize(tf.constant(A43), ord=1))
        out["normalize_l1"] = [n.tolist(), norm.tolist()]
        out["global_norm"] = float(run(tf.linalg.global_norm([tf.constant(A43),
                                                              tf.constant(B42)])))
    return out


def gradients(tf):
    """Gradients of sign-invariant losses, float64."""
    def grad(fn, x):
        with tf.Graph().as_default():
            xt = tf.constant(x)
            g = tf.gradients(fn(xt), xt)[0]
            with tf.Session() as sess:
                return sess.run(g).tolist()

    def c(key):
        return W[key]

    sq = tf.square
    out = {}
    out["svd_s"] = grad(lambda a: tf.reduce_sum(c("s3") * tf.svd(a, compute_uv=False)), A43)
    for key, a, wu, wv in (("tall", A43, c("u43"), c("v33")), ("wide", A34, c("v33"), c("u43"))):
        out["svd_" + key] = grad(
            lambda x: tf.reduce_sum(c("s3") * tf.svd(x)[0])
            + tf.reduce_sum(wu * sq(tf.svd(x)[1])) + tf.reduce_sum(wv * sq(tf.svd(x)[2])), a)
    out["svd_square"] = grad(
        lambda x: tf.reduce_sum(c("s3") * tf.svd(x)[0])
        + tf.reduce_sum(c("v33") * sq(tf.svd(x)[1])) + tf.reduce_sum(c("m33") * sq(tf.svd(x)[2])),
        A33)
    out["eig"] = grad(lambda x: tf.reduce_sum(c("e3") * tf.self_adjoint_eig(x)[0])
                      + tf.reduce_sum(c("m33") * sq(tf.self_adjoint_eig(x)[1])), SPD)
    out["eigvals"] = grad(lambda x: tf.reduce_sum(c("e3") * tf.self_adjoint_eigvals(x)), SPD)
    out["lstsq_tall"] = grad(lambda x: tf.reduce_sum(
        c("x32") * tf.matrix_solve_ls(x, tf.constant(B42))), A43)
    out["lstsq_wide"] = grad(lambda x: tf.reduce_sum(
        c("u43")[:, :2] * tf.matrix_solve_ls(x, tf.constant(B32))), A34)
    out["lstsq_l2"] = grad(lambda x: tf.reduce_sum(
        c("x32") * tf.matrix_solve_ls(x, tf.constant(B42), l2_regularizer=0.5)), A43)
    out["lstsq_rhs"] = grad(lambda b: tf.reduce_sum(
        c("x32") * tf.matrix_solve_ls(tf.constant(A43), b)), B42)
    out["sqrtm"] = grad(lambda x: tf.reduce_sum(c("m33") * tf.linalg.sqrtm(x)), SPD)
    out["expm"] = grad(lambda x: tf.reduce_sum(c("m33") * tf.linalg.expm(x)), A33)
    out["pinv"] = grad(lambda x: tf.reduce_sum(c("u43").T * tf.linalg.pinv(x)), A43)
    return out


def errors(tf):
    """(class name, message) of misuses, at build or run time."""
    def err(fn):
        try:
            with tf.Graph().as_default():
                result = fn()
                with tf.Session() as sess:
                    sess.run(result)
            return "ok"
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            message = getattr(e, "message", None) or str(e)
            return [type(e).__name__, message.splitlines()[0]]

    ph = lambda shape: tf.placeholder(tf.float32, shape)  # noqa: E731
    out = {
        "svd_rank1": err(lambda: tf.svd(ph([3]))),
        "svd_int": err(lambda: tf.svd(tf.constant([[1, 2], [3, 4]]))),
        "eig_nonsquare": err(lambda: tf.self_adjoint_eig(ph([3, 2]))),
        "lstsq_rows": err(lambda: tf.matrix_solve_ls(ph([4, 3]), ph([3, 2]))),
        "lstsq_dtype": err(lambda: tf.matrix_solve_ls(ph([4, 3]), tf.ones([4, 2], tf.float64))),
        "sqrtm_nonsquare": err(lambda: tf.linalg.sqrtm(ph([3, 2]))),
        "expm_nonsquare": err(lambda: tf.linalg.expm(ph([3, 2]))),
        "lu_nonsquare": err(lambda: tf.linalg.lu(ph([3, 2]))),
        "lu_singular": err(lambda: tf.linalg.lu(tf.zeros([3, 3]))),
    }
    return out


def gradient_errors(tf):
    def err(fn):
        try:
            with tf.Graph().as_default():
                fn()
            return "ok"
        except Exception as e:  # noqa: BLE001
            return [type(e).__name__, str(e).splitlines()[0]]

    def svd_unknown():
        a = tf.placeholder(tf.float64, [None, None])
        tf.gradients(tf.reduce_sum(tf.svd(a)[1]), a)

    def svd_full_far():
        a = tf.constant(RNG.randn(5, 2))
        tf.gradients(tf.reduce_sum(tf.svd(a, full_matrices=True)[1]), a)

    def lstsq_slow():
        a = tf.constant(A43)
        tf.gradients(tf.reduce_sum(tf.matrix_solve_ls(a, tf.constant(B42), fast=False)), a)

    def lu():
        a = tf.constant(A33)
        tf.gradients(tf.reduce_sum(tf.linalg.lu(a)[0]), a)

    return {"svd_unknown": err(svd_unknown), "svd_full_far": err(svd_full_far),
            "lstsq_slow": err(lstsq_slow), "lu": err(lu)}


def run_all(tf):
    return {"static": static(tf), "values": values(tf), "gradients": gradients(tf),
            "errors": errors(tf), "gradient_errors": gradient_errors(tf)}
