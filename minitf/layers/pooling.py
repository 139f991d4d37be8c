"""tf.layers pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and their function
forms."""

from minitf.layers.base import Layer
from minitf.layers.convolutional import _channels_first, _layer_function, _padding, _tuple
from minitf.ops import conv_ops, pool3d_ops

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
           "AveragePooling2D", "AveragePooling3D", "max_pooling1d", "max_pooling2d",
           "max_pooling3d", "average_pooling1d", "average_pooling2d", "average_pooling3d"]


class _Pooling(Layer):
    _rank = 2
    _type = "MAX"

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _tuple(pool_size, self._rank, "pool_size")
        self.strides = _tuple(strides, self._rank, "strides")
        self.padding = _padding(padding)
        self.data_format = data_format
        self._channels_first = _channels_first(data_format)

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank != self._rank + 2:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                             "ndim=%d, found ndim=%d. Full shape received: %s"
                             % (self.name, self._rank + 2, rank, inputs.shape))
        if self._rank == 1:
            return conv_ops.pool(inputs, list(self.pool_size), self._type, self.padding,
                                 strides=list(self.strides),
                                 data_format="NCW" if self._channels_first else "NWC")
        if self._rank == 3:
            fn = pool3d_ops.max_pool3d if self._type == "MAX" else pool3d_ops.avg_pool3d
            fmt = "NCDHW" if self._channels_first else "NDHWC"
        else:
            fn = conv_ops.max_pool if self._type == "MAX" else conv_ops.avg_pool
            fmt = "NCHW" if self._channels_first else "NHWC"
        if self._channels_first:
            return fn(inputs, [1, 1] + list(self.pool_size), [1, 1] + list(self.strides),
                      self.padding, data_format=fmt)
        return fn(inputs, [1] + list(self.pool_size) + [1], [1] + list(self.strides) + [1],
                  self.padding, data_format=fmt)


class MaxPooling1D(_Pooling):
    _rank, _default_name = 1, "max_pooling1d"


class MaxPooling2D(_Pooling):
    _default_name = "max_pooling2d"


class MaxPooling3D(_Pooling):
    _rank, _default_name = 3, "max_pooling3d"


class AveragePooling1D(_Pooling):
    _rank, _type, _default_name = 1, "AVG", "average_pooling1d"


class AveragePooling2D(_Pooling):
    _type, _default_name = "AVG", "average_pooling2d"


class AveragePooling3D(_Pooling):
    _rank, _type, _default_name = 3, "AVG", "average_pooling3d"


max_pooling1d = _layer_function(MaxPooling1D, "max_pooling1d", "tf.layers.max_pooling1d("
                                "inputs, pool_size, strides, padding='valid', ...).")
max_pooling2d = _layer_function(MaxPooling2D, "max_pooling2d", "tf.layers.max_pooling2d("
                                "inputs, pool_size, strides, padding='valid', ...).")
average_pooling1d = _layer_function(AveragePooling1D, "average_pooling1d",
                                    "tf.layers.average_pooling1d(inputs, pool_size, strides, "
                                    "...).")
average_pooling2d = _layer_function(AveragePooling2D, "average_pooling2d",
                                    "tf.layers.average_pooling2d(inputs, pool_size, strides, "
                                    "...).")
max_pooling3d = _layer_function(MaxPooling3D, "max_pooling3d", "tf.layers.max_pooling3d("
                                "inputs, pool_size, strides, padding='valid', ...).")
average_pooling3d = _layer_function(AveragePooling3D, "average_pooling3d",
                                    "tf.layers.average_pooling3d(inputs, pool_size, strides, "
                                    "...).")
