"""tf.layers.BatchNormalization / batch_normalization: batch statistics while training (with
moving averages updated by ops in tf.GraphKeys.UPDATE_OPS), the moving averages at test time."""

from minitf.framework.graph import name_scope
from minitf.layers.base import Layer, check_floating, is_tensor_like, smart_cond
from minitf.layers.convolutional import _layer_function
from minitf.ops import norm_ops
from minitf.ops.array_ops import identity, reshape
from minitf.ops.constant_op import constant
from minitf.ops.init_ops import ones_initializer, zeros_initializer
from minitf.ops.nn_ops import moments
from minitf.ops.state_ops import assign_sub

__all__ = ["BatchNormalization", "batch_normalization"]


class BatchNormalization(Layer):
    """Variables gamma, beta (trainable) and moving_mean, moving_variance (not trainable), as
    TF1 names them. `training` (a Python bool or a bool tensor) chooses batch statistics (and
    adds the moving-average updates to UPDATE_OPS) or the moving averages; 4-D inputs
    normalized over the channel axis use the fused op, as TF does by default."""

    _default_name = "batch_normalization"

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=zeros_initializer(), gamma_initializer=ones_initializer(),
                 moving_mean_initializer=zeros_initializer(),
                 moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, _reuse=None, **kwargs):
        super().__init__(trainable=trainable, name=name, _reuse=_reuse)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("minitf's batch normalization has no renorm, "
                                      "virtual_batch_size or adjustment")
        if kwargs:
            raise TypeError("BatchNormalization got unexpected arguments %s" % sorted(kwargs))
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def _axis(self, rank):
        axis = self.axis if isinstance(self.axis, int) else None
        if axis is None or rank is None or not -rank <= axis < rank:
            raise ValueError("Invalid axis %r for BatchNormalization on an input of rank %s"
                             % (self.axis, rank))
        return axis % rank

    def build(self, inputs):
        check_floating(self, inputs)
        rank = inputs.shape.ndims
        axis = self._axis(rank)
        channels = inputs.shape[axis].value
        if channels is None:
            raise ValueError("Axis %d of input tensor should have a defined dimension but the "
                             "layer received an input with shape %s." % (axis, inputs.shape))
        dtype = inputs.dtype if inputs.dtype.name != "float16" else None
        if self.scale:
            self.gamma = self.add_weight("gamma", [channels], dtype, self.gamma_initializer,
                                         self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", [channels], dtype, self.beta_initializer,
                                        self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", [channels], dtype,
                                           self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", [channels], dtype,
                                               self.moving_variance_initializer,
                                               trainable=False)

    def _update(self, variable, value, name):
        # TF's _assign_moving_average: variable -= (variable - value) * (1 - momentum).
        with name_scope(None, name, [variable, value]) as scope:
            delta = (variable - value) * (1.0 - self.momentum)
            return assign_sub(variable, delta, name=scope)

    def call(self, inputs, training=False):
        rank = inputs.shape.ndims
        axis = self._axis(rank)
        fused = self.fused if self.fused is not None else (rank == 4 and axis in (1, 3))
        if fused and not (rank == 4 and axis in (1, 3)):
            raise ValueError("fused batch normalization needs a 4-D input normalized over axis "
                             "1 or 3 (got rank %s, axis %d)" % (rank, axis))
        channels = inputs.shape[axis].value
        gamma = self.gamma if self.gamma is not None else \
            constant([1.0] * channels, self.moving_mean.dtype)
        beta = self.beta if self.beta is not None else \
            constant([0.0] * channels, self.moving_mean.dtype)

        if fused:
            fmt = "NCHW" if axis == 1 else "NHWC"

            def train():
                y, mean, var = norm_ops.fused_batch_norm(inputs, gamma, beta,
                                                         epsilon=self.epsilon, data_format=fmt)
                return y, mean, var

            def infer():
                y, _, _ = norm_ops.fused_batch_norm(inputs, gamma, beta, self.moving_mean,
                                                    self.moving_variance, epsilon=self.epsilon,
                                                    data_format=fmt, is_training=False)
                return y
        else:
            reduce_axes = [a for a in range(rank) if a != axis]
            bshape = [1] * rank
            bshape[axis] = channels

            def normalize(mean, var):
                return norm_ops.batch_normalization(
                    inputs, reshape(mean, bshape), reshape(var, bshape), reshape(beta, bshape),
                    reshape(gamma, bshape), self.epsilon)

            def train():
                mean, var = moments(inputs, reduce_axes)
                return normalize(mean, var), mean, var

            def infer():
                return normalize(self.moving_mean, self.moving_variance)

        if not is_tensor_like(training):
            if not training:
                return infer()
            outputs, mean, var = train()
        else:
            # One cond for the output and the statistics; at test time the "statistics" are the
            # moving averages themselves, so the updates leave them unchanged.
            outputs, mean, var = smart_cond(
                training, train, lambda: (infer(), identity(self.moving_mean),
                                          identity(self.moving_variance)))
        self.add_update(self._update(self.moving_mean, mean, "AssignMovingAvg"))
        self.add_update(self._update(self.moving_variance, var, "AssignMovingAvg_1"))
        return outputs


batch_normalization = _layer_function(
    BatchNormalization, "batch_normalization", "tf.layers.batch_normalization(inputs, axis=-1, "
    "momentum=0.99, epsilon=0.001, ..., training=False): see BatchNormalization.")
