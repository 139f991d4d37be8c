"""``keras.applications``: so far only `imagenet_utils` (``preprocess_input`` and
``decode_predictions``); the model builders (VGG16, ResNet50, InceptionV3, MobileNet) are not in
minitf yet (docs/keras.md)."""

from minitf.keras.applications import imagenet_utils  # noqa: F401
