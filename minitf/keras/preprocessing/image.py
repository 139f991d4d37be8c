"""``keras.preprocessing.image``: `ImageDataGenerator` (random flips, shifts, rotations, shears,
zooms, channel and brightness shifts, rescaling, sample- and feature-wise normalisation, ZCA)
and its `NumpyArrayIterator`, plus the single-image helpers Keras exports.

Random parameters are drawn from numpy's global generator in Keras's order (one image after the
other, the same draws as ``keras.preprocessing.image``), so with the same ``seed`` a batch has
Keras's transforms. The geometry is then applied to the whole batch at once: one sampling grid
per image, bilinear (or nearest) interpolation gathered with numpy, the fill modes of
``scipy.ndimage`` ('nearest', 'constant', 'reflect', 'wrap'). No scipy or PIL needed."""

import warnings

import numpy as np

from minitf.keras.utils import Sequence


_FILL_MODES = ('constant', 'nearest', 'reflect', 'wrap')


def _floatx():
    return 'float32'


def transform_matrix_offset_center(matrix, x, y):
    """`matrix` (3x3) moved so that it acts about the centre of an ``x`` by ``y`` image."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def _transform_matrix(theta=0, tx=0, ty=0, shear=0, zx=1, zy=1):
    """Keras's 3x3 matrix for these parameters (degrees, pixels), None for the identity."""
    m = None

    def then(a, b):
        return b if a is None else a @ b
    if theta != 0:
        t = np.deg2rad(theta)
        m = then(m, np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        m = then(m, np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=np.float64))
    if shear != 0:
        s = np.deg2rad(shear)
        m = then(m, np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        m = then(m, np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]], dtype=np.float64))
    return m


def _sampling_matrix(m, h, w):
    """(2x2, 2) mapping output (row, col) to input (row, col), as Keras hands them to
    ``scipy.ndimage.affine_transform`` (centred with (h, w), then rows and columns swapped)."""
    m = transform_matrix_offset_center(m, h, w)
    m = m[[1, 0, 2]][:, [1, 0, 2]]
    return m[:2, :2], m[:2, 2]


def _fold(c, n, mode):
    """Continuous coordinates `c` folded into [0, n - 1] as scipy.ndimage's `mode` does before
    interpolating: 'reflect' mirrors about -0.5 and n - 0.5 (period 2n); 'wrap' is scipy's
    'wrap', whose first and last samples coincide (period n - 1); 'nearest' and 'constant'
    clamp (for 'constant' the points outside are replaced by cval afterwards)."""
    if mode == 'reflect':
        c = np.mod(c, 2 * n)
        c = np.where(c >= n, 2 * n - 1 - c, c)
    elif mode == 'wrap' and n > 1:
        period = n - 1
        c = np.where(c < 0, c + period * (np.floor(-c / period) + 1),
                     np.where(c > n - 1, c - period * np.floor(c / period), c))
    return np.clip(c, 0, n - 1)


def _affine_batch(x, mats, offsets, fill_mode='nearest', cval=0.0, order=1):
    """Resamples channels-last images `x` (b, h, w, c): output pixel (r, q) of image k reads
    input point ``mats[k] @ (r, q) + offsets[k]``, interpolated (order 1: bilinear, 0: nearest)
    with scipy.ndimage's boundary `fill_mode`. Returns `x`'s float type (float64 for integers)."""
    b, h, w, c = x.shape
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing='ij')
    grid = np.stack([rows.ravel(), cols.ravel()])  # (2, h*w)
    coords = np.einsum('kij,jp->kip', mats, grid) + offsets[:, :, None]  # (b, 2, h*w)
    cr, cc = coords[:, 0], coords[:, 1]
    outside = None
    if fill_mode == 'constant':
        outside = (cr < 0) | (cr > h - 1) | (cc < 0) | (cc > w - 1)
    cr, cc = _fold(cr, h, fill_mode), _fold(cc, w, fill_mode)
    flat = x.reshape(b * h * w, c)
    base = (np.arange(b) * (h * w))[:, None]

    def gather(r, q):  # pixels (r, q) of each image, (b, h*w, c)
        return np.take(flat, (base + r * w + q).ravel(), axis=0).reshape(b, h * w, c)
    if order == 0:
        r = np.minimum(np.floor(cr + 0.5).astype(np.int64), h - 1)
        q = np.minimum(np.floor(cc + 0.5).astype(np.int64), w - 1)
        out = gather(r, q).astype(np.float64 if flat.dtype.kind != 'f' else flat.dtype)
    else:
        r0, q0 = np.floor(cr), np.floor(cc)
        # Blend in the images' float type (float32 unless they are float64): half the memory
        # traffic, and within 1e-4 of scipy's float64 blend on 0..255 values.
        ftype = flat.dtype if np.issubdtype(flat.dtype, np.floating) else np.float64
        fr = (cr - r0).astype(ftype)[..., None]
        fq = (cc - q0).astype(ftype)[..., None]
        ra, qa = r0.astype(np.int64), q0.astype(np.int64)
        rb, qb = np.minimum(ra + 1, h - 1), np.minimum(qa + 1, w - 1)
        out = ((1 - fr) * ((1 - fq) * gather(ra, qa) + fq * gather(ra, qb))
               + fr * ((1 - fq) * gather(rb, qa) + fq * gather(rb, qb)))
    if outside is not None:
        out[outside] = cval
    return out.reshape(b, h, w, c)


