"""Records what TF 2.21 compat.v1 does with tf.py_func, for tests/test_py_func.py (run in a
throwaway venv with tensorflow-cpu; never a minitf dependency)."""
import numpy as np
import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
def run(build, feed=None):
    with tf.Graph().as_default():
        try:
            out = build()
        except Exception as e:
            return ("build", type(e).__name__, str(e))
        with tf.Session() as s:
            try:
                v = s.run(out)
                return (repr(out), v)
            except Exception as e:
                return ("run", type(e).__name__, [l for l in e.message.splitlines() if l.strip() and "Graph execution" not in l and "{{node" not in l and "Traceback" not in l and not l.startswith("  ")][-1:])
x = np.arange(6, dtype=np.float32).reshape(2, 3)
print(1, run(lambda: tf.py_func(lambda a: a * 2, [x], tf.float32)))
print(2, run(lambda: tf.py_func(lambda a: [a * 2, a.sum().astype(np.int64)], [x], [tf.float32, tf.int64])))
print(3, run(lambda: tf.py_func(lambda a: a * 2, [x], [tf.float32])))
print(4, run(lambda: tf.py_func(lambda a: a.astype(np.float64), [x], tf.float32)))
print(5, run(lambda: tf.py_func(lambda a: (a, a), [x], tf.float32)))
def bad(a): raise ValueError("boom")
print(6, run(lambda: tf.py_func(bad, [x], tf.float32)))
def bad2(a): raise RuntimeError("boom2")
print(7, run(lambda: tf.py_func(bad2, [x], tf.float32)))
print(8, run(lambda: tf.py_func(lambda a: 3, [x], tf.int64)))
print(9, run(lambda: tf.py_func(lambda a: 3.5, [x], tf.float32)))
print(10, run(lambda: tf.py_func(lambda s: s.upper(), [tf.constant(b"ab")], tf.string)))
print(11, run(lambda: tf.py_func(lambda a: a, [x], tf.float32, stateful=False, name="myfn")))
with tf.Graph().as_default():
    p = tf.py_func(lambda a: a * 2, [x], tf.float32)
    print(12, p.op.name, p.op.type, p.shape, sorted(p.op.node_def.attr.keys()), p.op.get_attr("token"))
    q = tf.py_func(lambda a: a * 2, [x], tf.float32, stateful=False)
    print(13, q.op.name, q.op.type, q.op.get_attr("token"))
    try: print(14, tf.gradients(p, []) )
    except Exception as e: print(14, type(e).__name__, e)
    xv = tf.constant(x)
    r = tf.py_func(lambda a: a * 2, [xv], tf.float32)
    try: print(15, tf.gradients(tf.reduce_sum(r), xv))
    except Exception as e: print(15, type(e).__name__, e)
    nf = tf.numpy_function(lambda a: a + 1, [xv], tf.float32)
    print(16, nf.op.name, nf.op.type)
def stop(a): raise StopIteration()
print(17, run(lambda: tf.py_func(stop, [x], tf.float32)))
print(18, run(lambda: tf.py_func(lambda a: None, [x], [])))
print(19, run(lambda: tf.py_func(lambda a: [1, 2], [x], tf.int32)))
print(20, run(lambda: tf.py_func(lambda a: np.array([1, 2], np.int64), [x], tf.int32)))
