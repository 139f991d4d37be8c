"""``keras.preprocessing.sequence``: `pad_sequences`."""

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.0):
    """Pads (or truncates) a list of sequences to one length, as
    ``keras.preprocessing.sequence.pad_sequences``.

    Returns an array of `dtype` with shape ``(len(sequences), maxlen) + item_shape``
    (`item_shape` is the shape of one step, () for numbers). `maxlen` defaults to the longest
    sequence. Shorter sequences are filled with `value` before (``padding='pre'``) or after
    (``'post'``) their items; longer ones lose their first (``truncating='pre'``) or last
    (``'post'``) items. Raises ValueError for an unknown padding/truncating, a non-iterable
    item, steps of different shapes, or a string `value` with a numeric `dtype`."""
    if not hasattr(sequences, '__len__'):
        raise ValueError('`sequences` must be iterable.')
    if padding not in ('pre', 'post'):
        raise ValueError('Padding type "%s" not understood' % padding)
    if truncating not in ('pre', 'post'):
        raise ValueError('Truncating type "%s" not understood' % truncating)
    lengths, item_shape = [], None
    for s in sequences:
        try:
            lengths.append(len(s))
        except TypeError as e:
            raise ValueError('`sequences` must be a list of iterables. Found non-iterable: %r'
                             % (s,)) from e
        if item_shape is None and len(s):
            item_shape = np.asarray(s).shape[1:]
    item_shape = item_shape or ()
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    maxlen = int(maxlen)
    is_str = np.issubdtype(np.dtype(dtype), np.str_)
    if isinstance(value, str) and np.dtype(dtype) != object and not is_str:
        raise ValueError('`dtype` %s is not compatible with `value`\'s type: %s\nYou should set '
                         '`dtype=object` for variable length strings.' % (dtype, type(value)))
    out = np.full((len(lengths), maxlen) + tuple(item_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for i, s in enumerate(sequences):
        if not len(s):
            continue
        kept = s[-maxlen:] if truncating == 'pre' else s[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(item_shape):
            raise ValueError('Shape of sample %s of sequence at position %d is different from '
                             'expected shape %s' % (kept.shape[1:], i, tuple(item_shape)))
        if padding == 'post':
            out[i, :len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out
