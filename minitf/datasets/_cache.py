"""The dataset cache: where files live (~/.minitf/datasets or $MINITF_DATA), fetching them with a
progress bar and an MD5 check, and reading IDX files (MNIST's format)."""

import gzip
import hashlib
import os
import shutil
import sys
import tempfile
import urllib.request

import numpy as np

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype('>i2'), 0x0C: np.dtype('>i4'),
               0x0D: np.dtype('>f4'), 0x0E: np.dtype('>f8')}


def cache_dir():
    """The folder datasets are cached in: ``$MINITF_DATA`` when set, else ``~/.minitf/datasets``."""
    return os.environ.get('MINITF_DATA') or os.path.join(os.path.expanduser('~'), '.minitf',
                                                         'datasets')


def file_hash(path, algorithm='md5'):
    """The hex digest of the file at `path` with hashlib's `algorithm` ('md5', 'sha256', ...)."""
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def md5sum(path):
    return file_hash(path, 'md5')


def _progress(name, done, total, out):
    if total:
        frac = done / total
        bar = '#' * int(30 * frac)
        out.write('\r%s [%-30s] %3d%% %.1f/%.1f MB' % (name, bar, 100 * frac, done / 1e6,
                                                       total / 1e6))
    else:
        out.write('\r%s %.1f MB' % (name, done / 1e6))
    out.flush()


def download(url, dest, md5, timeout=30, out=None, algorithm='md5'):
    """Downloads `url` to `dest` showing a progress bar on `out` (stderr), and checks its hash
    (`md5`: the expected hex digest with `algorithm`, MD5 unless said otherwise; None: no check).

    The file is written next to `dest` under a temporary name and renamed only once complete and
    verified, so an interrupted download never leaves a truncated file in the cache. Raises
    OSError (the network error) or ValueError (checksum mismatch, the partial file removed)."""
    out = sys.stderr if out is None else out
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(dest)
    fd, tmp = tempfile.mkstemp(prefix=name + '.', suffix='.part', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f, urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get('Content-Length') or 0)
            done = 0
            for block in iter(lambda: response.read(1 << 16), b''):
                f.write(block)
                done += len(block)
                _progress(name, done, total, out)
        out.write('\n')
        if md5 is not None:
            actual = file_hash(tmp, algorithm)
            if actual != md5:
                raise ValueError('%s downloaded from %s has %s %s, expected %s: the file is '
                                 'corrupt or not the expected one; it was not kept.'
                                 % (name, url, algorithm.upper(), actual, md5))
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def fetch(dataset, files, base_url, path=None, download_missing=True):
    """The folder holding every file of `files` ({filename: md5}) for `dataset`.

    Looks in `path` when given, else in ``cache_dir()/dataset``; downloads missing files from
    `base_url` into that folder when `download_missing`. When a file can be neither found nor
    downloaded, raises FileNotFoundError saying where to put it and where to get it."""
    folder = path if path is not None else os.path.join(cache_dir(), dataset)
    missing = [name for name in files if not os.path.exists(os.path.join(folder, name))]
    errors = []
    if missing and download_missing:
        for name in missing:
            try:
                download(base_url + name, os.path.join(folder, name), files[name])
            except (OSError, ValueError) as e:
                errors.append('%s: %s' % (name, e))
        missing = [name for name in files if not os.path.exists(os.path.join(folder, name))]
    if missing:
        raise FileNotFoundError(
            'The %s data set is not in %s (missing: %s)%s. Download %s from %s and put %s in '
            'that folder (or set $MINITF_DATA to a folder holding a %s/ subfolder with them, or '
            'pass path=).' % (
                dataset, os.path.abspath(folder), ', '.join(missing),
                ' and could not be downloaded (%s)' % '; '.join(errors) if errors else '',
                'them' if len(missing) > 1 else 'it', base_url,
                'them' if len(missing) > 1 else 'it', dataset))
    return folder


def read_idx(path):
    """Reads an IDX file (gzip-compressed when its name ends in .gz) into a numpy array."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError('%s is not an IDX file (bad magic number %r)' % (path, data[:4]))
    dtype, ndim = np.dtype(_IDX_DTYPES[data[2]]), data[3]
    dims = tuple(int(d) for d in np.frombuffer(data, '>u4', count=ndim, offset=4))
    offset = 4 + 4 * ndim
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(data) - offset != expected:
        raise ValueError('%s: header says %s (%d bytes of data) but the file has %d bytes of data'
                         % (path, dims, expected, len(data) - offset))
    return np.frombuffer(data, dtype, offset=offset).reshape(dims).astype(dtype.newbyteorder('='))


def copy_into_cache(src, dataset, name=None):
    """Copies a file you already have into the cache folder of `dataset` (a convenience)."""
    folder = os.path.join(cache_dir(), dataset)
    os.makedirs(folder, exist_ok=True)
    dest = os.path.join(folder, name or os.path.basename(src))
    shutil.copyfile(src, dest)
    return dest
