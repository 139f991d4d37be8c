"""The GPU code path, run on the CPU: a stand-in for cupy whose arrays are "on the device" and
whose kernels refuse host (numpy) arrays, as cupy's do. Ops placed with tf.device('/gpu:0') run
on it; the results must equal a numpy run, fetched values must come back as numpy, and host-side
ops (Print, summaries, checkpoints) must still work. CI has no GPU, so this is where the device
plumbing (transfers, fetches, variables and slots on the device) is tested; the kernels'
behaviour on real cupy is checked by the op table's cupy column when a GPU is present."""

import contextlib

import numpy as np
import pytest

import minitf as tf
from minitf import backend


class _Current:
    device = 0  # the stand-in's current device (cupy.cuda.Device(i) sets it)


class DeviceArray(np.ndarray):
    """An array on a stand-in device: operations on it refuse host arrays and arrays of another
    device than the current one, like cupy's (without peer access)."""

    kernel_calls = 0
    syncs = 0  # values read back to Python (tolist / item): a device sync on a real GPU

    def tolist(self):
        DeviceArray.syncs += 1
        return super().tolist()

    def item(self, *args):
        DeviceArray.syncs += 1
        return super().item(*args)

    def __array_finalize__(self, obj):
        self.gpu = getattr(obj, "gpu", _Current.device)

    @property
    def device(self):  # cupy's array.device.id
        return _DeviceId(self.gpu)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        _refuse_host_arrays(inputs + (out or ()), ufunc.__name__)
        DeviceArray.kernel_calls += 1
        inputs = [_host_view(x) for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(_host_view(o) for o in out)
        result = getattr(ufunc, method)(*inputs, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _on_device(result)

    def __array_function__(self, func, types_, args, kwargs):
        _refuse_host_arrays(args + tuple(kwargs.values()), func.__name__)
        DeviceArray.kernel_calls += 1
        result = func(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()})
        return _on_device(result)


class _DeviceId:
    def __init__(self, id):
        self.id = id


def _refuse_host_arrays(values, name):
    for v in values:
        if isinstance(v, (list, tuple)):
            _refuse_host_arrays(v, name)
        elif isinstance(v, np.ndarray) and not isinstance(v, DeviceArray):
            raise TypeError("%s: a host numpy array was passed to a device kernel" % name)
        elif isinstance(v, DeviceArray) and v.device.id != _Current.device:
            raise ValueError("%s: an array on device %d was passed to a kernel on device %d"
                             % (name, v.device.id, _Current.device))


def _host_view(x):
    return x.view(np.ndarray) if isinstance(x, DeviceArray) else x


def _unwrap(x):
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    return _host_view(x)


def _on_device(result):
    if isinstance(result, tuple):
        return tuple(_on_device(r) for r in result)
    if isinstance(result, np.ndarray) and not isinstance(result, DeviceArray):
        return result.view(DeviceArray)
    return result


class _Cuda:
    """cupy.cuda's device count and device context, for `count` stand-in GPUs."""

    def __init__(self, count):
        self.runtime = self
        self.count = count

    def getDeviceCount(self):
        return self.count

    def getDeviceProperties(self, index):  # the fields of cudaDeviceProp minitf reads
        return {"name": b"Stand-in GPU", "pciDomainID": 0, "pciBusID": 4 + index,
                "pciDeviceID": 0, "major": 9, "minor": 0}

    def memGetInfo(self):  # (free, total) bytes of the current device
        return ((1 + _Current.device) * 2 ** 30, 80 * 2 ** 30)

    def Device(self, index):
        @contextlib.contextmanager
        def current():
            previous, _Current.device = _Current.device, index
            try:
                yield
            finally:
                _Current.device = previous
        return current()


class DeviceModule:
    """A cupy-like module: numpy's functions, with array results on the current device."""

    ndarray = DeviceArray

    def __init__(self, count=1):
        self.cuda = _Cuda(count)

    @staticmethod
    def array(x, dtype=None, copy=True):  # a copy onto the current device (host or peer)
        if isinstance(x, np.ndarray) and not isinstance(x, DeviceArray):
            _refuse_host_arrays([x], "array")  # (cupy.array takes host arrays; kernels do not)
        return np.array(_host_view(x) if isinstance(x, np.ndarray) else x,
                        dtype=dtype).view(DeviceArray)

    @staticmethod
    def asarray(x, dtype=None):  # a host-to-device copy
        host = _host_view(x) if isinstance(x, np.ndarray) else x
        return np.array(host, dtype=dtype).view(DeviceArray)

    @staticmethod
    def asnumpy(x):
        return np.array(x.view(np.ndarray))

    def __getattr__(self, name):
        value = getattr(np, name)
        if isinstance(value, np.ufunc) or not callable(value) or isinstance(value, type):
            return value  # ufuncs dispatch through DeviceArray; dtypes pass through

        def call(*args, **kwargs):  # a cupy function: device arrays in, a device array out
            _refuse_host_arrays(args + tuple(kwargs.values()), name)
            return _on_device(value(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()}))
        return call


