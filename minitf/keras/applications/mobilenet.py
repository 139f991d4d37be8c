"""keras.applications.mobilenet: MobileNet v1 (Howard et al., 2017) as Keras-Applications 1.0.8
built it for TF 1.15's tf.keras: ``conv1`` (3x3, stride 2, after ``conv1_pad``) then 13
depthwise-separable blocks (``conv_dw_N`` DepthwiseConv2D, ``conv_pw_N`` 1x1 Conv2D, each with
``_bn`` and a ReLU6 ``_relu``; ``conv_pad_N`` before the strided ones), no biases; the
classifier is global pooling, ``reshape_1``, ``dropout``, the 1x1 ``conv_preds``,
``reshape_2`` and the softmax ``act_softmax``. `alpha` scales every layer's width,
`depth_multiplier` the depthwise convolutions'."""

import warnings

from minitf.keras import backend as K, layers
from minitf.keras.applications import _base, imagenet_utils
from minitf.keras.applications.imagenet_utils import decode_predictions  # noqa: F401

_WEIGHTS = 'https://github.com/fchollet/deep-learning-models/releases/download/v0.6/'
_ALPHA_TEXT = {1.0: '1_0', 0.75: '7_5', 0.5: '5_0', 0.25: '2_5'}
_SIZES = (128, 160, 192, 224)
# (pointwise filters, stride) of the 13 depthwise-separable blocks
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def preprocess_input(x, data_format=None, mode='tf'):
    """'tf' preprocessing (to [-1, 1])."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    x = layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name='conv1_pad')(inputs)
    x = layers.Conv2D(int(filters * alpha), kernel, padding='valid', use_bias=False,
                      strides=strides, name='conv1')(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), name='conv1_bn')(x)
    return layers.ReLU(6., name='conv1_relu')(x)


def _depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1),
                          block_id=1):
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name='conv_pad_%d' % block_id)(x)
    x = layers.DepthwiseConv2D((3, 3), padding='same' if strides == (1, 1) else 'valid',
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name='conv_dw_%d' % block_id)(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), name='conv_dw_%d_bn' % block_id)(x)
    x = layers.ReLU(6., name='conv_dw_%d_relu' % block_id)(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), (1, 1), padding='same', use_bias=False,
                      strides=(1, 1), name='conv_pw_%d' % block_id)(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), name='conv_pw_%d_bn' % block_id)(x)
    return layers.ReLU(6., name='conv_pw_%d_relu' % block_id)(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights='imagenet', input_tensor=None, pooling=None, classes=1000):
    """keras.applications.MobileNet (4,253,864 weights with the classifier, alpha 1).

    `input_shape`: (rows, cols, 3), at least 32x32 (the default size is rows when they are
    square 128, 160, 192 or 224, else 224). `alpha`: width multiplier (ImageNet weights exist
    for 0.25, 0.5, 0.75, 1.0); `depth_multiplier` of the depthwise convolutions (1 with
    ImageNet weights); `dropout` rate before the classifier. `weights`: None (random),
    'imagenet' (the file from the Keras cache, downloaded when missing) or the path of a Keras
    HDF5 weights file. `input_tensor`, `pooling` (without the classifier: None, 'avg' or
    'max') and `classes` as the other models. The model is named
    ``mobilenet_<alpha>_<rows>``."""
    _base.check_weights(weights, include_top, classes)
    first = K.image_data_format() == 'channels_first'
    default_size = 224
    if input_shape is not None:
        rows, cols = input_shape[1:3] if first else input_shape[:2]
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = _base.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                           data_format=K.image_data_format(),
                                           require_flatten=include_top, weights=weights)
    rows, cols = input_shape[1:3] if first else input_shape[:2]
    path = None
    if weights == 'imagenet':
        if depth_multiplier != 1:
            raise ValueError('If imagenet weights are being loaded, depth multiplier must be 1')
        if alpha not in _ALPHA_TEXT:
            raise ValueError('If imagenet weights are being loaded, alpha can be one of'
                             '`0.25`, `0.50`, `0.75` or `1.0` only.')
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn('`input_shape` is undefined or non-square, or `rows` is not in '
                          '[128, 160, 192, 224]. Weights for input shape (224, 224) will be '
                          'loaded as the default.')
        fname = 'mobilenet_%s_%d_tf%s.h5' % (_ALPHA_TEXT[alpha], rows,
                                             '' if include_top else '_no_top')
        path = _base.imagenet_weights(weights, 'MobileNet', fname, _WEIGHTS + fname)
    img_input = _base.image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                  strides=(stride, stride), block_id=block_id)
    if include_top:
        width = int(1024 * alpha)
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Reshape((width, 1, 1) if first else (1, 1, width), name='reshape_1')(x)
        x = layers.Dropout(dropout, name='dropout')(x)
        x = layers.Conv2D(classes, (1, 1), padding='same', name='conv_preds')(x)
        x = layers.Reshape((classes,), name='reshape_2')(x)
        x = layers.Activation('softmax', name='act_softmax')(x)
    else:
        x = _base.top_pooling(x, pooling)
    return _base.finish('mobilenet_%0.2f_%s' % (alpha, rows), input_tensor, img_input, x,
                        weights, path)
