"""Records what TF 2.21 compat.v1 does with the linear-algebra ops, for tests/test_linalg.py (run
in a throwaway venv with tensorflow-cpu; never a minitf dependency)."""
import numpy as np
import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
def err(f):
    try:
        with tf.Graph().as_default():
            r = f()
            with tf.Session() as s: s.run(r)
        return "ok"
    except Exception as e: return (type(e).__name__, str(e).splitlines()[0] if not hasattr(e,'message') else e.message.splitlines()[-2] if 'Graph execution' in e.message else e.message)
ph = lambda shape: tf.placeholder(tf.float32, shape)
print("inv_nonsq", err(lambda: tf.matrix_inverse(ph([3, 2]))))
print("inv_rank1", err(lambda: tf.matrix_inverse(ph([3]))))
print("inv_int", err(lambda: tf.matrix_inverse(tf.constant([[1, 2], [3, 4]]))))
print("inv_sing", err(lambda: tf.matrix_inverse(tf.constant([[1., 2.], [2., 4.]]))))
print("det_nonsq", err(lambda: tf.matrix_determinant(ph([3, 2]))))
print("solve_mismatch", err(lambda: tf.matrix_solve(ph([3, 3]), ph([2, 1]))))
print("solve_sing", err(lambda: tf.matrix_solve(tf.constant([[1., 2.], [2., 4.]]), tf.ones([2, 1]))))
print("tri_mismatch", err(lambda: tf.matrix_triangular_solve(ph([3, 3]), ph([2, 1]))))
print("chol_nonsq", err(lambda: tf.cholesky(ph([3, 2]))))
print("chol_notpd", err(lambda: tf.cholesky(tf.constant([[1., 2.], [2., 1.]]))))
print("band_bad", err(lambda: tf.matrix_band_part(ph([3]), 1, 1)))
with tf.Graph().as_default():
    a = ph([None, 3, 3]); b = ph([None, 3, 2])
    ops = dict(inv=tf.matrix_inverse(a), inva=tf.matrix_inverse(a, adjoint=True), det=tf.matrix_determinant(a),
      slog=tf.linalg.slogdet(a), solve=tf.matrix_solve(a, b), solvea=tf.matrix_solve(a, b, adjoint=True),
      tri=tf.matrix_triangular_solve(a, b), triu=tf.matrix_triangular_solve(a, b, lower=False, adjoint=True),
      chol=tf.cholesky(a), band=tf.matrix_band_part(a, 1, 0), qr=tf.qr(a), logdet=tf.linalg.logdet(a), cholsolve=tf.cholesky_solve(a, b))
    for k, v in ops.items():
        vs = v if isinstance(v, (tuple, list)) else [v]
        print(k, [(t.name, t.op.type, t.shape.as_list() if t.shape.ndims is not None else None) for t in vs])
# gradients: qr grad values
rng = np.random.RandomState(0)
x = rng.randn(5, 3).astype(np.float64)
with tf.Graph().as_default():
    xt = tf.constant(x); q, r = tf.qr(xt)
    w1 = tf.constant(rng.randn(5, 3)); w2 = tf.constant(rng.randn(3, 3))
    loss = tf.reduce_sum(q * w1) + tf.reduce_sum(r * w2)
    g = tf.gradients(loss, xt)[0]
    with tf.Session() as s: print("qrgrad", s.run(g).round(6).tolist())
    print("qrgrad_ops", sorted({o.type for o in tf.get_default_graph().get_operations()}))
with tf.Graph().as_default():
    try:
        xt = tf.constant(rng.randn(3, 5)); q, r = tf.qr(xt); tf.gradients(tf.reduce_sum(r), xt)
    except Exception as e: print("qrwide", type(e).__name__, e)
