"""keras.backend (`K`): the session, the learning phase, per-graph unique layer names, and the
tensor functions Keras code calls through `K.` - all on minitf's graph and session, as tf.keras
used TF's in TF 1.x."""

import collections

import numpy as np

import minitf as tf

_SESSION = [None]
_FLOATX = ["float32"]
_EPSILON = [1e-7]
_IMAGE_DATA_FORMAT = ["channels_last"]
_LEARNING_PHASE = {}        # graph -> placeholder_with_default(False)
_FIXED_PHASE = {}           # graph -> 0/1 set by set_learning_phase
_UIDS = collections.defaultdict(lambda: collections.defaultdict(int))  # graph -> name -> count
_INITIALIZED = set()        # ids of variables this backend's session has initialised
_CHECKED = {}  # id(session) -> the graph's op count when all its variables were initialised


# -- configuration --------------------------------------------------------------------------------

def floatx():
    return _FLOATX[0]


def set_floatx(value):
    if value not in ("float16", "float32", "float64"):
        raise ValueError("Unknown floatx type: " + str(value))
    _FLOATX[0] = str(value)


def epsilon():
    return _EPSILON[0]


def set_epsilon(value):
    _EPSILON[0] = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("Unknown data_format: " + str(data_format))
    _IMAGE_DATA_FORMAT[0] = str(data_format)


def backend():
    return "tensorflow"


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


# -- names, session, learning phase ---------------------------------------------------------------

def get_uid(prefix=""):
    """1, 2, 3... per prefix and per default graph (Keras's layer-name counter)."""
    counts = _UIDS[tf.get_default_graph()]
    counts[prefix] += 1
    return counts[prefix]


def reset_uids():
    _UIDS[tf.get_default_graph()].clear()


def unique_object_name(prefix):
    """`prefix`, then `prefix_1`, `prefix_2`... within the default graph."""
    n = get_uid(prefix) - 1
    return prefix if n == 0 else "%s_%d" % (prefix, n)


def clear_session():
    """Resets the default graph (as Keras did) and forgets the Keras session and names."""
    _SESSION[0] = None
    _INITIALIZED.clear()
    _CHECKED.clear()
    tf.reset_default_graph()
    _UIDS.clear()
    _LEARNING_PHASE.clear()
    _FIXED_PHASE.clear()


def get_session():
    """The default session if one is active, else Keras's own session on the default graph;
    initialises the variables it has not initialised yet (as Keras did)."""
    session = tf.get_default_session()
    if session is None:
        if _SESSION[0] is None or _SESSION[0].graph is not tf.get_default_graph() \
                or getattr(_SESSION[0], "_closed", False):
            _SESSION[0] = tf.Session(graph=tf.get_default_graph())
            _INITIALIZED.clear()
            _CHECKED.clear()
        session = _SESSION[0]
    _initialize_variables(session)
    return session


def set_session(session):
    _SESSION[0] = session
    _INITIALIZED.clear()
    _CHECKED.clear()


def _initialize_variables(session):
    # (called at every K.function call, so every batch of fit: a graph that has not grown
    # since all its variables were seen initialised has no new one)
    version = session.graph.version
    if _CHECKED.get(id(session)) == version:
        return
    variables = session.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)
    fresh = [v for v in variables if (id(session), id(v)) not in _INITIALIZED]
    if not fresh:
        _CHECKED[id(session)] = version
        return
    flags = session.run([tf.is_variable_initialized(v) for v in fresh])
    todo = [v for v, ok in zip(fresh, flags) if not ok]
    if todo:
        session.run(tf.variables_initializer(todo))
    _INITIALIZED.update((id(session), id(v)) for v in fresh)
    _CHECKED[id(session)] = session.graph.version  # (the checks above added ops)


def learning_phase():
    """0/1 when fixed by set_learning_phase, else a bool placeholder (default False) that `fit`
    feeds True."""
    graph = tf.get_default_graph()
    if graph in _FIXED_PHASE:
        return _FIXED_PHASE[graph]
    if graph not in _LEARNING_PHASE:
        with tf.name_scope(""):
            _LEARNING_PHASE[graph] = tf.placeholder_with_default(False, shape=(),
                                                                 name="keras_learning_phase")
    return _LEARNING_PHASE[graph]


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _FIXED_PHASE[tf.get_default_graph()] = int(value)


def _phase_placeholder():
    return _LEARNING_PHASE.get(tf.get_default_graph())


def in_train_phase(x, alt, training=None):
    """x() (or x) while training, alt otherwise; `training` defaults to the learning phase."""
    if training is None:
        training = learning_phase()
    x_fn = x if callable(x) else (lambda: x)
    alt_fn = alt if callable(alt) else (lambda: alt)
    if isinstance(training, (bool, int)):
        return x_fn() if training else alt_fn()
    return tf.cond(training, x_fn, alt_fn)


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


