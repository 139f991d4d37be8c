"""``keras.utils.get_file`` (Keras's ``keras.utils.data_utils``) and `validate_file`.

`get_file` keeps its files in minitf's data-set cache (``$MINITF_DATA`` or
``~/.minitf/datasets``, the folder ``minitf.datasets`` reads) and downloads through the same code
(``minitf.datasets._cache``: progress bar, hash check, no truncated file ever left behind)."""

import os
import sys
import tarfile
import urllib.parse
import zipfile

from minitf.datasets import _cache


def _hash_algorithm(file_hash, hash_algorithm):
    if hash_algorithm in ('sha256', 'md5'):
        return hash_algorithm
    if hash_algorithm != 'auto':
        raise ValueError("hash_algorithm must be 'auto', 'sha256' or 'md5', got %r"
                         % (hash_algorithm,))
    return 'sha256' if len(file_hash) == 64 else 'md5'


def validate_file(fpath, file_hash, algorithm='auto', chunk_size=65535):
    """True when the file at `fpath` has the hex digest `file_hash` (sha256 for a 64-digit hash,
    else md5, unless `algorithm` says which)."""
    del chunk_size  # kept for Keras's signature; the cache reads 1 MiB blocks
    algorithm = _hash_algorithm(file_hash, algorithm)
    return _cache.file_hash(fpath, algorithm) == str(file_hash)


def _inside(folder, name):
    target = os.path.realpath(os.path.join(folder, name))
    return target == folder or target.startswith(folder + os.sep)


def _extract_archive(fpath, folder, archive_format='auto'):
    """Extracts a tar or zip archive into `folder`; refuses members that would land outside it
    (absolute paths, ``..``, links pointing out). Returns True when `fpath` was an archive."""
    if archive_format is None:
        return False
    formats = ['tar', 'zip'] if archive_format == 'auto' else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    folder = os.path.realpath(folder)
    for fmt in formats:
        if fmt == 'tar' and tarfile.is_tarfile(fpath):
            with tarfile.open(fpath) as tar:
                for member in tar.getmembers():
                    if not _inside(folder, member.name) or (
                            (member.issym() or member.islnk()) and not _inside(
                                folder, os.path.join(os.path.dirname(member.name),
                                                     member.linkname))):
                        raise ValueError('%s: member %r would be extracted outside %s; nothing '
                                         'was extracted' % (fpath, member.name, folder))
                tar.extractall(folder, **({'filter': 'data'} if hasattr(tarfile, 'data_filter')
                                          else {}))
            return True
        if fmt == 'zip' and zipfile.is_zipfile(fpath):
            with zipfile.ZipFile(fpath) as archive:
                for name in archive.namelist():
                    if not _inside(folder, name):
                        raise ValueError('%s: member %r would be extracted outside %s; nothing '
                                         'was extracted' % (fpath, name, folder))
                archive.extractall(folder)
            return True
    return False


def _datadir(cache_dir, cache_subdir):
    if cache_dir is None:
        if cache_subdir == 'datasets':
            return _cache.cache_dir()
        cache_dir = os.path.dirname(os.path.abspath(_cache.cache_dir()))
    return os.path.join(os.path.expanduser(cache_dir), cache_subdir)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir='datasets', hash_algorithm='auto', extract=False,
             archive_format='auto', cache_dir=None):
    """Returns the path of a local copy of the file at `origin`, downloading it only when the
    cache lacks it (or holds it with the wrong hash), as ``keras.utils.get_file``.

    The file is ``<cache>/<fname>``, where the cache is minitf's data-set folder
    (``$MINITF_DATA`` or ``~/.minitf/datasets``) for the default ``cache_subdir='datasets'``,
    else ``<cache_dir>/<cache_subdir>`` (`cache_dir` defaulting to the folder above minitf's
    data-set folder); an absolute `cache_subdir` is used as it is. `fname` defaults to the last
    part of `origin`'s path. `file_hash` (or the older `md5_hash`) is checked: sha256 for a
    64-digit hash, else md5 (`hash_algorithm` to say which). The download shows a progress bar on
    standard error and is kept only complete and with the right hash. ``untar=True`` extracts
    ``<fname>.tar.gz`` and returns the folder ``<cache>/<fname>``; ``extract=True`` extracts a
    tar or zip archive next to it (`archive_format`: 'auto', 'tar', 'zip' or None). When the file
    is neither cached nor downloadable (offline), raises FileNotFoundError saying where to put
    it."""
    if origin is None:
        raise ValueError('get_file needs the URL to download from: pass origin=')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, 'md5'
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError('get_file: cannot name the file from origin %r; pass fname=' % origin)
    fname = os.fspath(fname)
    datadir = _datadir(cache_dir, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + '.tar.gz'
    else:
        fpath = os.path.join(datadir, fname)
    algorithm = _hash_algorithm(file_hash, hash_algorithm) if file_hash is not None else 'md5'
    need = not os.path.exists(fpath)
    if not need and file_hash is not None and not validate_file(fpath, file_hash, algorithm):
        sys.stderr.write('%s is in the cache but its %s differs from the expected %s: it is '
                         'downloaded again.\n' % (fpath, algorithm, file_hash))
        need = True
    if need:
        try:
            _cache.download(origin, fpath, file_hash, algorithm=algorithm)
        except (OSError, ValueError) as e:
            raise FileNotFoundError(
                '%s is not in the cache%s and could not be downloaded from %s (%s). Download it '
                'by hand and save it as %s (or pass cache_dir= / cache_subdir= naming a folder '
                'that holds it).' % (fname, ' with the expected hash' if os.path.exists(fpath)
                                     else '', origin, e, fpath)) from e
    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format='tar')
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath
