"""TF 1.13-1.15's second spellings (tf.math, tf.linalg, tf.random, tf.sparse, tf.dtypes,
tf.gfile / tf.io.gfile, tf.compat.v1), the TF1 aliases (arg_max, log_sigmoid...),
tf.UnconnectedGradients, and SparseTensor basics: placeholders fed SparseTensorValues,
fetches, SparseToDense's checks and gradient."""

import importlib
import os

import numpy as np
import pytest

import minitf as tf


def _run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def test_namespaces_map_to_the_same_functions():
    assert tf.math.reduce_sum is tf.reduce_sum and tf.math.softplus is tf.nn.softplus
    assert tf.math.divide_no_nan is tf.div_no_nan and tf.math.top_k is tf.nn.top_k
    assert tf.linalg.diag is tf.matrix_diag and tf.linalg.tensor_diag is tf.diag
    assert tf.linalg.transpose is tf.matrix_transpose and tf.linalg.matmul is tf.matmul
    assert tf.random.normal is tf.random_normal and tf.random.shuffle is tf.random_shuffle
    assert tf.sparse.to_dense is tf.sparse_tensor_to_dense
    assert tf.dtypes.cast is tf.cast and tf.dtypes.float32 is tf.float32
    assert tf.gfile.Exists is tf.io.gfile.exists
    for module in ("math", "linalg", "random", "sparse", "gfile", "compat"):
        assert importlib.import_module("minitf." + module) is getattr(tf, module)
        assert all(callable(getattr(getattr(tf, module), n))
                   for n in getattr(tf, module).__all__)


def test_compat_v1_is_minitf_itself():
    import minitf.compat.v1 as tf1
    from minitf.compat import v1
    assert tf1 is tf and v1 is tf and tf.compat.v1.placeholder is tf.placeholder
    tf1.disable_v2_behavior()
    tf1.disable_eager_execution()
    assert tf1.executing_eagerly() is False
    assert tf.compat.as_bytes("é") == b"\xc3\xa9" and tf.compat.as_text(b"\xc3\xa9") == "é"
    assert tf.compat.as_str_any(3) == "3"
    with pytest.raises(TypeError):
        tf.compat.as_bytes(3)


def test_math_and_random_compositions():
    x = np.array([[1.0, -2.0, 0.0], [3.0, 0.0, 0.5]], np.float32)
    got = _run([tf.math.log_sigmoid(x), tf.math.count_nonzero(x), tf.count_nonzero(x, axis=1),
                tf.math.reduce_variance(x, axis=0), tf.math.reduce_std(x),
                tf.arg_max(x, 1), tf.arg_min(x, dimension=0, output_type=tf.int32)])
    np.testing.assert_allclose(got[0], -np.log1p(np.exp(-x)), rtol=1e-6)
    assert got[1] == 4 and got[1].dtype == np.int64 and got[2].tolist() == [2, 2]
    np.testing.assert_allclose(got[3], x.var(0), rtol=1e-6)
    np.testing.assert_allclose(got[4], x.std(), rtol=1e-6)
    assert got[5].tolist() == [0, 0] and got[6].tolist() == [0, 0, 0] and got[6].dtype == np.int32
    samples = _run(tf.random.categorical(tf.log([[0.001, 0.999]]), 50, seed=3))
    assert samples.dtype == np.int64 and samples.shape == (1, 50) and samples.sum() > 40


def test_truncating_division_by_integer_zero_is_an_internal_error_as_in_tf():
    with pytest.raises(tf.errors.InternalError, match="Integer division by zero"):
        _run(tf.truncatediv(tf.constant([4, 5]), tf.constant([2, 0])))
    with pytest.raises(tf.errors.InternalError, match="Integer division by zero"):
        _run(tf.truncatemod(tf.constant([4]), tf.constant([0])))
    assert np.isinf(_run(tf.truncatediv(1.0, 0.0)))


def test_unconnected_gradients():
    x, y = tf.Variable(1.0), tf.Variable([2.0, 3.0])
    assert tf.gradients(x * 2, [x, y])[1] is None
    zero = tf.gradients(x * 2, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)[1]
    also = tf.gradients(x * 2, y, unconnected_gradients="zero")[0]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(zero).tolist() == [0.0, 0.0] and s.run(also).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError):
        tf.gradients(x * 2, y, unconnected_gradients="maybe")


