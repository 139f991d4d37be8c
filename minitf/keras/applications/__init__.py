"""``keras.applications``: the ImageNet architectures of TF 1.15's tf.keras (Keras-Applications
1.0.8): VGG16, VGG19, ResNet50 (also ResNet101/152 in `resnet`), InceptionV3 and MobileNet,
each with its module's `preprocess_input` and `decode_predictions`; weights None, 'imagenet'
(from the Keras cache) or a Keras HDF5 weights file. See docs/keras.md."""

from minitf.keras.applications import (imagenet_utils, inception_v3, mobilenet,  # noqa: F401
                                       resnet, resnet50, vgg16, vgg19)
from minitf.keras.applications.inception_v3 import InceptionV3  # noqa: F401
from minitf.keras.applications.mobilenet import MobileNet  # noqa: F401
from minitf.keras.applications.resnet import ResNet50, ResNet101, ResNet152  # noqa: F401
from minitf.keras.applications.vgg16 import VGG16  # noqa: F401
from minitf.keras.applications.vgg19 import VGG19  # noqa: F401
