"""tf.io.gfile and TF1's tf.gfile: file helpers over the local file system, raising tf.errors
classes (NotFoundError, AlreadyExistsError...) where TF does."""

import contextlib
import glob as _glob
import os
import shutil

from minitf import errors

__all__ = ["GFile", "exists", "makedirs", "mkdir", "rmtree", "remove", "rename", "copy", "glob",
           "listdir", "isdir", "walk", "stat"]


@contextlib.contextmanager
def _tf_errors(path, what=""):
    try:
        yield
    except OSError as e:
        raise errors._from_os_error(e, None, path, what) from None


class GFile:
    """A file object (tf.gfile.GFile / tf.io.gfile.GFile): `with GFile(path, 'w') as f:`;
    read / write / readline / readlines / iteration / seek / tell / size, text unless the mode
    has 'b'. A missing file raises NotFoundError when first read, as TF."""

    def __init__(self, name, mode="r"):
        self.name = os.fspath(name)
        self.mode = mode
        self._file = None
        if "w" in mode or "a" in mode:
            self._open()

    def _open(self):
        if self._file is None:
            with _tf_errors(self.name):
                self._file = open(self.name, self.mode if "b" in self.mode else self.mode,
                                  **({} if "b" in self.mode else {"encoding": "utf-8"}))
        return self._file

    def read(self, n=-1):
        return self._open().read(n)

    def readline(self):
        return self._open().readline()

    def readlines(self):
        return self._open().readlines()

    def write(self, data):
        self._open().write(data)

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def seek(self, offset, whence=0):
        return self._open().seek(offset, whence)

    def tell(self):
        return self._open().tell()

    def size(self):
        with _tf_errors(self.name):
            return os.path.getsize(self.name)

    def __iter__(self):
        return iter(self._open())

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exists(path):
    """Whether `path` exists."""
    return os.path.exists(path)


def isdir(path):
    """Whether `path` is a directory."""
    return os.path.isdir(path)


def makedirs(path):
    """Creates `path` and its parents (no error when it exists)."""
    with _tf_errors(path):
        os.makedirs(path, exist_ok=True)


def mkdir(path):
    """Creates the directory `path` (its parent must exist; no error when it exists, as TF)."""
    with _tf_errors(path):
        if not os.path.isdir(path):
            os.mkdir(path)


def rmtree(path):
    """Deletes `path` and everything under it (NotFoundError when it does not exist)."""
    with _tf_errors(path):
        if not os.path.isdir(path):
            os.remove(path)
        else:
            shutil.rmtree(path)


def remove(path):
    """Deletes the file `path` (NotFoundError when it does not exist)."""
    with _tf_errors(path):
        os.remove(path)


def rename(src, dst, overwrite=False):
    """Renames `src` to `dst` (AlreadyExistsError when `dst` exists, unless overwrite)."""
    with _tf_errors(src):
        if not overwrite and os.path.exists(dst):
            raise FileExistsError(17, "File exists", dst)
        os.replace(src, dst)


def copy(src, dst, overwrite=False):
    """Copies the file `src` to `dst` (AlreadyExistsError when `dst` exists, unless
    overwrite)."""
    with _tf_errors(src):
        if not overwrite and os.path.exists(dst):
            raise FileExistsError(17, "File exists", dst)
        shutil.copyfile(src, dst)


def glob(pattern):
    """The paths matching `pattern`, sorted."""
    return sorted(_glob.glob(pattern))


def listdir(path):
    """The names in directory `path` (NotFoundError when it does not exist)."""
    with _tf_errors(path):
        return sorted(os.listdir(path))


def walk(top, topdown=True, onerror=None):
    """os.walk: (directory, subdirectories, files) for each directory under `top`."""
    return os.walk(top, topdown=topdown, onerror=onerror)


def stat(path):
    """os.stat of `path` (NotFoundError when it does not exist)."""
    with _tf_errors(path):
        return os.stat(path)