def _install(monkeypatch, count):
    device = DeviceModule(count)
    monkeypatch.setattr(backend, "_cupy", device)
    monkeypatch.setattr(backend, "_cupy_checked", True)
    DeviceArray.kernel_calls = 0
    DeviceArray.syncs = 0
    return device


@pytest.fixture
def fake_gpu(monkeypatch):
    return _install(monkeypatch, 1)


@pytest.fixture
def two_fake_gpus(monkeypatch):
    return _install(monkeypatch, 2)


def train_mlp(device, steps=3):
    rng = np.random.default_rng(0)
    x_value = rng.standard_normal((16, 5)).astype(np.float32)
    y_value = rng.integers(0, 3, 16)
    g = tf.Graph()
    with g.as_default(), tf.device(device):
        tf.set_random_seed(1)
        x = tf.placeholder(tf.float32, (None, 5))
        y = tf.placeholder(tf.int64, (None,))
        h = tf.layers.dense(x, 8, activation=tf.nn.relu,
                            kernel_initializer=tf.constant_initializer(rng.uniform(-1, 1, (5, 8))))
        logits = tf.layers.dense(h, 3, kernel_initializer=tf.constant_initializer(
            rng.uniform(-1, 1, (8, 3))))
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        loss = tf.Print(loss, [loss], "loss: ")
        step = tf.train.AdamOptimizer(0.1).minimize(loss)
        summary = tf.summary.scalar("loss", loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([step, loss], {x: x_value, y: y_value})[1] for _ in range(steps)]
            kernel = sess.run(tf.trainable_variables()[0])
            summary_bytes = sess.run(summary, {x: x_value, y: y_value})
            sess.run(tf.trainable_variables()[0].assign(tf.zeros((5, 8))))
    return losses, kernel, summary_bytes


def test_a_training_step_on_the_device_matches_numpy(fake_gpu, capsys):
    on_device = train_mlp("/gpu:0")
    calls = DeviceArray.kernel_calls
    assert DeviceArray.syncs == 0  # shapes (a None batch dim) were read on the host
    on_host = train_mlp("/cpu:0")
    assert calls > 100  # the kernels really ran on the stand-in device
    np.testing.assert_allclose(on_device[0], on_host[0], rtol=1e-6)
    np.testing.assert_allclose(on_device[1], on_host[1], rtol=1e-6)
    assert type(on_device[1]) is np.ndarray  # fetched values come back to the host
    assert all(type(v) is np.float32 for v in on_device[0])
    assert tf.Summary.FromString(on_device[2]).value[0].simple_value == \
        pytest.approx(float(on_host[0][-1]), rel=0.2)
    assert capsys.readouterr().out.count("loss: ") == 2 * 4  # tf.Print ran on the host


def train_cnn(device, steps=2):
    rng = np.random.default_rng(2)
    x_value = rng.random((12, 12, 12, 1), dtype=np.float32)
    y_value = rng.integers(0, 4, 12)
    g = tf.Graph()
    with g.as_default(), tf.device(device):
        tf.set_random_seed(3)
        x = tf.placeholder(tf.float32, (None, 12, 12, 1))
        y = tf.placeholder(tf.int64, (None,))
        h = tf.layers.conv2d(x, 8, 5, padding="same", activation=tf.nn.relu)
        h = tf.layers.max_pooling2d(h, 2, 2)
        h = tf.layers.conv2d(h, 16, 3, padding="same", use_bias=False)
        h = tf.nn.relu(tf.layers.batch_normalization(h, training=True))
        h = tf.layers.max_pooling2d(h, 2, 2)
        logits = tf.layers.dense(tf.layers.flatten(h), 4)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                             logits=logits))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            step = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([step, loss], {x: x_value, y: y_value})[1] for _ in range(steps)]
            return losses, sess.run(tf.trainable_variables())


