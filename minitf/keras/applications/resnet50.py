"""keras.applications.resnet50: ResNet50 (the one of keras.applications.resnet, as in TF 1.15)."""

from minitf.keras.applications.imagenet_utils import decode_predictions  # noqa: F401
from minitf.keras.applications.resnet import ResNet50, preprocess_input  # noqa: F401