def _to_last(x, channel_axis):
    """A (h, w, c) view of a single image whose channel axis is `channel_axis` (0 or 2)."""
    return np.moveaxis(x, channel_axis, -1)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode='nearest', cval=0.0, order=1):
    """Applies Keras's affine transform (rotation `theta` and `shear` in degrees, shift `tx`,
    `ty` in pixels, zoom `zx`, `zy`) to one 3-D image, as
    ``keras.preprocessing.image.apply_affine_transform`` (which calls scipy)."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError('Input arrays must be multi-channel 2D images.')
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct and in "
                         "0..2, got %s" % ((row_axis, col_axis, channel_axis),))
    if channel_axis not in (0, 2):
        raise ValueError('Channels are allowed and the first and last dimensions.')
    if fill_mode not in _FILL_MODES:
        raise ValueError('fill_mode must be one of %s, got %r' % (_FILL_MODES, fill_mode))
    m = _transform_matrix(theta, tx, ty, shear, zx, zy)
    if m is None:
        return x
    last = _to_last(x, channel_axis)
    h, w = x.shape[row_axis], x.shape[col_axis]
    if row_axis > col_axis:
        last = np.swapaxes(last, 0, 1)
    mat, off = _sampling_matrix(m, h, w)
    out = _affine_batch(last[None], mat[None], off[None], fill_mode, cval, order)[0]
    if row_axis > col_axis:
        out = np.swapaxes(out, 0, 1)
    return np.moveaxis(out.astype(x.dtype), -1, channel_axis)


def flip_axis(x, axis):
    """`x` reversed along `axis` (a copy)."""
    return np.asarray(x).swapaxes(axis, 0)[::-1, ...].swapaxes(0, axis).copy()


def apply_channel_shift(x, intensity, channel_axis=0):
    """Adds `intensity` to every channel, clipped to the image's own [min, max]."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x)).astype(x.dtype)


def _brightness_last(x, brightness):
    """PIL's ImageEnhance.Brightness as Keras applies it (through an 8-bit image), for
    channels-last images (b, h, w, c) with c in 1, 3, 4; per image."""
    out = np.empty(x.shape, dtype=np.float64)
    for k in range(x.shape[0]):
        img = x[k].astype(np.float64)
        lo, hi = img.min(), img.max()
        rescale = lo < 0 or hi > 255
        if rescale:
            img = img - lo
            if img.max() != 0:
                img = img / img.max()
            img = img * 255
        if img.shape[-1] not in (1, 3, 4):
            raise ValueError('brightness_range needs images with 1, 3 or 4 channels, got %d'
                             % img.shape[-1])
        u8 = img.astype(np.uint8).astype(np.float64)
        res = np.clip(np.trunc(u8 * brightness[k]), 0, 255)
        if img.shape[-1] == 4:
            res[..., 3] = u8[..., 3]
        if rescale:
            res = res / 255 * (hi - lo) + lo
        out[k] = res
    return out