def test_a_cnn_step_on_the_device_runs_untiled_and_matches_numpy(fake_gpu, monkeypatch):
    # On a GPU the convolutions and pools run the whole batch as one tile; on the host, tiles
    # of 2 images here: the results agree.
    from minitf.ops import conv_ops
    monkeypatch.setattr(conv_ops, "COL_BYTES", 2 * 12 * 12 * 25 * 4)
    monkeypatch.setattr(conv_ops, "POOL_TILE_BYTES", 2 * 12 * 12 * 8 * 4)
    assert len(conv_ops._tiles(np, 12, 12 * 12 * 25 * 4)) == 6
    assert conv_ops._tiles(fake_gpu, 12, 12 * 12 * 25 * 4) == [slice(0, 12)]
    on_device = train_cnn("/gpu:0")
    calls = DeviceArray.kernel_calls
    on_host = train_cnn("/cpu:0")
    assert calls > 100
    np.testing.assert_allclose(on_device[0], on_host[0], rtol=1e-5)
    for a, b in zip(on_device[1], on_host[1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_checkpoints_of_device_variables(fake_gpu, tmp_path):
    g = tf.Graph()
    with g.as_default():
        with tf.device("/gpu:0"):
            v = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="v")
            bump = v.assign_add(tf.ones((2, 3)))
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(v.initializer)
            sess.run(bump)
            path = saver.save(sess, str(tmp_path / "model.ckpt"))
            sess.run(v.assign(tf.zeros((2, 3))))
            saver.restore(sess, path)
            got = sess.run(v)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, np.arange(6).reshape(2, 3) + 1)


def test_the_stand_in_refuses_host_arrays_like_cupy(fake_gpu):
    with pytest.raises(TypeError, match="host numpy array"):
        np.add(fake_gpu.asarray(np.ones(3)), np.ones(3))


def test_folded_constants_are_uploaded_once_not_every_run(fake_gpu, monkeypatch):
    uploads = []
    real = fake_gpu.asarray

    def counting(x, dtype=None):
        if not isinstance(x, DeviceArray):
            uploads.append(np.shape(x))
        return real(x, dtype)

    monkeypatch.setattr(DeviceModule, "asarray", staticmethod(counting))
    g = tf.Graph()
    with g.as_default(), tf.device("/gpu:0"):
        x = tf.placeholder(tf.float32, (3,))
        y = x * tf.constant([1.0, 2.0, 3.0]) + 5.0
        with tf.Session() as sess:
            sess.run(y, {x: np.ones(3)})
            first = len(uploads)
            for _ in range(5):
                np.testing.assert_allclose(sess.run(y, {x: np.ones(3)}), [6, 7, 8])
    assert len(uploads) - first == 5  # only the feed, once per run


def test_values_cross_devices_once_per_run_and_identities_do_not_move_them(fake_gpu):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, (3,))
        with tf.device("/gpu:0"):
            a = tf.exp(x)              # x goes to the device once...
            b = tf.sin(x) + a          # ...and is reused here
        with tf.device("/cpu:0"):
            c = tf.identity(a)         # forwards the device value: no call, no transfer
            d = tf.Print(c, [c], "c=")  # a host op reading it: one transfer back
        with tf.Session() as sess:
            got = sess.run([b, d], {x: np.zeros(3, np.float32)})
            plan = next(iter(sess._plans.values()))
    np.testing.assert_allclose(got[0], [1, 1, 1])
    np.testing.assert_allclose(got[1], [1, 1, 1])
    transfers = [l for l in plan.source.splitlines() if "= _to" in l]
    assert len(transfers) == 2, plan.source


# -- several GPUs, and shapes on the host ---------------------------------------------------------

