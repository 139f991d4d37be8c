"""What every ``keras.applications`` builder shares (Keras-Applications 1.0.8, as TF 1.15's
tf.keras ran it): checking `weights`, the input shape, the image input, the model, and the
ImageNet weight files kept in the Keras cache (``<cache>/models``)."""

import os
import warnings

from minitf.keras import backend as K, data_utils, layers
from minitf.keras.engine import get_source_inputs, is_keras_tensor
from minitf.keras.training import Model


ARGUMENTS = """`weights`: None (random), 'imagenet' (the file from the Keras cache, downloaded when
    missing) or the path of a Keras HDF5 weights file. `input_tensor`: a tensor to use as the
    image input. `input_shape`: (rows, cols, 3), at least %(min)dx%(min)d; fixed at
    (%(size)d, %(size)d, 3) with ImageNet weights and the classifier. `pooling` (without the
    classifier): None (the 4D features), 'avg' or 'max'. `classes`: the classifier's size."""


def prepare(weights, include_top, classes, input_shape, default_size, min_size):
    """The checked `weights` and the model's input shape (see `obtain_input_shape`)."""
    check_weights(weights, include_top, classes)
    return obtain_input_shape(input_shape, default_size=default_size, min_size=min_size,
                              data_format=K.image_data_format(), require_flatten=include_top,
                              weights=weights)


def check_weights(weights, include_top, classes):
    """Keras's ValueErrors for `weights` (None, 'imagenet' or an existing file) and for
    'imagenet' with a classifier of other than 1000 classes."""
    if not (weights in {'imagenet', None} or os.path.exists(weights)):
        raise ValueError('The `weights` argument should be either `None` (random '
                         'initialization), `imagenet` (pre-training on ImageNet), or the path '
                         'to the weights file to be loaded.')
    if weights == 'imagenet' and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         '`classes` should be 1000')


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape (no batch axis) from the user's `input_shape`, checked as
    ``keras_applications.imagenet_utils._obtain_input_shape``: 3 channels with ImageNet
    weights, rows and columns at least `min_size`, and a static shape under a classifier
    (`require_flatten`); None gives the default (`default_size` square, or (None, None, 3)
    without the classifier)."""
    first = data_format == 'channels_first'
    if weights != 'imagenet' and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn('This model usually expects 1 or 3 input channels. However, it was '
                          'passed an input_shape with %s input channels.' % (channels,))
    else:
        channels = 3
    default_shape = (channels, default_size, default_size) if first else \
        (default_size, default_size, channels)
    if weights == 'imagenet' and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError('When setting `include_top=True` and loading `imagenet` weights, '
                             '`input_shape` should be %s.' % (default_shape,))
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError('`input_shape` must be a tuple of three integers.')
        channels = input_shape[0] if first else input_shape[-1]
        if channels != 3 and weights == 'imagenet':
            raise ValueError('The input must have 3 channels; got `input_shape=%s`'
                             % (input_shape,))
        rows, cols = input_shape[1:] if first else input_shape[:2]
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError('Input size must be at least %dx%d; got `input_shape=%s`'
                             % (min_size, min_size, input_shape))
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError('If `include_top` is True, you should specify a static `input_shape`. '
                         'Got `input_shape=%s`' % (input_shape,))
    return input_shape


def image_input(input_tensor, input_shape):
    """The Keras tensor the network starts from: a new Input, `input_tensor` itself when it is
    a Keras tensor, or an Input wrapping it."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if is_keras_tensor(input_tensor):
        return input_tensor
    return layers.Input(tensor=input_tensor, shape=input_shape)


def channel_axis():
    return 1 if K.image_data_format() == 'channels_first' else 3


def top_pooling(x, pooling, avg_name=None, max_name=None):
    """Without the classifier: 'avg' or 'max' global pooling, or the 4D features (None)."""
    if pooling == 'avg':
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == 'max':
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def imagenet_weights(weights, model_name, fname, origin, file_hash=None):
    """With weights='imagenet', the local path of the ImageNet weight file: from the Keras
    cache (``<cache>/models``), downloaded there when missing (else None). Offline,
    FileNotFoundError says what to download and where to put it (or to pass weights=None or
    the path of a weights file)."""
    if weights != 'imagenet':
        return None
    try:
        return data_utils.get_file(fname, origin, cache_subdir='models', file_hash=file_hash)
    except FileNotFoundError as e:
        raise FileNotFoundError(
            "%s(weights='imagenet') needs the ImageNet weights file %s, which is not in the "
            "Keras cache and could not be downloaded: %s Alternatively pass weights=None "
            "(random initialization) or weights='<path of a Keras HDF5 weights file>'."
            % (model_name, fname, e)) from e


def finish(model_name, input_tensor, img_input, x, weights, weights_path):
    """The Model from the image input (or `input_tensor`'s own Inputs) to `x`, with the
    weights loaded: `weights_path` (ImageNet's, fetched before building) or the file named
    by `weights`."""
    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Model(inputs, x, name=model_name)
    if weights_path is not None:
        model.load_weights(weights_path)
    elif weights is not None:
        model.load_weights(weights)
    return model
