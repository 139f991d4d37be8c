"""``keras.applications.imagenet_utils``: `preprocess_input` (Keras's 'caffe', 'tf' and 'torch'
modes) and `decode_predictions` (ImageNet class names from ``imagenet_class_index.json``)."""

import json

import numpy as np

from minitf.keras import data_utils

CLASS_INDEX = None  # {"0": ["n01440764", "tench"], ...}, read on first use
CLASS_INDEX_PATH = ('https://storage.googleapis.com/download.tensorflow.org/data/'
                    'imagenet_class_index.json')
CLASS_INDEX_MD5 = 'c2c37ea517e94d9795004a39431a14cb'
_MODES = {'caffe': ([103.939, 116.779, 123.68], None),
          'torch': ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])}


def preprocess_input(x, data_format=None, mode='caffe'):
    """Scales a batch (or one image) of RGB values in 0..255 as the ImageNet models expect, as
    ``keras.applications.imagenet_utils.preprocess_input``:

    - 'caffe' (VGG16, ResNet50): RGB to BGR, then minus the ImageNet mean per channel;
    - 'tf' (InceptionV3, MobileNet): to [-1, 1] (``x / 127.5 - 1``);
    - 'torch': to [0, 1], minus the mean, divided by the standard deviation per channel.

    A float array is changed in place and returned (as Keras); an integer one is first
    converted to float32. `data_format` 'channels_last' (default) or 'channels_first'."""
    if mode not in ('caffe', 'tf', 'torch'):
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. Received: "
                         "mode=%s" % (mode,))
    data_format = 'channels_last' if data_format is None else data_format
    if data_format not in ('channels_first', 'channels_last'):
        raise ValueError('Unknown data_format %s' % (data_format,))
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype('float32', copy=False)
    if mode == 'tf':
        x /= 127.5
        x -= 1.0
        return x
    if mode == 'torch':
        x /= 255.0
    axis = (0 if x.ndim == 3 else 1) if data_format == 'channels_first' else x.ndim - 1
    if x.shape[axis] != 3:
        raise ValueError('preprocess_input(mode=%r) needs 3 colour channels on axis %d, got '
                         'shape %s' % (mode, axis, x.shape))
    if mode == 'caffe':
        x = np.flip(x, axis)
    mean, std = _MODES[mode]
    shape = [1] * x.ndim
    shape[axis] = 3
    x -= np.asarray(mean, dtype=x.dtype).reshape(shape)
    if std is not None:
        x /= np.asarray(std, dtype=x.dtype).reshape(shape)
    return x


def _class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = data_utils.get_file('imagenet_class_index.json', CLASS_INDEX_PATH,
                                   cache_subdir='models', file_hash=CLASS_INDEX_MD5)
        with open(path, encoding='utf-8') as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """For each row of `preds` (``(samples, 1000)`` ImageNet probabilities), the `top` classes
    as ``(class_id, class_name, score)`` tuples, best first, as Keras's.

    The class names come from ``imagenet_class_index.json``, read from ``<cache>/../models``
    (downloaded there when missing; offline, FileNotFoundError says where to put it)."""
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError('`decode_predictions` expects a batch of predictions (i.e. a 2D array '
                         'of shape (samples, 1000)). Found array with shape: %s'
                         % (preds.shape,))
    index = _class_index()
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results
