"""keras.applications.vgg16: VGG16 (Simonyan & Zisserman, 2014) as Keras-Applications 1.0.8
built it for TF 1.15's tf.keras: five blocks of 3x3 'same' ReLU convolutions
(``block1_conv1``...) each closed by a 2x2 max pool (``block1_pool``), then ``flatten``,
``fc1``, ``fc2`` and the softmax ``predictions``."""

from minitf.keras import layers
from minitf.keras.applications import _base, imagenet_utils
from minitf.keras.applications.imagenet_utils import decode_predictions  # noqa: F401

_WEIGHTS = 'https://github.com/fchollet/deep-learning-models/releases/download/v0.1/'
_FILES = {('vgg16', True): ('vgg16_weights_tf_dim_ordering_tf_kernels.h5',
                            '64373286793e3c8b2b4e3219cbf3544b'),
          ('vgg16', False): ('vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
                             '6d6bbae143d832006294945121d1f1fc'),
          ('vgg19', True): ('vgg19_weights_tf_dim_ordering_tf_kernels.h5',
                            'cbe5617147190e668d6c5d5026f83318'),
          ('vgg19', False): ('vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
                             '253f8cb515780f3b799900260a226db6')}


def preprocess_input(x, data_format=None, mode='caffe'):
    """'caffe' preprocessing (RGB to BGR, minus the ImageNet channel means)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)


def _vgg(model_name, convs_per_block, include_top, weights, input_tensor, input_shape, pooling,
        classes):
    """VGG16 ((2, 2, 3, 3, 3) convolutions per block) or VGG19 ((2, 2, 4, 4, 4))."""
    input_shape = _base.prepare(weights, include_top, classes, input_shape, 224, 32)
    fname, file_hash = _FILES[model_name, bool(include_top)]
    path = _base.imagenet_weights(weights, model_name.upper(), fname, _WEIGHTS + fname,
                                  file_hash)
    img_input = _base.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation='relu', padding='same',
                              name='block%d_conv%d' % (block, i))(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name='block%d_pool' % block)(x)
    if include_top:
        x = layers.Flatten(name='flatten')(x)
        x = layers.Dense(4096, activation='relu', name='fc1')(x)
        x = layers.Dense(4096, activation='relu', name='fc2')(x)
        x = layers.Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _base.top_pooling(x, pooling)
    return _base.finish(model_name, input_tensor, img_input, x, weights, path)


def VGG16(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
          pooling=None, classes=1000):
    return _vgg('vgg16', (2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape,
               pooling, classes)


VGG16.__doc__ = ("keras.applications.VGG16 (138,357,544 weights with the classifier at "
                 "224x224).\n\n    " + _base.ARGUMENTS % {'min': 32, 'size': 224})
