"""keras.applications.vgg19: VGG19, VGG16's layout with four convolutions in blocks 3-5."""

from minitf.keras.applications.imagenet_utils import decode_predictions  # noqa: F401
from minitf.keras.applications.vgg16 import _vgg, preprocess_input  # noqa: F401


def VGG19(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
          pooling=None, classes=1000):
    """keras.applications.VGG19 (143,667,240 weights with the classifier at 224x224); the
    arguments are VGG16's."""
    return _vgg('vgg19', (2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape,
               pooling, classes)
