"""TensorSpec (static shape + dtype) and Tensor, the symbolic output of an Operation."""

from minitf import dtypes
from minitf.framework.context import default_session_for
from minitf.framework.shapes import as_shape, format_dims


class TensorSpec:
    """What op inference returns for each output: a static shape (dims may be None) and a dtype."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = as_shape(shape)
        self.dtype = dtypes.as_dtype(dtype)

    def __repr__(self):
        return "TensorSpec(shape=%s, dtype=%s)" % (self.shape, self.dtype.name)


class Tensor:
    """One output of an Operation. Hashes and compares by identity, object's defaults, as in TF1
    (`tf.equal` compares values); arithmetic operators build graph nodes (installed by the op
    modules)."""

    # `aliases` is set only by tf.contrib.layers' outputs_collections (TF's end-point names).
    __slots__ = ("op", "value_index", "_shape", "dtype", "aliases", "__weakref__")

    # Make `ndarray + Tensor` defer to Tensor.__radd__ instead of numpy broadcasting over it.
    __array_ufunc__ = None
    __array_priority__ = 100

    def __init__(self, op, value_index, spec):
        self.op = op
        self.value_index = value_index
        self._shape = spec.shape
        self.dtype = spec.dtype

    @property
    def name(self):
        return "%s:%d" % (self.op.name, self.value_index)

    @property
    def graph(self):
        return self.op.graph

    @property
    def device(self):
        return self.op.device

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Refines the static shape; raises ValueError when `shape` contradicts what is known."""
        shape = as_shape(shape)
        old, new = self._shape.as_tuple(), shape.as_tuple()
        if old is not None and new is not None:
            if len(old) != len(new):
                detail = "Shapes must be equal rank, but are %d and %d" % (len(old), len(new))
            else:
                axis = next((i for i, (a, b) in enumerate(zip(old, new))
                             if a is not None and b is not None and a != b), None)
                detail = None if axis is None else (
                    "Dimension %d in both shapes must be equal, but are %d and %d. Shapes are "
                    "%s and %s" % (axis, old[axis], new[axis], format_dims(old), format_dims(new)))
            if detail:
                raise ValueError("Cannot set the shape of %s to %s: %s."
                                 % (self.name, format_dims(new), detail))
        self._shape = self._shape.merge_with(shape)

    def consumers(self):
        """The ops that take this tensor as an input, in creation order."""
        return self.op.graph.consumers_of(self)

    def eval(self, feed_dict=None, session=None):
        """The value of this tensor in `session` (the default session when None)."""
        return default_session_for(self.graph, session, "eval").run(self, feed_dict)

    def _repr_html_(self):
        """Jupyter draws it: name scopes as boxes, op types and shapes (minitf.visualize)."""
        from minitf.framework.drawing import repr_html
        return repr_html(self)

    def __repr__(self):
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (self.name, self._shape, self.dtype.name)

    def __str__(self):
        return 'Tensor("%s", shape=%s, dtype=%s%s)' % (
            self.name, self._shape, self.dtype.name,
            ", device=%s" % self.op.device if self.op.device else "")

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed: the graph has not "
                        "run yet, so the tensor has no value. Use `if t is not None:` to test "
                        "whether a tensor is defined, or tf.cond / tf.where to branch on its value.")

    def __iter__(self):
        raise TypeError("'Tensor' objects are not iterable: %s is one graph tensor, with no "
                        "value until Session.run. Where a list of tensors is expected, pass "
                        "[t]; to split it, use tf.unstack(t) or index it (t[0])." % self.name)

    def __len__(self):
        raise TypeError("len() is not defined on a symbolic Tensor %s; use tf.shape(t)[0] or "
                        "t.shape[0].value." % self.name)

    @classmethod
    def _override_operator(cls, name, fn):
        """Called by the op modules to install `+`, `*`, `[]`, ... (framework imports no ops)."""
        setattr(cls, name, fn)