# -- tensors and variables ------------------------------------------------------------------------

def is_tensor(x):
    return isinstance(x, tf.Tensor) or isinstance(x, tf.Variable)


def is_keras_tensor(x):
    from minitf.keras.engine import keras_history
    return keras_history(x) is not None


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return tf.placeholder(dtype or floatx(), shape=shape, name=name)


def variable(value, dtype=None, name=None, constraint=None):
    value = np.asarray(value, dtype=dtype or floatx())
    return tf.Variable(value, name=name or "Variable", dtype=value.dtype.name)


def constant(value, dtype=None, shape=None, name=None):
    return tf.constant(value, dtype=dtype or floatx(), shape=shape, name=name)


def zeros(shape, dtype=None, name=None):
    return variable(np.zeros(shape), dtype, name)


def ones(shape, dtype=None, name=None):
    return variable(np.ones(shape), dtype, name)


def eye(size, dtype=None, name=None):
    return variable(np.eye(size), dtype, name)


def zeros_like(x, dtype=None, name=None):
    return tf.zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
    return tf.ones_like(x, dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    rng = np.random.RandomState(seed)
    return variable(rng.uniform(low, high, shape), dtype, name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    rng = np.random.RandomState(seed)
    return variable(rng.normal(mean, scale, shape), dtype, name)


def int_shape(x):
    dims = x.shape.as_list() if x.shape.ndims is not None else None
    return tuple(dims) if dims is not None else None


def shape(x):
    return tf.shape(x)


def ndim(x):
    return x.shape.ndims


def dtype(x):
    return x.dtype.base_dtype.name


def count_params(x):
    return int(np.prod(int_shape(x)))


def eval(x):
    return get_session().run(x)


def get_value(x):
    return get_session().run(x)


def batch_get_value(xs):
    return get_session().run(list(xs)) if xs else []


def set_value(x, value):
    batch_set_value([(x, value)])


def batch_set_value(tuples):
    if not tuples:
        return
    session = get_session()
    ops, feed = [], {}
    for x, value in tuples:
        value = np.asarray(value, dtype=x.dtype.base_dtype.name)
        holder = getattr(x, "_assign_placeholder", None)
        if holder is None or holder.graph is not x.graph:
            with x.graph.as_default(), tf.name_scope(None):
                holder = tf.placeholder(x.dtype.base_dtype, shape=x.shape)
                x._assign_op = tf.assign(x, holder)
                x._assign_placeholder = holder
        if tuple(value.shape) != tuple(x.shape.as_list()):
            raise ValueError("Layer weight shape %s not compatible with provided weight shape %s"
                             % (tuple(x.shape.as_list()), value.shape))
        ops.append(x._assign_op)
        feed[holder] = value
    session.run(ops, feed_dict=feed)


def update(x, new_x):
    return tf.assign(x, new_x)


def update_add(x, increment):
    return tf.assign_add(x, increment)


def update_sub(x, decrement):
    return tf.assign_sub(x, decrement)


def moving_average_update(x, value, momentum):
    return tf.assign_sub(x, (x - value) * (1.0 - momentum))


def gradients(loss, variables):
    return tf.gradients(loss, variables)


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [tf.stop_gradient(v) for v in variables]
    return tf.stop_gradient(variables)


class Function:
    """K.function: runs `outputs` (and `updates`) for a list of input values."""

    def __init__(self, inputs, outputs, updates=None, name=None, **session_kwargs):
        self.inputs = list(inputs)
        self._single = not isinstance(outputs, (list, tuple))
        self.outputs = [outputs] if self._single else list(outputs)
        updates = list(updates or [])
        ops = []
        for u in updates:
            if isinstance(u, (tuple, list)):
                ops.append(tf.assign(u[0], u[1]))
            else:
                ops.append(u)
        self.updates_op = tf.group(*ops) if ops else None
        self.fetches = session_kwargs.pop("fetches", [])
        self.feed_dict = session_kwargs.pop("feed_dict", {})
        if session_kwargs:
            raise ValueError("Invalid argument %s passed to K.function" % sorted(session_kwargs))
        self._fetches = self.outputs + ([self.updates_op] if self.updates_op is not None
                                        else []) + list(self.fetches)
        self._callables = {}  # feed tensors -> (session, its callable or None)
        self._extra_feed_values = []

    def __call__(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("`inputs` should be a list or tuple.")
        return self.call_with(self.inputs, inputs)

    def call_with(self, tensors, values):
        """Runs with `values` fed to `tensors` (the inputs, or the inputs and the learning
        phase as fit feeds it): through a callable the session made once for these feeds
        (Session.make_callable: the plan is found, the fetches mapped and the feed keys
        resolved once, not at every batch), or Session.run where that cannot serve."""
        session = get_session()
        key = tuple(tensors)
        cached = self._callables.get(key)
        if cached is None or cached[0] is not session:
            cached = self._callables[key] = (session, self._make_callable(session, tensors))
        call = cached[1]
        if call is None:
            feed = dict(self.feed_dict)
            for tensor, value in zip(tensors, values):
                if not isinstance(tensor, int):  # a fixed learning phase given as an input
                    feed[tensor] = value
            return session.run(self._fetches, feed_dict=feed)[:len(self.outputs)]
        session._note_graph_growth()  # (Session.run's warning about ops made in a loop)
        fed = [v for t, v in zip(tensors, values) if not isinstance(t, int)]
        return call(*fed, *self._extra_feed_values)[:len(self.outputs)]

    def _make_callable(self, session, tensors):
        """session.make_callable for these feed tensors, or None when Session.run must serve:
        a feed fed twice, or a key that is not a plain graph tensor (Session.run expands
        SparseTensor feeds and resolves names)."""
        keys = [t for t in tensors if not isinstance(t, int)] + list(self.feed_dict)
        if len(set(keys)) != len(keys) or [k for k in keys if not isinstance(k, tf.Tensor)]:
            return None
        self._extra_feed_values = list(self.feed_dict.values())
        return session.make_callable(self._fetches, keys)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    return Function(inputs, outputs, updates=updates, name=name, **kwargs)


# -- math (what Keras code calls through K.) ------------------------------------------------------

def _axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


def sum(x, axis=None, keepdims=False):
    return tf.reduce_sum(x, _axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    if x.dtype.base_dtype is tf.bool:
        x = tf.cast(x, floatx())
    return tf.reduce_mean(x, _axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    return tf.reduce_max(x, _axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    return tf.reduce_min(x, _axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return tf.reduce_prod(x, _axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    m = tf.reduce_mean(x, _axis(axis), keepdims=True)
    return tf.reduce_mean(tf.square(x - m), _axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return tf.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):
    return tf.reduce_any(tf.cast(x, tf.bool), _axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return tf.reduce_all(tf.cast(x, tf.bool), _axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
    return tf.argmax(x, axis)


def argmin(x, axis=-1):
    return tf.argmin(x, axis)


def dot(x, y):
    if ndim(x) is not None and ndim(x) > 2 or ndim(y) is not None and ndim(y) > 2:
        return tf.tensordot(x, y, [[ndim(x) - 1], [ndim(y) - 2]])
    return tf.matmul(x, y)


def batch_dot(x, y, axes=None):
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (ndim(x) - 1, ndim(y) - 2)
    if ndim(x) == 2 and ndim(y) == 2:
        return tf.reduce_sum(x * y, axes[0], keepdims=True)
    adj_x = axes[0] != ndim(x) - 1
    adj_y = axes[1] == ndim(y) - 1
    return tf.matmul(x, y, adjoint_a=adj_x, adjoint_b=adj_y)


def transpose(x):
    return tf.transpose(x)


def gather(reference, indices):
    return tf.gather(reference, indices)


def square(x):
    return tf.square(x)


def abs(x):
    return tf.abs(x)


def sqrt(x):
    zero = tf.constant(0.0, dtype=x.dtype.base_dtype)
    return tf.sqrt(tf.maximum(x, zero))


def exp(x):
    return tf.exp(x)


def log(x):
    return tf.log(x)


def logsumexp(x, axis=None, keepdims=False):
    return tf.reduce_logsumexp(x, _axis(axis), keepdims=keepdims)


def round(x):
    return tf.round(x)


def sign(x):
    return tf.sign(x)


def pow(x, a):
    return tf.pow(x, a)


def clip(x, min_value, max_value):
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    return tf.clip_by_value(x, min_value, max_value)


def equal(x, y):
    return tf.equal(x, y)


def not_equal(x, y):
    return tf.not_equal(x, y)


def greater(x, y):
    return tf.greater(x, y)


def greater_equal(x, y):
    return tf.greater_equal(x, y)


def less(x, y):
    return tf.less(x, y)


def less_equal(x, y):
    return tf.less_equal(x, y)


def maximum(x, y):
    return tf.maximum(x, y)


def minimum(x, y):
    return tf.minimum(x, y)


def sin(x):
    return tf.sin(x)


def cos(x):
    return tf.cos(x)


def cast(x, dtype):
    return tf.cast(x, dtype)


def concatenate(tensors, axis=-1):
    if axis < 0:
        rank = ndim(tensors[0])
        axis = axis % rank if rank else 0
    return tf.concat(list(tensors), axis)


def reshape(x, shape):
    return tf.reshape(x, shape)


def permute_dimensions(x, pattern):
    return tf.transpose(x, list(pattern))


def repeat(x, n):
    return tf.tile(tf.expand_dims(x, 1), [1, n, 1])


def tile(x, n):
    return tf.tile(x, n if isinstance(n, (list, tuple)) else [n])


def flatten(x):
    return tf.reshape(x, [-1])


def batch_flatten(x):
    return tf.reshape(x, tf.stack([-1, tf.reduce_prod(tf.shape(x)[1:])]))


def expand_dims(x, axis=-1):
    return tf.expand_dims(x, axis)


def squeeze(x, axis):
    return tf.squeeze(x, [axis])


def stack(x, axis=0):
    return tf.stack(x, axis=axis)


def one_hot(indices, num_classes):
    return tf.one_hot(indices, depth=num_classes, axis=-1)


def reverse(x, axes):
    return tf.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def arange(start, stop=None, step=1, dtype="int32"):
    if stop is None:
        start, stop = 0, start
    return tf.range(start, stop, step, dtype=dtype)


def switch(condition, then_expression, else_expression):
    if isinstance(condition, (bool, int)):
        return then_expression if condition else else_expression
    if condition.dtype.base_dtype is not tf.bool:
        condition = tf.cast(condition, tf.bool)
    if not callable(then_expression):
        t = then_expression
        then_expression = lambda: t  # noqa: E731
    if not callable(else_expression):
        e = else_expression
        else_expression = lambda: e  # noqa: E731
    return tf.cond(condition, then_expression, else_expression)


def relu(x, alpha=0.0, max_value=None, threshold=0):
    if alpha != 0.0:
        negative = tf.nn.relu(-x + threshold)
    y = tf.nn.relu(x - threshold) + threshold if threshold else tf.nn.relu(x)
    if threshold:
        y = tf.where(x > threshold, x, tf.zeros_like(x))
    if max_value is not None:
        y = tf.minimum(y, tf.constant(max_value, dtype=y.dtype.base_dtype))
    if alpha != 0.0:
        y = y - alpha * negative
    return y


def elu(x, alpha=1.0):
    e = tf.nn.elu(x)
    return e if alpha == 1 else tf.where(x > 0, e, alpha * e)


def softmax(x, axis=-1):
    return tf.nn.softmax(x, axis=axis)


def softplus(x):
    return tf.nn.softplus(x)


def softsign(x):
    return tf.nn.softsign(x)


def sigmoid(x):
    return tf.nn.sigmoid(x)


def hard_sigmoid(x):
    return tf.clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


def tanh(x):
    return tf.tanh(x)


def dropout(x, level, noise_shape=None, seed=None):
    return tf.nn.dropout(x, rate=level, noise_shape=noise_shape, seed=seed)


def l2_normalize(x, axis=None):
    return tf.nn.l2_normalize(x, axis=axis)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random_normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return tf.random_uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    return tf.cast(tf.random_uniform(shape, dtype=dtype or floatx(), seed=seed) <= p,
                   dtype or floatx())


def _logits_of(output, from_logits, op_type):
    """(logits, True) when `output` is made by a Softmax/Sigmoid op (its input: Keras computes
    the cross-entropy from the logits then, so a saturated output still has a gradient and no
    clipping happens), else (output, from_logits)."""
    op = getattr(output, "op", None)
    if not from_logits and op is not None and op.type == op_type and len(op.inputs) == 1:
        return op.inputs[0], True
    return output, from_logits


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output, from_logits = _logits_of(output, from_logits, "Softmax")
    if from_logits:
        return tf.nn.softmax_cross_entropy_with_logits_v2(labels=target, logits=output)
    output = output / tf.reduce_sum(output, axis, keepdims=True)
    eps = tf.constant(epsilon(), dtype=output.dtype.base_dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -tf.reduce_sum(target * tf.log(output), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output, from_logits = _logits_of(output, from_logits, "Softmax")
    if not from_logits:
        eps = tf.constant(epsilon(), dtype=output.dtype.base_dtype)
        output = tf.log(tf.clip_by_value(output, eps, 1.0 - eps))
    target = tf.cast(tf.reshape(target, [-1]), tf.int64)
    logits = tf.reshape(output, tf.stack([-1, tf.shape(output)[-1]]))
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logits)
    if output.shape.ndims is not None and output.shape.ndims > 2:
        return tf.reshape(loss, tf.shape(output)[:-1])
    return loss


def binary_crossentropy(target, output, from_logits=False):
    output, from_logits = _logits_of(output, from_logits, "Sigmoid")
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = tf.constant(epsilon(), dtype=output.dtype.base_dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -(target * tf.log(output + eps) + (1.0 - target) * tf.log(1.0 - output + eps))
