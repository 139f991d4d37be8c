"""``keras.preprocessing``: `image.ImageDataGenerator` (augmentation), `sequence.pad_sequences`
and `text.Tokenizer` (docs/keras.md)."""

from minitf.keras.preprocessing import image, sequence, text  # noqa: F401
