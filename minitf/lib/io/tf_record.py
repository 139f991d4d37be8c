"""TFRecord files: tf.python_io.TFRecordWriter / tf_record_iterator and the reader the datasets
and TFRecordReader use. Each record is framed as TF writes it:

    uint64 length (little endian), uint32 masked CRC32C of the length bytes,
    the data, uint32 masked CRC32C of the data.

Files can be compressed as a whole with GZIP or ZLIB (TFRecordCompressionType / options)."""

import gzip
import io
import os
import struct
import zlib

from minitf import errors
from minitf.train.bundle import masked_crc32c

__all__ = ["TFRecordWriter", "tf_record_iterator", "TFRecordOptions", "TFRecordCompressionType"]

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")


class TFRecordCompressionType:
    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """How a TFRecord file is compressed: "", "ZLIB" or "GZIP" (or a TFRecordCompressionType)."""

    compression_type_map = {TFRecordCompressionType.NONE: "",
                            TFRecordCompressionType.ZLIB: "ZLIB",
                            TFRecordCompressionType.GZIP: "GZIP"}

    def __init__(self, compression_type=None):
        if compression_type in self.compression_type_map:
            compression_type = self.compression_type_map[compression_type]
        compression_type = (compression_type or "").upper()
        if compression_type not in ("", "ZLIB", "GZIP"):
            raise ValueError("Unsupported compression type: %s" % compression_type)
        self.compression_type = compression_type

    @classmethod
    def get_compression_type_string(cls, options):
        if options is None:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return TFRecordOptions(options).compression_type


def encode_record(data):
    """One record as it is written to the file."""
    header = _LENGTH.pack(len(data))
    return b"".join((header, _CRC.pack(masked_crc32c(header)), data,
                     _CRC.pack(masked_crc32c(data))))


def read_records(f, name="<file>"):
    """The records of the open binary file `f`, each checked against its CRCs; a corrupted or
    truncated record raises DataLossError naming the file and offset, as TF's reader does."""
    offset = 0
    while True:
        header = f.read(12)
        if not header:
            return
        if len(header) < 12:
            raise errors.DataLossError(None, None, "truncated record at %d in %s" % (offset, name))
        length, = _LENGTH.unpack_from(header)
        if _CRC.unpack_from(header, 8)[0] != masked_crc32c(header[:8]):
            raise errors.DataLossError(None, None, "corrupted record at %d in %s" % (offset, name))
        data = f.read(length)
        footer = f.read(4)
        if len(data) < length or len(footer) < 4:
            raise errors.DataLossError(None, None, "truncated record at %d in %s" % (offset, name))
        if _CRC.unpack(footer)[0] != masked_crc32c(data):
            raise errors.DataLossError(None, None, "corrupted record at %d in %s" % (offset, name))
        offset += 16 + length
        yield data


def open_for_reading(path, compression_type=""):
    """A binary file object for `path`, decompressing GZIP or ZLIB as TF's readers do."""
    name = os.fsdecode(path)
    try:
        raw = open(name, "rb")
    except OSError as e:
        raise errors._from_os_error(e, None, name) from None
    kind = (compression_type or "").upper()
    if kind == "GZIP":
        return gzip.GzipFile(fileobj=raw)
    if kind == "ZLIB":
        with raw:
            return io.BytesIO(zlib.decompress(raw.read()))
    if kind:
        raw.close()
        raise errors.InvalidArgumentError(None, None, "Unsupported compression_type: %s"
                                          % compression_type)
    return raw


def tf_record_iterator(path, options=None):
    """tf.python_io.tf_record_iterator: the records of a TFRecord file, as bytes."""
    with open_for_reading(path, TFRecordOptions.get_compression_type_string(options)) as f:
        yield from read_records(f, os.fsdecode(path))


class TFRecordWriter:
    """tf.python_io.TFRecordWriter(path, options=None): write(record), flush(), close(); a
    context manager."""

    def __init__(self, path, options=None):
        self._path = os.fsdecode(path)
        self._compression = TFRecordOptions.get_compression_type_string(options)
        try:
            raw = open(self._path, "wb")
        except OSError as e:
            raise errors._from_os_error(e, None, self._path) from None
        self._raw = raw
        if self._compression == "GZIP":
            self._file = gzip.GzipFile(fileobj=raw, mode="wb")
        elif self._compression == "ZLIB":
            self._file = _ZlibWriter(raw)
        else:
            self._file = raw

    def write(self, record):
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if isinstance(record, str):
            record = record.encode("utf-8")
        self._file.write(encode_record(bytes(record)))

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            if self._file is not self._raw:
                self._file.close()
            self._raw.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class _ZlibWriter:
    def __init__(self, raw):
        self._raw, self._z = raw, zlib.compressobj()

    def write(self, data):
        self._raw.write(self._z.compress(data))

    def flush(self):
        self._raw.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        self._raw.flush()

    def close(self):
        self._raw.write(self._z.flush())
