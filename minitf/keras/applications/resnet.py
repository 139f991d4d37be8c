"""keras.applications.resnet: ResNet50/101/152 v1 (He et al., 2015) as TF 1.15's tf.keras built
them (Keras-Applications 1.0.8's resnet_common): ``conv1_pad``/``conv1_conv``/``conv1_bn``/
``conv1_relu``, ``pool1_pad``/``pool1_pool``, then stacks ``conv2``..``conv5`` of bottleneck
blocks (``conv2_block1_0_conv`` the projection shortcut, ``_1_``/``_2_``/``_3_`` the 1x1, 3x3,
1x1 convolutions with their ``_bn`` and ``_relu``, ``_add``, ``_out``), ``avg_pool`` and the
softmax ``probs``. Convolutions have biases; batch norms use epsilon 1.001e-5."""

from minitf.keras import layers
from minitf.keras.applications import _base, imagenet_utils
from minitf.keras.applications.imagenet_utils import decode_predictions  # noqa: F401

_WEIGHTS = 'https://github.com/keras-team/keras-applications/releases/download/resnet/'
_HASHES = {'resnet50': ('2cb95161c43110f7111970584f804107', '4d473c1dd8becc155b73f8504c6f6626'),
           'resnet101': ('f1aeb4b969a6efcfb50fad2f0c20cfc5', '88cf7a10940856eca736dc7b7e228a21'),
           'resnet152': ('100835be76be38e30d865e96f2aaae62', 'ee4c566cf9a93f14d82f913c2dc6dd0c')}
_BN_EPSILON = 1.001e-5


def preprocess_input(x, data_format=None, mode='caffe'):
    """'caffe' preprocessing (RGB to BGR, minus the ImageNet channel means)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)


def _bn(x, name):
    return layers.BatchNormalization(axis=_base.channel_axis(), epsilon=_BN_EPSILON,
                                     name=name)(x)


def _block(x, filters, stride, projection, name):
    """One bottleneck block: 1x1 (stride), 3x3, 1x1 (4 * filters) plus the shortcut (a strided
    1x1 projection in a stack's first block, else the input)."""
    if projection:
        shortcut = _bn(layers.Conv2D(4 * filters, 1, strides=stride, name=name + '_0_conv')(x),
                       name + '_0_bn')
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + '_1_conv')(x)
    x = layers.Activation('relu', name=name + '_1_relu')(_bn(x, name + '_1_bn'))
    x = layers.Conv2D(filters, 3, padding='SAME', name=name + '_2_conv')(x)
    x = layers.Activation('relu', name=name + '_2_relu')(_bn(x, name + '_2_bn'))
    x = _bn(layers.Conv2D(4 * filters, 1, name=name + '_3_conv')(x), name + '_3_bn')
    x = layers.Add(name=name + '_add')([shortcut, x])
    return layers.Activation('relu', name=name + '_out')(x)


def _resnet(model_name, blocks, include_top, weights, input_tensor, input_shape, pooling,
           classes):
    """ResNet v1 with `blocks` bottleneck blocks in stacks conv2..conv5 (64, 128, 256, 512
    filters; the first stack keeps the resolution, the others halve it)."""
    input_shape = _base.prepare(weights, include_top, classes, input_shape, 224, 32)
    fname = model_name + ('_weights_tf_dim_ordering_tf_kernels.h5' if include_top
                          else '_weights_tf_dim_ordering_tf_kernels_notop.h5')
    path = _base.imagenet_weights(weights, 'ResNet' + model_name[6:], fname, _WEIGHTS + fname,
                                  _HASHES[model_name][0 if include_top else 1])
    img_input = _base.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name='conv1_pad')(img_input)
    x = _bn(layers.Conv2D(64, 7, strides=2, name='conv1_conv')(x), 'conv1_bn')
    x = layers.Activation('relu', name='conv1_relu')(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name='pool1_pad')(x)
    x = layers.MaxPooling2D(3, strides=2, name='pool1_pool')(x)
    for stack, (filters, count) in enumerate(zip((64, 128, 256, 512), blocks), 2):
        for i in range(1, count + 1):
            x = _block(x, filters, stride=1 if i > 1 or stack == 2 else 2, projection=i == 1,
                       name='conv%d_block%d' % (stack, i))
    if include_top:
        x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
        x = layers.Dense(classes, activation='softmax', name='probs')(x)
    else:
        x = _base.top_pooling(x, pooling, 'avg_pool', 'max_pool')
    return _base.finish(model_name, input_tensor, img_input, x, weights, path)


_DOC = """keras.applications.%s: ResNet v1 with %s bottleneck blocks per stack
    (%s weights with the classifier at 224x224).

    """
_ARGUMENTS = _base.ARGUMENTS % {"min": 32, "size": 224}


def ResNet50(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    return _resnet('resnet50', (3, 4, 6, 3), include_top, weights, input_tensor, input_shape,
                  pooling, classes)


def ResNet101(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
              pooling=None, classes=1000):
    return _resnet('resnet101', (3, 4, 23, 3), include_top, weights, input_tensor, input_shape,
                  pooling, classes)


def ResNet152(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
              pooling=None, classes=1000):
    return _resnet('resnet152', (3, 8, 36, 3), include_top, weights, input_tensor, input_shape,
                  pooling, classes)


ResNet50.__doc__ = _DOC % ('ResNet50', '(3, 4, 6, 3)', '25,636,712') + _ARGUMENTS
ResNet101.__doc__ = _DOC % ('ResNet101', '(3, 4, 23, 3)', '44,707,176') + _ARGUMENTS
ResNet152.__doc__ = _DOC % ('ResNet152', '(3, 8, 36, 3)', '60,419,944') + _ARGUMENTS
