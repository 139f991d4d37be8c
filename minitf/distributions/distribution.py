"""tf.distributions.Distribution, the base class every distribution derives from: the public
methods (sample, log_prob, cdf, entropy, moments, KL ...) open the distribution's name scope
and call the subclass's `_method`; where a subclass leaves one out, its partner is used
(log_prob from prob, stddev from variance ...), as in TF 1.15.

A subclass must set, through `Distribution.__init__`: the dtype of its samples, its
ReparameterizationType, validate_args, allow_nan_stats, its constructor's arguments
(`parameters`, so that `copy` can rebuild it), the tensors it holds (`graph_parents`) and the
name scope it made. It implements `_batch_shape` / `_batch_shape_tensor`, `_event_shape` /
`_event_shape_tensor`, `_sample_n(n, seed)` (n draws stacked on a new first axis) and any of
`_log_prob _prob _cdf _log_cdf _survival_function _log_survival_function _quantile _entropy
_mean _mode _stddev _variance _covariance`; what it leaves out raises NotImplementedError.
"""

import contextlib

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.distributions import util
from minitf.ops import array_ops, logging_ops, math_ops
from minitf.ops.core import convert_to_tensor

__all__ = ["Distribution", "ReparameterizationType", "FULLY_REPARAMETERIZED",
           "NOT_REPARAMETERIZED"]


class ReparameterizationType:
    """Whether samples carry gradients to the parameters: `FULLY_REPARAMETERIZED` (a sample is
    a differentiable function of the parameters and parameter-free noise) or
    `NOT_REPARAMETERIZED` (use a score-function / policy-gradient estimator instead)."""

    def __init__(self, rep_type):
        self._rep_type = rep_type

    def __repr__(self):
        return "<Reparameterization Type: %s>" % self._rep_type

    def __eq__(self, other):
        return self is other  # the two instances below are the only ones

    __hash__ = object.__hash__


FULLY_REPARAMETERIZED = ReparameterizationType("FULLY_REPARAMETERIZED")
NOT_REPARAMETERIZED = ReparameterizationType("NOT_REPARAMETERIZED")


