"""keras.layers."""

from minitf.keras.engine import Input, InputLayer, Layer
from minitf.keras.layers.core import (ELU, Activation, Add, Average, BatchNormalization,
                                      Concatenate, Dense, Dot, Dropout, Embedding, Flatten,
                                      Lambda, LeakyReLU, Maximum, Minimum, Multiply, Permute,
                                      PReLU, ReLU, RepeatVector, Reshape, Softmax, Subtract, add,
                                      average, concatenate, dot, maximum, minimum, multiply,
                                      subtract)
from minitf.keras.layers.convolutional import (AveragePooling1D, AveragePooling2D, AvgPool1D,
                                               AvgPool2D, Conv1D, Conv2D, Conv2DTranspose,
                                               Convolution1D, Convolution2D, Cropping2D,
                                               Deconv2D, Deconvolution2D, DepthwiseConv2D,
                                               GlobalAveragePooling1D,
                                               GlobalAveragePooling2D, GlobalAvgPool1D,
                                               GlobalAvgPool2D, GlobalMaxPool1D,
                                               GlobalMaxPool2D, GlobalMaxPooling1D,
                                               GlobalMaxPooling2D, MaxPool1D, MaxPool2D,
                                               MaxPooling1D, MaxPooling2D, SeparableConv2D,
                                               SeparableConvolution2D, UpSampling2D,
                                               ZeroPadding2D)
from minitf.keras.layers.recurrent import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed


def serialize(layer):
    """Keras's {"class_name", "config"} form of a layer (or model)."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config, custom_objects=None):
    """The layer (or model) a {"class_name", "config"} dict describes. Classes are looked up
    in custom_objects first, then among keras.layers and the models; an unknown class raises
    ValueError("Unknown layer: X") as Keras does."""
    from minitf.keras import training
    name = config["class_name"]
    custom_objects = custom_objects or {}
    table = {k: v for k, v in globals().items() if isinstance(v, type) and issubclass(v, Layer)}
    table.update(Model=training.Model, Functional=training.Model,
                 Sequential=training.Sequential)
    cls = custom_objects.get(name) or table.get(name)
    if cls is None:
        raise ValueError("Unknown layer: " + name)
    import inspect
    from_config = cls.from_config
    if "custom_objects" in inspect.signature(from_config).parameters:
        return from_config(config["config"], custom_objects=custom_objects)
    return from_config(config["config"])