def test_sparse_placeholder_feed_and_fetch():
    sp = tf.sparse_placeholder(tf.float32, name="sp")
    assert [t.name for t in (sp.indices, sp.values, sp.dense_shape)] == [
        "sp/indices:0", "sp/values:0", "sp/shape:0"]
    dense = tf.sparse_tensor_to_dense(sp)
    row_sums = tf.sparse_reduce_sum(sp, axis=1)
    value = tf.SparseTensorValue([[0, 1], [2, 0]], [3.0, 4.0], [3, 2])
    with tf.Session() as s:
        d, r = s.run([dense, row_sums], {sp: value})
        np.testing.assert_array_equal(d, [[0, 3], [0, 0], [4, 0]])
        np.testing.assert_array_equal(r, [3, 0, 4])
        back = s.run(sp, {sp: ([[1, 1]], [5.0], [2, 2])})  # a plain tuple feeds too
        assert isinstance(back, tf.SparseTensorValue)
        assert back.indices.tolist() == [[1, 1]] and back.values.tolist() == [5.0]
        with pytest.raises(TypeError, match="must be a tf.SparseTensorValue"):
            s.run(dense, {sp: np.zeros((2, 2))})
    known = tf.sparse_placeholder(tf.int32, shape=[2, 3])
    assert known.shape.as_list() == [2, 3] and tf.sparse_tensor_to_dense(known).shape == (2, 3)
    assert tf.sparse_placeholder(tf.int32, shape=[None, 3]).shape.as_list() == [None, None]


def test_sparse_to_dense_checks_indices_and_has_a_gradient():
    values = tf.constant([1.0, 2.0])
    for indices, message in [([[0, 0], [0, 0]], r"indices\[1\] = \[0,0\] is repeated"),
                             ([[1, 0], [0, 0]], r"indices\[1\] = \[0,0\] is out of order"),
                             ([[0, 0], [5, 0]], r"indices\[1\] = \[5,0\] is out of bounds")]:
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            _run(tf.sparse_tensor_to_dense(tf.SparseTensor(indices, values, [2, 2])))
    st = tf.SparseTensor([[0, 1], [1, 0]], values, [2, 2])
    dense = tf.sparse_tensor_to_dense(st, default_value=0.5)
    gv, = tf.gradients(tf.reduce_sum(dense * [[1.0, 2.0], [3.0, 4.0]]), values)
    got = _run([dense, gv])
    np.testing.assert_array_equal(got[0], [[0.5, 1.0], [2.0, 0.5]])
    np.testing.assert_array_equal(got[1], [2.0, 3.0])
    added = tf.sparse_add(st, tf.ones([2, 2]))
    np.testing.assert_array_equal(_run(added), [[1.0, 2.0], [3.0, 1.0]])
    with pytest.raises(TypeError, match="At least one input should be SparseTensor"):
        tf.sparse_add(tf.ones([2, 2]), tf.ones([2, 2]))
    with pytest.raises(ValueError, match="indices must have rank 2"):
        tf.SparseTensor([0, 1], values, [2])


def test_gfile(tmp_path):
    root = str(tmp_path / "logs")
    tf.gfile.MakeDirs(os.path.join(root, "a", "b"))
    assert tf.gfile.Exists(root) and tf.gfile.IsDirectory(os.path.join(root, "a"))
    path = os.path.join(root, "a", "f.txt")
    with tf.gfile.GFile(path, "w") as f:
        f.write("one\ntwo\n")
    with tf.gfile.Open(path) as f:
        assert list(f) == ["one\n", "two\n"] and f.size() == 8
    assert tf.gfile.Glob(os.path.join(root, "a", "*.txt")) == [path]
    assert tf.gfile.ListDirectory(os.path.join(root, "a")) == ["b", "f.txt"]
    tf.gfile.Copy(path, path + ".bak")
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Copy(path, path + ".bak")
    tf.gfile.MkDir(root)  # exists: no error, as TF
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.MkDir(os.path.join(root, "no", "parent"))
    tf.gfile.DeleteRecursively(root)
    assert not tf.gfile.Exists(root)
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.DeleteRecursively(root)
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.GFile(path).read()
    with pytest.raises(tf.errors.NotFoundError):
        tf.io.gfile.listdir(root)


def test_tf1s_second_image_names_run_the_same_functions():
    # TF 1.15: tf.image.resize is resize_images (TF 2 changed its meaning);
    # tf.image.extract_image_patches is tf.extract_image_patches
    x = np.arange(2 * 3 * 3 * 2, dtype=np.float32).reshape(2, 3, 3, 2)
    resized = tf.image.resize(x, [5, 4])
    patches = tf.image.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1],
                                             "VALID")
    with tf.Session() as sess:
        got = sess.run([resized, patches])
        want = sess.run([tf.image.resize_images(x, [5, 4]),
                         tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1],
                                                  "VALID")])
    assert resized.shape.as_list() == [2, 5, 4, 2] and patches.shape.as_list() == [2, 2, 2, 8]
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