class Distribution:
    """A batch of probability distributions of one family (see the module docstring for what
    subclasses implement). Shapes: a sample has shape sample_shape + batch_shape + event_shape;
    log_prob and the statistics have batch_shape (broadcast with the value's shape)."""

    def __init__(self, dtype, reparameterization_type, validate_args, allow_nan_stats,
                 parameters=None, graph_parents=None, name=None):
        graph_parents = list(graph_parents or [])
        for i, t in enumerate(graph_parents):
            if not isinstance(t, Tensor):
                raise ValueError("Graph parent item %d is not a Tensor; %s." % (i, t))
        if not name or not name.endswith("/"):  # not yet a scope: make one, as TF does
            with name_scope(name or type(self).__name__) as name:
                pass
        self._dtype = dtype
        self._reparameterization_type = reparameterization_type
        self._allow_nan_stats = allow_nan_stats
        self._validate_args = validate_args
        self._parameters = {k: v for k, v in (parameters or {}).items()
                            if k not in ("self", "__class__")}
        self._graph_parents = graph_parents
        self._name = name

    # -- what the distribution is --------------------------------------------------------------
    @property
    def name(self):
        """The name scope of the distribution's ops ('Normal/')."""
        return self._name

    @property
    def dtype(self):
        """The DType of the samples."""
        return self._dtype

    @property
    def parameters(self):
        """The constructor's arguments, a dict (copy() rebuilds the distribution from them)."""
        return dict(self._parameters)

    @property
    def reparameterization_type(self):
        """FULLY_REPARAMETERIZED or NOT_REPARAMETERIZED."""
        return self._reparameterization_type

    @property
    def allow_nan_stats(self):
        """Whether undefined statistics are NaN (True) or raise when run (False)."""
        return self._allow_nan_stats

    @property
    def validate_args(self):
        """Whether the arguments are checked (with assert ops) when used."""
        return self._validate_args

    def copy(self, **override_parameters_kwargs):
        """A new distribution of the same class from `parameters`, updated by the keywords."""
        return type(self)(**dict(self.parameters, **override_parameters_kwargs))

    @classmethod
    def param_shapes(cls, sample_shape, name="DistributionParamShapes"):
        """{parameter name: 1-D int32 shape tensor} giving samples of shape `sample_shape`."""
        with name_scope(name):
            return cls._param_shapes(sample_shape)

    @classmethod
    def param_static_shapes(cls, sample_shape):
        """param_shapes as TensorShapes, for a sample shape known now."""
        if isinstance(sample_shape, TensorShape):
            if not sample_shape.is_fully_defined():
                raise ValueError("TensorShape sample_shape must be fully defined")
            sample_shape = sample_shape.as_list()
        shapes = {}
        for key, shape in cls.param_shapes(sample_shape).items():
            value = constant_value(shape)
            if value is None:
                raise ValueError("sample_shape must be a fully-defined TensorShape or list/tuple")
            shapes[key] = TensorShape(value.tolist())
        return shapes

    @staticmethod
    def _param_shapes(sample_shape):
        raise NotImplementedError("_param_shapes not implemented")

    def __str__(self):
        return ("tfp.distributions.%s(\"%s\"%s%s, dtype=%s)"
                % (type(self).__name__, self.name,
                   self._shape_text(", batch_shape=", self.batch_shape),
                   self._shape_text(", event_shape=", self.event_shape), self.dtype.name))

    def __repr__(self):
        return ("<tfp.distributions.%s '%s' batch_shape=%s event_shape=%s dtype=%s>"
                % (type(self).__name__, self.name, self._shape_repr(self.batch_shape),
                   self._shape_repr(self.event_shape), self.dtype.name))

    @staticmethod
    def _shape_text(prefix, shape):
        return "" if shape.ndims is None else prefix + Distribution._shape_repr(shape)

    @staticmethod
    def _shape_repr(shape):
        if shape.ndims is None:
            return "<unknown>"
        dims = ["?" if d is None else str(d) for d in shape.as_list()]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"

    # -- shapes -------------------------------------------------------------------------------
    @property
    def batch_shape(self):
        """The static TensorShape of the batch of distributions (None where unknown)."""
        return as_shape(self._batch_shape())

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        """The batch shape as a 1-D int32 tensor."""
        with self._name_scope(name):
            if self.batch_shape.is_fully_defined():
                return convert_to_tensor(self.batch_shape.as_list(), dtype=dtypes.int32,
                                         name="batch_shape")
            return self._batch_shape_tensor()

    @property
    def event_shape(self):
        """The static TensorShape of one draw of one distribution of the batch."""
        return as_shape(self._event_shape())

    def event_shape_tensor(self, name="event_shape_tensor"):
        """The event shape as a 1-D int32 tensor."""
        with self._name_scope(name):
            if self.event_shape.is_fully_defined():
                return convert_to_tensor(self.event_shape.as_list(), dtype=dtypes.int32,
                                         name="event_shape")
            return self._event_shape_tensor()

    def is_scalar_event(self, name="is_scalar_event"):
        """A bool tensor: whether the event shape is []."""
        with self._name_scope(name):
            return self._is_scalar(self.event_shape, self.event_shape_tensor, name)

    def is_scalar_batch(self, name="is_scalar_batch"):
        """A bool tensor: whether the batch shape is []."""
        with self._name_scope(name):
            return self._is_scalar(self.batch_shape, self.batch_shape_tensor, name)

    @staticmethod
    def _is_scalar(static, dynamic, name):
        if static.ndims is not None:
            return convert_to_tensor(static.ndims == 0, name=name)
        return math_ops.equal(array_ops.size(dynamic()), 0, name=name)

    def _batch_shape(self):
        return TensorShape(None)

    def _event_shape(self):
        return TensorShape(None)

    def _batch_shape_tensor(self):
        raise NotImplementedError("batch_shape_tensor is not implemented: %s"
                                  % type(self).__name__)

    def _event_shape_tensor(self):
        raise NotImplementedError("event_shape_tensor is not implemented: %s"
                                  % type(self).__name__)

    # -- sampling -----------------------------------------------------------------------------
    def sample(self, sample_shape=(), seed=None, name="sample"):
        """Draws of shape sample_shape + batch_shape + event_shape (`seed`: the op seed)."""
        with self._name_scope(name):
            sample_shape = convert_to_tensor(sample_shape, dtype=dtypes.int32,
                                             name="sample_shape")
            sample_shape, n = self._sample_shape_vector(sample_shape)
            samples = self._sample_n(n, seed)
            final_shape = array_ops.concat([sample_shape, array_ops.shape(samples)[1:]], 0)
            samples = array_ops.reshape(samples, final_shape)
            static = constant_value_as_shape(sample_shape).concatenate(
                self.batch_shape).concatenate(self.event_shape)
            if static.ndims is not None:
                samples.set_shape(samples.shape.merge_with(static))
            return samples

    @staticmethod
    def _sample_shape_vector(sample_shape):
        """sample_shape as a vector, and the number of draws (a Python int when known)."""
        value = constant_value(sample_shape)
        n = int(np.prod(value)) if value is not None else math_ops.reduce_prod(sample_shape)
        if sample_shape.shape.ndims == 0:
            if value is not None:
                return convert_to_tensor(value.reshape(1), name="sample_shape"), n
            return array_ops.reshape(sample_shape, [1]), n
        if sample_shape.shape.ndims is None:
            return array_ops.reshape(sample_shape, [-1]), n
        if sample_shape.shape.ndims != 1:
            raise ValueError("Input is neither scalar nor vector.")
        return sample_shape, n

    def _sample_n(self, n, seed=None):
        raise NotImplementedError("sample_n is not implemented: %s" % type(self).__name__)

    # -- functions of a value: each with the partner it falls back on -------------------------
    def _call_value_fn(self, name, value, own, partner, link):
        """Runs self.`own`(value) in the scope `name`; when the subclass has none, link(self.
        `partner`(value)) (e.g. log of prob); the first NotImplementedError when neither."""
        with self._name_scope(name, values=[value]):
            value = convert_to_tensor(value, name="value", preferred_dtype=self.dtype)
            try:
                return getattr(self, own)(value)
            except NotImplementedError as missing:
                if partner is None:
                    raise
                try:
                    return link(getattr(self, partner)(value))
                except NotImplementedError:
                    raise missing from None

    def log_prob(self, value, name="log_prob"):
        """Log probability density/mass of `value`."""
        return self._call_value_fn(name, value, "_log_prob", "_prob", math_ops.log)

    def prob(self, value, name="prob"):
        """Probability density/mass of `value`."""
        return self._call_value_fn(name, value, "_prob", "_log_prob", math_ops.exp)

    def log_cdf(self, value, name="log_cdf"):
        """Log of the cumulative distribution function at `value`."""
        return self._call_value_fn(name, value, "_log_cdf", "_cdf", math_ops.log)

    def cdf(self, value, name="cdf"):
        """The cumulative distribution function, P[X <= value]."""
        return self._call_value_fn(name, value, "_cdf", "_log_cdf", math_ops.exp)

    def log_survival_function(self, value, name="log_survival_function"):
        """Log of the survival function, log P[X > value]."""
        return self._call_value_fn(name, value, "_log_survival_function", "cdf",
                                   lambda cdf: math_ops.log1p(-cdf))

    def survival_function(self, value, name="survival_function"):
        """The survival function, P[X > value] = 1 - cdf(value)."""
        return self._call_value_fn(name, value, "_survival_function", "cdf",
                                   lambda cdf: 1. - cdf)

    def quantile(self, value, name="quantile"):
        """The inverse cdf: x with P[X <= x] = value."""
        return self._call_value_fn(name, value, "_quantile", None, None)

    # -- statistics ---------------------------------------------------------------------------
    def _call_stat(self, name, own, partner=None, link=None):
        with self._name_scope(name):
            try:
                return getattr(self, own)()
            except NotImplementedError as missing:
                if partner is None:
                    raise
                try:
                    return link(getattr(self, partner)())
                except NotImplementedError:
                    raise missing from None

    def entropy(self, name="entropy"):
        """Shannon entropy in nats."""
        return self._call_stat(name, "_entropy")

    def mean(self, name="mean"):
        """The mean."""
        return self._call_stat(name, "_mean")

    def mode(self, name="mode"):
        """The mode."""
        return self._call_stat(name, "_mode")

    def variance(self, name="variance"):
        """The variance, E[(X - mean)**2]."""
        return self._call_stat(name, "_variance", "_stddev", math_ops.square)

    def stddev(self, name="stddev"):
        """The standard deviation, sqrt(variance)."""
        return self._call_stat(name, "_stddev", "_variance", math_ops.sqrt)

    def covariance(self, name="covariance"):
        """The covariance of the event's components (for vector events)."""
        return self._call_stat(name, "_covariance")

    def cross_entropy(self, other, name="cross_entropy"):
        """H[self, other] = E_self[-log other(X)], by entropy + KL."""
        from minitf.distributions import kullback_leibler
        with self._name_scope(name):
            return kullback_leibler.cross_entropy(self, other,
                                                  allow_nan_stats=self.allow_nan_stats)

    def kl_divergence(self, other, name="kl_divergence"):
        """KL[self || other], by the function registered for the two classes."""
        from minitf.distributions import kullback_leibler
        with self._name_scope(name):
            return kullback_leibler.kl_divergence(self, other,
                                                  allow_nan_stats=self.allow_nan_stats)

    @contextlib.contextmanager
    def _name_scope(self, name=None, values=None):
        """The distribution's own scope ('Normal/'), and `name` made unique inside it."""
        with name_scope(self.name, values=self._graph_parents):
            tensors = [v for v in values or [] if isinstance(v, Tensor)] + self._graph_parents
            with name_scope(name, values=tensors) as scope:
                yield scope

    def _log_prob(self, value):
        raise NotImplementedError("log_prob is not implemented: %s" % type(self).__name__)

    def _prob(self, value):
        raise NotImplementedError("prob is not implemented: %s" % type(self).__name__)

    def _log_cdf(self, value):
        raise NotImplementedError("log_cdf is not implemented: %s" % type(self).__name__)

    def _cdf(self, value):
        raise NotImplementedError("cdf is not implemented: %s" % type(self).__name__)

    def _log_survival_function(self, value):
        raise NotImplementedError("log_survival_function is not implemented: %s"
                                  % type(self).__name__)

    def _survival_function(self, value):
        raise NotImplementedError("survival_function is not implemented: %s"
                                  % type(self).__name__)

    def _quantile(self, value):
        raise NotImplementedError("quantile is not implemented: %s" % type(self).__name__)

    def _entropy(self):
        raise NotImplementedError("entropy is not implemented: %s" % type(self).__name__)

    def _mean(self):
        raise NotImplementedError("mean is not implemented: %s" % type(self).__name__)

    def _mode(self):
        raise NotImplementedError("mode is not implemented: %s" % type(self).__name__)

    def _variance(self):
        raise NotImplementedError("variance is not implemented: %s" % type(self).__name__)

    def _stddev(self):
        raise NotImplementedError("stddev is not implemented: %s" % type(self).__name__)

    def _covariance(self):
        raise NotImplementedError("covariance is not implemented: %s" % type(self).__name__)