def towers(sess_config=None):
    """Two towers, /gpu:0 and /gpu:1, each with its own variable; their sum on /gpu:0."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, (None, 3))
        outs, variables = [], []
        for i in range(2):
            with tf.device("/gpu:%d" % i):
                w = tf.Variable(np.full((3, 2), i + 1.0, np.float32), name="w%d" % i)
                outs.append(tf.reduce_sum(tf.reshape(x @ w, tf.shape(x @ w)), axis=1))
                variables.append(w)
        with tf.device("/gpu:0"):
            total = outs[0] + outs[1]
        with tf.Session(config=sess_config) as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(total, {x: np.ones((4, 3), np.float32)})
            homes = [sess._state.variables[w.op].gpu for w in variables]
            plan = sess._plans[((total,), (x,))]
    return got, homes, plan


def test_gpu_1_is_the_second_gpu(two_fake_gpus):
    got, homes, plan = towers()
    np.testing.assert_allclose(got, np.full(4, 6 + 12, np.float32))
    assert homes == [0, 1]  # each tower's variable lives on its own device
    moves = [l.split("=")[1].split("(")[0].strip() for l in plan.source.splitlines()
             if "= _to" in l]
    # the feed up to each tower, tower 1's sum over to tower 0; its shape never moves
    assert sorted(moves) == ["_togpu0", "_togpu0", "_togpu1"]
    assert DeviceArray.syncs == 0


def test_a_gpu_that_is_not_there_is_the_first_one_or_an_error_with_hard_placement(fake_gpu):
    got, homes, _ = towers()
    np.testing.assert_allclose(got, np.full(4, 18, np.float32))
    assert homes == [0, 0]  # soft placement (the default): /gpu:1 falls back to GPU 0, as TF
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"explicitly assigned to "
                       r"/device:GPU:1 but available devices are \[ .*CPU:0, .*GPU:0 \]"):
        towers(tf.ConfigProto(allow_soft_placement=False))


def test_device_lib_lists_the_host_then_each_gpu_as_tf(two_fake_gpus):
    from minitf.python.client import device_lib
    listed = device_lib.list_local_devices()
    assert [(d.name, d.device_type) for d in listed] == [
        ("/device:CPU:0", "CPU"), ("/device:GPU:0", "GPU"), ("/device:GPU:1", "GPU")]
    assert listed[0].memory_limit == 268435456  # TF's fixed figure for the host
    assert [d.memory_limit for d in listed[1:]] == [2 ** 30, 2 * 2 ** 30]  # each GPU's free bytes
    assert listed[2].physical_device_desc == (
        "device: 1, name: Stand-in GPU, pci bus id: 0000:05:00.0, compute capability: 9.0")
    assert listed[1].locality.bus_id == 1 and listed[0].xla_global_id == -1
    assert len({d.incarnation for d in listed}) == 3
    hidden = device_lib.list_local_devices(tf.ConfigProto(device_count={"GPU": 1}))
    assert [d.name for d in hidden] == ["/device:CPU:0", "/device:GPU:0"]
    with pytest.raises(TypeError, match="session_config must be a tf.ConfigProto"):
        device_lib.list_local_devices({"GPU": 0})


def test_device_count_gpu_0_runs_everything_on_the_host(fake_gpu):
    """TF1's idiom for "CPU only": ConfigProto(device_count={'GPU': 0})."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.reduce_sum(tf.matmul(x, tf.ones([3, 2])))
        with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as sess:
            assert [d.name for d in sess.list_devices()] == [
                "/job:localhost/replica:0/task:0/device:CPU:0"]
            assert sess.run(y, {x: np.ones((4, 3), np.float32)}) == 24
            assert DeviceArray.kernel_calls == 0
        with tf.Session() as sess:  # without the limit the same graph runs on the stand-in GPU
            assert sess.run(y, {x: np.ones((4, 3), np.float32)}) == 24
            assert DeviceArray.kernel_calls > 0
            assert [d.device_type for d in sess.list_devices()] == ["CPU", "GPU"]


def test_a_gpu_hidden_by_device_count_is_not_there_for_hard_placement(two_fake_gpus):
    config = tf.ConfigProto(allow_soft_placement=False, device_count={"GPU": 1})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"explicitly assigned to /device:GPU:1 but available devices are "
                             r"\[ .*CPU:0, .*GPU:0 \]"):
        towers(config)


def test_strings_int32_values_and_numpy_only_kernels_run_on_the_host(fake_gpu):
    """As TF's soft placement: ops without a GPU kernel (strings, SegmentMax) and ops on int32
    values alone (TF keeps int32 in host memory) run on the host; the rest on the GPU."""
    g = tf.Graph()
    with g.as_default():
        i = tf.placeholder(tf.int32, [])
        x = tf.placeholder(tf.float32, [None, 3])
        ops = {
            "int32 add": (i + 1).op, "int32 compare": (i < 5).op,
            "shape arithmetic": (tf.shape(x)[0] // 2).op,
            "string const": tf.constant(["a", "b"]).op,
            "segment max": tf.segment_max(x, [0, 0, 1]).op,
            "float add": (x + 1.0).op, "float compare": (x < 1.0).op,
            "int32 to float": tf.cast(i, tf.float32).op,
        }
        # a loop whose counter lives on the host and whose values on the device
        r = tf.while_loop(lambda k, v: k < 4, lambda k, v: (k + 1, v * 2.0),
                          [tf.constant(0), tf.ones([2])])[1]
        with tf.Session() as sess:
            where = {k: sess._state.device_for(op).kind for k, op in ops.items()}
            np.testing.assert_array_equal(sess.run(r), [16.0, 16.0])
    assert where == {"int32 add": "CPU", "int32 compare": "CPU", "shape arithmetic": "CPU",
                     "string const": "CPU", "segment max": "CPU", "float add": "GPU",
                     "float compare": "GPU", "int32 to float": "GPU"}
