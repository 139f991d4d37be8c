"""Recorder for tests/test_keras_extras.py: runs keras.utils / datasets.imdb / preprocessing
cases in real tf-keras and saves the results to tests/fixtures/keras_extras_recorded.npz.

Run in the TF venv (it needs tf_keras, scipy and Pillow, never installed with minitf):
    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras_extras_programs.py
The inputs are built by the functions below, which the test imports too."""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fixtures', 'keras_extras_recorded.npz')

TEXTS = ['The cat sat on the mat.', 'The dog ate my homework!', 'Cat and dog: friends?',
         'A mat, a cat, a hat.', '']
PAD_CASES = [dict(), dict(maxlen=3), dict(maxlen=3, padding='post'),
             dict(maxlen=3, truncating='post'), dict(maxlen=6, padding='post', truncating='post',
                                                      value=-1),
             dict(maxlen=4, dtype='float32', value=0.5)]
AFFINE_CASES = [dict(theta=20), dict(tx=1.5, ty=-2.25), dict(shear=15), dict(zx=0.8, zy=1.3),
                dict(theta=-35, tx=0.7, ty=1.1, shear=5, zx=1.1, zy=0.9)]
GENERATOR_CASES = [
    dict(rotation_range=30, width_shift_range=0.2, height_shift_range=0.1, zoom_range=0.2,
         horizontal_flip=True, vertical_flip=True, rescale=1 / 255.),
    dict(shear_range=20, width_shift_range=[-2, 1, 3], height_shift_range=2,
         channel_shift_range=30.0, fill_mode='reflect', samplewise_center=True,
         samplewise_std_normalization=True),
    dict(rotation_range=90, zoom_range=[0.5, 1.0], fill_mode='constant', cval=7.0,
         interpolation_order=0),
    dict(rotation_range=45, fill_mode='wrap', horizontal_flip=True),
    dict(brightness_range=(0.5, 1.5), width_shift_range=0.3),
]


def sequences():
    return [[1, 2, 3, 4, 5], [6, 7], [], [8], [9, 10, 11]]


def images(n=6, h=7, w=9, c=3, seed=0):
    return np.random.RandomState(seed).randint(0, 256, (n, h, w, c)).astype(np.float32)


def imdb_arrays():
    """A small stand-in for imdb.npz: object arrays of word-index lists and 0/1 labels."""
    rng = np.random.RandomState(5)

    def reviews(n):
        out = np.empty(n, dtype=object)
        out[:] = [list(map(int, rng.randint(1, 40, rng.randint(1, 12)))) for _ in range(n)]
        return out
    return dict(x_train=reviews(12), y_train=rng.randint(0, 2, 12).astype(np.int64),
                x_test=reviews(9), y_test=rng.randint(0, 2, 9).astype(np.int64))


def class_index():
    return {str(i): ['n%08d' % i, 'class_%d' % i] for i in range(1000)}


def predictions():
    return np.random.RandomState(9).dirichlet(np.ones(1000), size=2).astype(np.float32)


IMDB_CASES = [dict(), dict(num_words=20), dict(num_words=25, skip_top=3, maxlen=9),
              dict(oov_char=None, num_words=15, start_char=None, index_from=2), dict(seed=7)]