class ScalarEventDistribution(Distribution):
    """Base of the distributions whose events are scalars (event shape []) and whose batch
    shape is the broadcast of the parameter tensors `_batch_parameters()` returns."""

    def _batch_parameters(self):
        raise NotImplementedError("_batch_parameters is not implemented: %s"
                                  % type(self).__name__)

    def _batch_shape(self):
        return util.static_batch_shape(*self._batch_parameters())

    def _batch_shape_tensor(self):
        return util.dynamic_batch_shape(*self._batch_parameters())

    def _event_shape(self):
        return TensorShape([])

    def _event_shape_tensor(self):
        return convert_to_tensor([], dtype=dtypes.int32)


class LocationScaleDistribution(ScalarEventDistribution):
    """Base of Normal and Laplace: float parameters `loc` and `scale` (> 0, checked when
    validate_args), broadcast to the batch; samples are loc + scale * a standard draw
    (FULLY_REPARAMETERIZED)."""

    def __init__(self, loc, scale, validate_args, allow_nan_stats, name, parameters):
        with name_scope(name, values=[loc, scale]) as name:
            checks = [logging_ops.assert_positive(scale)] if validate_args else []
            self._loc, self._scale = util.parameters_after(checks, loc=loc, scale=scale)
        super().__init__(dtype=self._scale.dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, self._scale],
                         name=name)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("loc", "scale"))

    @property
    def loc(self):
        """The location: the mean, median and mode."""
        return self._loc

    @property
    def scale(self):
        """The scale (> 0)."""
        return self._scale

    def _batch_parameters(self):
        return [self._loc, self._scale]

    def _z(self, x):
        """x standardized: (x - loc) / scale."""
        return (x - self.loc) / self.scale