class ImageDataGenerator:
    """Real-time augmentation and normalisation of image batches, as
    ``keras.preprocessing.image.ImageDataGenerator`` (same arguments and defaults).

    ``flow(x, y)`` returns a `NumpyArrayIterator` over random transforms of `x`; ``fit(x)``
    computes the statistics the feature-wise options and ZCA need. Shifts given as floats < 1
    are fractions of the image size, else pixels (a list: one of its values, either sign).
    ``zoom_range`` z means [1 - z, 1 + z]. ``data_format`` defaults to 'channels_last'.
    Not supported: ``flow_from_directory`` / ``flow_from_dataframe`` and ``save_to_dir`` (they
    need an image-file library)."""

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode='nearest', cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None):
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        if fill_mode not in _FILL_MODES:
            raise ValueError('fill_mode must be one of %s, got %r' % (_FILL_MODES, fill_mode))
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        if interpolation_order not in (0, 1):
            raise ValueError('interpolation_order must be 0 (nearest) or 1 (bilinear), got %r'
                             % (interpolation_order,))
        self.interpolation_order = interpolation_order
        self.dtype = _floatx() if dtype is None else dtype
        data_format = 'channels_last' if data_format is None else data_format
        if data_format not in ('channels_last', 'channels_first'):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and '
                             'column) or `"channels_first"` (channel before row and column). '
                             'Received: %s' % (data_format,))
        self.data_format = data_format
        if data_format == 'channels_first':
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if not 0 <= validation_split < 1:
            raise ValueError('`validation_split` must be strictly between 0 and 1. Received: %s'
                             % (validation_split,))
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None
        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError('`zoom_range` should be a float or a tuple or list of two floats. '
                             'Received: %s' % (zoom_range,))
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn('This ImageDataGenerator specifies `zca_whitening`, which '
                              'overrides setting of `featurewise_center`.')
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn('This ImageDataGenerator specifies `zca_whitening` which overrides '
                              'setting of`featurewise_std_normalization`.')
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn('This ImageDataGenerator specifies `featurewise_std_normalization`, '
                          'which overrides setting of `featurewise_center`.')
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn('This ImageDataGenerator specifies `samplewise_std_normalization`, '
                          'which overrides setting of `samplewise_center`.')
        if brightness_range is not None:
            if not isinstance(brightness_range, (tuple, list, np.ndarray)) or len(
                    brightness_range) != 2:
                raise ValueError('`brightness_range should be tuple or list of two floats. '
                                 'Received: %s' % (brightness_range,))
        self.brightness_range = brightness_range

    # -- random parameters -------------------------------------------------------------------
    @staticmethod
    def _shift(spec, size):
        try:
            t = np.random.choice(spec)
            t *= np.random.choice([-1, 1])
        except ValueError:  # a float: numpy refuses to choose from a scalar
            t = np.random.uniform(-spec, spec)
        if np.max(spec) < 1:
            t *= size
        return t

    def get_random_transform(self, img_shape, seed=None):
        """A dict of random parameters for one image of shape `img_shape` (no batch axis), drawn
        from numpy's global generator in Keras's order (`seed` reseeds it first)."""
        row, col = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) \
            if self.rotation_range else 0
        tx = self._shift(self.height_shift_range, img_shape[row]) \
            if self.height_shift_range else 0
        ty = self._shift(self.width_shift_range, img_shape[col]) \
            if self.width_shift_range else 0
        shear = np.random.uniform(-self.shear_range, self.shear_range) \
            if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {'theta': theta, 'tx': tx, 'ty': ty, 'shear': shear, 'zx': zx, 'zy': zy,
                'flip_horizontal': flip_horizontal, 'flip_vertical': flip_vertical,
                'channel_shift_intensity': channel_shift_intensity, 'brightness': brightness}

    # -- applying them -----------------------------------------------------------------------
    def _last(self, xb):
        return np.moveaxis(xb, 1, -1) if self.data_format == 'channels_first' else xb

    def _back(self, xb):
        return np.moveaxis(xb, -1, 1) if self.data_format == 'channels_first' else xb

    def _apply_batch(self, xb, params):
        """`params[k]` applied to image k of the batch `xb` (same dtype out), vectorised."""
        last = self._last(np.asarray(xb))
        dtype = last.dtype
        out = last.astype(dtype if np.issubdtype(dtype, np.floating) else np.float64)
        b, h, w = last.shape[:3]
        mats, offs, moved = [], [], []
        for k, p in enumerate(params):
            m = _transform_matrix(p.get('theta', 0), p.get('tx', 0), p.get('ty', 0),
                                  p.get('shear', 0), p.get('zx', 1), p.get('zy', 1))
            if m is not None:
                mat, off = _sampling_matrix(m, h, w)
                mats.append(mat)
                offs.append(off)
                moved.append(k)
        if moved:
            # Keras resamples in the images' own dtype: cast before the later steps see it.
            out[moved] = _affine_batch(last[moved], np.stack(mats), np.stack(offs),
                                       self.fill_mode, self.cval,
                                       self.interpolation_order).astype(dtype)
        shifts = [(k, p['channel_shift_intensity']) for k, p in enumerate(params)
                  if p.get('channel_shift_intensity') is not None]
        for k, s in shifts:
            img = out[k].astype(dtype)
            out[k] = np.clip(img + s, img.min(), img.max()).astype(dtype)
        hflip = np.array([bool(p.get('flip_horizontal', False)) for p in params], dtype=bool)
        vflip = np.array([bool(p.get('flip_vertical', False)) for p in params], dtype=bool)
        out[hflip] = out[hflip][:, :, ::-1]
        out[vflip] = out[vflip][:, ::-1]
        bright = [k for k, p in enumerate(params) if p.get('brightness') is not None]
        if bright:
            out[bright] = _brightness_last(out[bright].astype(dtype),
                                           [params[k]['brightness'] for k in bright])
        return self._back(out.astype(dtype))

    def apply_transform(self, x, transform_parameters):
        """One image `x` (no batch axis) transformed by the dict `transform_parameters` (keys
        as `get_random_transform` returns; missing ones mean no change)."""
        return self._apply_batch(np.asarray(x)[None], [transform_parameters])[0]

    def random_transform(self, x, seed=None):
        """One image `x` with a random transform (numpy's global generator; `seed` reseeds)."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    def _standardize(self, x, sample_axes):
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, axis=sample_axes, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, axis=sample_axes, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                warnings.warn('This ImageDataGenerator specifies `featurewise_center`, but it '
                              "hasn't been fit on any training data. Fit it first by calling "
                              '`.fit(numpy_data)`.')
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                warnings.warn('This ImageDataGenerator specifies '
                              "`featurewise_std_normalization`, but it hasn't been fit on any "
                              'training data. Fit it first by calling `.fit(numpy_data)`.')
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat = x.reshape(-1, int(np.prod(x.shape[-3:])))
                x = (flat @ self.zca_whitening_matrix).reshape(x.shape)
            else:
                warnings.warn('This ImageDataGenerator specifies `zca_whitening`, but it '
                              "hasn't been fit on any training data. Fit it first by calling "
                              '`.fit(numpy_data)`.')
        return x

    def standardize(self, x):
        """Applies the normalisation options to `x` (an image or a batch, as Keras: sample-wise
        statistics are taken over the whole array given). Returns a new array."""
        return self._standardize(np.array(x, dtype=self.dtype), None)

    def _standardize_batch(self, xb):
        if self.preprocessing_function:
            f, self.preprocessing_function = self.preprocessing_function, None
            try:
                xb = np.stack([np.asarray(f(img), dtype=self.dtype) for img in xb])
                return self._standardize(xb, (1, 2, 3))
            finally:
                self.preprocessing_function = f
        return self._standardize(xb, (1, 2, 3))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the mean, std and ZCA matrix of the sample data `x` (rank 4) that
        `featurewise_center`, `featurewise_std_normalization` and `zca_whitening` use (after
        `rescale`; with `augment`, over `rounds` random transforms of `x`)."""
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError('Input to `.fit()` should have rank 4. Got array with shape: %s'
                             % (x.shape,))
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn('Expected input to be images (as Numpy array) following the data '
                          'format convention "%s" (channels on axis %d), i.e. expected either 1, '
                          '3 or 4 channels on axis %d. However, it was passed an array with '
                          'shape %s (%d channels).' % (self.data_format, self.channel_axis,
                                                       self.channel_axis, x.shape,
                                                       x.shape[self.channel_axis]))
        if seed is not None:
            np.random.seed(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            parts = []
            for _ in range(rounds):
                params = [self.get_random_transform(img.shape) for img in x]
                parts.append(self._apply_batch(x, params))
            x = np.concatenate(parts).astype(self.dtype)
        axes = (0, self.row_axis, self.col_axis)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.mean(x, axis=axes).reshape(shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=axes).reshape(shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            u, s, _ = np.linalg.svd(x.reshape(n, -1).T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv) @ u.T

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix='', save_format='png', ignore_class_split=False,
             subset=None):
        """A `NumpyArrayIterator` yielding ``(x_batch, y_batch)`` (``x_batch`` alone without
        `y`; ``sample_weight`` appended when given) of randomly transformed, standardised
        images. `x` is rank 4 (or ``(x, extra)``, extra arrays passed through unchanged);
        `subset` 'training' / 'validation' takes the part `validation_split` defines."""
        if save_to_dir is not None:
            raise ValueError('save_to_dir is not supported by minitf (it needs an image-file '
                             'library); save the arrays yourself')
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format,
                                  ignore_class_split=ignore_class_split, subset=subset,
                                  dtype=self.dtype)

    def flow_from_directory(self, *args, **kwargs):
        raise NotImplementedError('flow_from_directory is not supported by minitf (it needs an '
                                  'image-file library): load the images into an array and use '
                                  'flow()')