def main():
    import tempfile

    import tf_keras as keras
    from tf_keras.src.datasets import imdb as kimdb
    from tf_keras.preprocessing import image, sequence, text

    rec = {}
    labels = [np.array([0, 2, 1, 3]), np.array([[1], [0], [4]]), np.array([[0, 1], [2, 2]])]
    for i, y in enumerate(labels):
        rec['to_categorical_%d' % i] = keras.utils.to_categorical(y)
    rec['to_categorical_nc'] = keras.utils.to_categorical([1, 0], num_classes=4, dtype='int32')
    x = np.random.RandomState(1).randn(4, 5)
    x[2] = 0
    for axis in (0, -1):
        for order in (1, 2):
            rec['normalize_%d_%d' % (axis, order)] = keras.utils.normalize(x, axis, order)
    seq = sequences()
    for i, kw in enumerate(PAD_CASES):
        rec['pad_%d' % i] = sequence.pad_sequences(seq, **kw)
    rec['pad_2d'] = sequence.pad_sequences([np.ones((2, 3)), np.arange(12).reshape(4, 3)],
                                           maxlen=3, padding='post')
    tok_out = {}
    for name, kw in (('plain', {}), ('oov', dict(num_words=5, oov_token='<unk>'))):
        tok = text.Tokenizer(**kw)
        tok.fit_on_texts(TEXTS)
        seqs = tok.texts_to_sequences(TEXTS + ['the bird sat'])
        tok_out[name] = dict(word_index=tok.word_index, sequences=seqs,
                             texts=tok.sequences_to_texts(seqs),
                             word_docs=dict(tok.word_docs))
        for mode in ('binary', 'count', 'freq', 'tfidf'):
            rec['tok_%s_%s' % (name, mode)] = tok.texts_to_matrix(TEXTS, mode=mode)
    tok = text.Tokenizer(char_level=True)
    tok.fit_on_texts(['abca', 'Bd'])
    tok_out['char'] = dict(word_index=tok.word_index, sequences=tok.texts_to_sequences(['dcba']))
    tok_out['words'] = text.text_to_word_sequence('Hello, World!  foo-bar')
    rec['tokenizer_json'] = np.array(json.dumps(tok_out))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'imdb.npz')
        np.savez(path, **imdb_arrays())
        kimdb.get_file = lambda *a, **k: path
        for i, kw in enumerate(IMDB_CASES):
            (xa, ya), (xb, yb) = kimdb.load_data(**kw)
            rec['imdb_%d' % i] = np.array(json.dumps([[list(map(int, s)) for s in xa],
                                                      ya.tolist(), [list(map(int, s))
                                                                    for s in xb], yb.tolist()]))

    img = images()[0]
    for mode in ('nearest', 'constant', 'reflect', 'wrap'):
        for order in (0, 1):
            for i, kw in enumerate(AFFINE_CASES):
                rec['affine_%s_%d_%d' % (mode, order, i)] = image.apply_affine_transform(
                    img, row_axis=0, col_axis=1, channel_axis=2, fill_mode=mode, cval=3.0,
                    order=order, **kw)
    gen = image.ImageDataGenerator(data_format='channels_first', rotation_range=10)
    rec['affine_channels_first'] = gen.apply_transform(img.transpose(2, 0, 1),
                                                       dict(theta=25, tx=1, zy=1.2))
    x = images()
    for i, kw in enumerate(GENERATOR_CASES):
        gen = image.ImageDataGenerator(**kw)
        it = gen.flow(x, np.arange(len(x)), batch_size=4, seed=11)
        for b in range(3):
            xb, yb = next(it)
            rec['flow_%d_%d_x' % (i, b)] = xb
            rec['flow_%d_%d_y' % (i, b)] = yb
        rec['flow_%d_item1' % i] = it[1][0]
        params = gen.get_random_transform(x.shape[1:], seed=3)
        rec['params_%d' % i] = np.array(json.dumps({k: (None if v is None else float(v))
                                                    for k, v in params.items()}))
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                   rescale=0.5)
    gen.fit(x)
    rec['fit_mean'], rec['fit_std'] = gen.mean, gen.std
    rec['fit_flow'] = next(gen.flow(x, batch_size=3, shuffle=False))
    gen = image.ImageDataGenerator(zca_whitening=True)
    gen.fit(x[:, :3, :3, :1])
    rec['zca_matrix'] = gen.zca_whitening_matrix
    rec['zca_flow'] = next(gen.flow(x[:, :3, :3, :1], batch_size=6, shuffle=False))
    gen = image.ImageDataGenerator(featurewise_center=True, rotation_range=40)
    gen.fit(x, augment=True, rounds=2, seed=4)
    rec['fit_augment_mean'] = gen.mean

    from tf_keras.src.applications import imagenet_utils
    for mode in ('caffe', 'tf', 'torch'):
        rec['pre_%s_last' % mode] = imagenet_utils.preprocess_input(images(2, 4, 5), mode=mode)
        rec['pre_%s_first' % mode] = imagenet_utils.preprocess_input(
            images(2, 4, 5).transpose(0, 3, 1, 2).copy(), data_format='channels_first', mode=mode)
        rec['pre_%s_one' % mode] = imagenet_utils.preprocess_input(
            images(1, 4, 5)[0].transpose(2, 0, 1).copy(), data_format='channels_first', mode=mode)
    rec['pre_uint8'] = imagenet_utils.preprocess_input(images(2, 3, 3).astype(np.uint8))
    imagenet_utils.CLASS_INDEX = class_index()
    decoded = imagenet_utils.decode_predictions(predictions(), top=3)
    rec['decoded'] = np.array(json.dumps([[[a, b, float(c)] for a, b, c in row]
                                          for row in decoded]))
    np.savez_compressed(OUT, **rec)
    print('wrote', OUT, len(rec), 'arrays')


if __name__ == '__main__':
    main()
