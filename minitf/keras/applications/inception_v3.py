"""keras.applications.inception_v3: Inception v3 (Szegedy et al., 2015) as Keras-Applications
1.0.8 built it for TF 1.15's tf.keras: every convolution is a bias-free Conv2D, a
BatchNormalization without scale and a ReLU, with Keras's automatic names (``conv2d``,
``batch_normalization``, ``activation``, then ``_1``, ``_2``...); the blocks end in the
concatenations ``mixed0``..``mixed10`` (``mixed9_0``/``mixed9_1`` and two unnamed ones inside
the last two); ``avg_pool`` and the softmax ``predictions`` on top. Inputs at least 75x75."""

from minitf.keras import layers
from minitf.keras.applications import _base, imagenet_utils
from minitf.keras.applications.imagenet_utils import decode_predictions  # noqa: F401

_WEIGHTS = 'https://github.com/fchollet/deep-learning-models/releases/download/v0.5/'
_FILES = {True: ('inception_v3_weights_tf_dim_ordering_tf_kernels.h5',
                 '9a0d58056eeedaa3f26cb7ebd46da564'),
          False: ('inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
                  'bcbd6486424b2319ff4ef7d526e38f63')}


def preprocess_input(x, data_format=None, mode='tf'):
    """'tf' preprocessing (to [-1, 1])."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)


def conv2d_bn(x, filters, num_row, num_col, padding='same', strides=(1, 1), name=None):
    """Conv2D (no bias) -> BatchNormalization (no scale) -> ReLU; with a `name`, the three are
    ``name_conv``, ``name_bn`` and ``name``."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else name + '_conv')(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), scale=False,
                                  name=None if name is None else name + '_bn')(x)
    return layers.Activation('relu', name=name)(x)


def _pool_branch(x, filters):
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding='same')(x)
    return conv2d_bn(x, filters, 1, 1)


def _chain(x, specs):
    """conv2d_bn applied in turn: specs are (filters, rows, cols)."""
    for filters, rows, cols in specs:
        x = conv2d_bn(x, filters, rows, cols)
    return x


def _mixed(branches, name):
    return layers.concatenate(branches, axis=_base.channel_axis(), name=name)


def InceptionV3(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    input_shape = _base.prepare(weights, include_top, classes, input_shape, 299, 75)
    fname, file_hash = _FILES[bool(include_top)]
    path = _base.imagenet_weights(weights, 'InceptionV3', fname, _WEIGHTS + fname, file_hash)
    img_input = _base.image_input(input_tensor, input_shape)

    # the stem
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding='valid')
    x = conv2d_bn(x, 32, 3, 3, padding='valid')
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding='valid')
    x = conv2d_bn(x, 192, 3, 3, padding='valid')
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    # mixed0..2: 35x35 blocks (1x1; 1x1 -> 5x5; 1x1 -> 3x3 -> 3x3; pool -> 1x1)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _mixed([conv2d_bn(x, 64, 1, 1),
                    _chain(x, [(48, 1, 1), (64, 5, 5)]),
                    _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3)]),
                    _pool_branch(x, pool_filters)], 'mixed%d' % i)

    # mixed3: to 17x17
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding='valid')
    branch3x3dbl = _chain(x, [(64, 1, 1), (96, 3, 3)])
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding='valid')
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _mixed([branch3x3, branch3x3dbl, branch_pool], 'mixed3')

    # mixed4..7: 17x17 blocks with factorised 7x7 convolutions
    for i, width in zip(range(4, 8), (128, 160, 160, 192)):
        x = _mixed([conv2d_bn(x, 192, 1, 1),
                    _chain(x, [(width, 1, 1), (width, 1, 7), (192, 7, 1)]),
                    _chain(x, [(width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1),
                               (192, 1, 7)]),
                    _pool_branch(x, 192)], 'mixed%d' % i)

    # mixed8: to 8x8
    branch3x3 = conv2d_bn(x, 192, 1, 1)
    branch3x3 = conv2d_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding='valid')
    branch7x7x3 = _chain(x, [(192, 1, 1), (192, 1, 7), (192, 7, 1)])
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding='valid')
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _mixed([branch3x3, branch7x7x3, branch_pool], 'mixed8')

    # mixed9, mixed10: 8x8 blocks with split 1x3 / 3x1 branches
    for i in range(2):
        branch1x1 = conv2d_bn(x, 320, 1, 1)
        branch3x3 = conv2d_bn(x, 384, 1, 1)
        branch3x3 = _mixed([conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)],
                           'mixed9_%d' % i)
        branch3x3dbl = _chain(x, [(448, 1, 1), (384, 3, 3)])
        branch3x3dbl = _mixed([conv2d_bn(branch3x3dbl, 384, 1, 3),
                               conv2d_bn(branch3x3dbl, 384, 3, 1)], None)
        x = _mixed([branch1x1, branch3x3, branch3x3dbl, _pool_branch(x, 192)],
                   'mixed%d' % (9 + i))

    if include_top:
        x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
        x = layers.Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _base.top_pooling(x, pooling)
    return _base.finish('inception_v3', input_tensor, img_input, x, weights, path)


InceptionV3.__doc__ = ("keras.applications.InceptionV3 (23,851,784 weights with the classifier "
                       "at 299x299).\n\n    " + _base.ARGUMENTS % {'min': 75, 'size': 299})