class NumpyArrayIterator(Sequence):
    """Batches of transformed images from arrays (what ``ImageDataGenerator.flow`` returns), as
    Keras's: indexable (``it[i]``, ``len(it)``) and an endless iterator (``next(it)``). With a
    `seed`, numpy's global generator is reseeded with ``seed + batches_seen`` before each batch,
    as Keras does, so the batches repeat from run to run."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix='', save_format='png', subset=None, ignore_class_split=False,
                 dtype=None):
        self.dtype = _floatx() if dtype is None else dtype
        if isinstance(x, (tuple, list)):
            misc = x[1] if isinstance(x[1], list) else [x[1]]
            x_misc = [np.asarray(m) for m in misc]
            x = x[0]
            for m in x_misc:
                if len(x) != len(m):
                    raise ValueError('All of the arrays in `x` should have the same length. '
                                     'Found a pair with: len(x[0]) = %s, len(x[?]) = %s'
                                     % (len(x), len(m)))
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError('`x` (images tensor) and `y` (labels) should have the same length. '
                             'Found: x.shape = %s, y.shape = %s'
                             % (np.asarray(x).shape, np.asarray(y).shape))
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError('`x` (images tensor) and `sample_weight` should have the same '
                             'length. Found: x.shape = %s, sample_weight.shape = %s'
                             % (np.asarray(x).shape, np.asarray(sample_weight).shape))
        if subset is not None:
            if subset not in ('training', 'validation'):
                raise ValueError('Invalid subset name: %s; expected "training" or "validation".'
                                 % (subset,))
            split = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split and not np.array_equal(
                    np.unique(y[:split]), np.unique(y[split:]))):
                raise ValueError('Training and validation subsets have different number of '
                                 'classes after the split. If your numpy arrays are sorted by '
                                 'the label, you might want to shuffle them.')
            part = slice(None, split) if subset == 'validation' else slice(split, None)
            x = x[part]
            x_misc = [np.asarray(m[part]) for m in x_misc]
            if y is not None:
                y = y[part]
            if sample_weight is not None:
                sample_weight = sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError('Input data in `NumpyArrayIterator` should have rank 4. You passed '
                             'an array with shape %s' % (self.x.shape,))
        channel_axis = 3 if (data_format or 'channels_last') == 'channels_last' else 1
        if self.x.shape[channel_axis] not in (1, 3, 4):
            warnings.warn('NumpyArrayIterator is set to use the data format convention "%s" '
                          '(channels on axis %d), i.e. expected either 1, 3, or 4 channels on '
                          'axis %d. However, it was passed an array with shape %s (%d channels).'
                          % (data_format, channel_axis, channel_axis, self.x.shape,
                             self.x.shape[channel_axis]))
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.n = len(self.x)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.index_array = None

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError('Asked to retrieve element {idx}, but the Sequence has length '
                             '{length}'.format(idx=idx, length=len(self)))
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        return self._batch(self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)])

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch (endless: reshuffles after each pass when `shuffle`)."""
        if self.n == 0:
            raise ValueError('NumpyArrayIterator has no images to iterate over')
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        if self.batch_index == 0:
            self._set_index_array()
        current = (self.batch_index * self.batch_size) % self.n
        if self.n > current + self.batch_size:
            self.batch_index += 1
        else:
            self.batch_index = 0
        self.total_batches_seen += 1
        return self._batch(self.index_array[current:current + self.batch_size])

    def _batch(self, index_array):
        gen = self.image_data_generator
        xb = self.x[index_array]
        params = [gen.get_random_transform(img.shape) for img in xb]
        xb = gen._standardize_batch(gen._apply_batch(xb, params).astype(self.dtype))
        batch_x = xb.astype(self.dtype, copy=False)
        miscs = [m[index_array] for m in self.x_misc]
        output = (batch_x if not miscs else [batch_x] + miscs,)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output
