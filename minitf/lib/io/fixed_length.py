"""Fixed-length records (CIFAR-10's binary files and the like): after `header_bytes`, a body of
`record_bytes`-long records, then `footer_bytes`. Shared by tf.FixedLengthRecordReader and
tf.data.FixedLengthRecordDataset, which differ only in what a partial last record means."""

import os

from minitf import errors
from minitf.lib.io.tf_record import open_for_reading


def check_sizes(record_bytes, header_bytes, footer_bytes, hop_bytes, dataset=False):
    """TF's run-time checks of the sizes (the dataset's messages quote the argument names and
    omit the value)."""
    for name, value, rule in (("header_bytes", header_bytes, ">="), ("record_bytes", record_bytes, ">"),
                              ("footer_bytes", footer_bytes, ">="), ("hop_bytes", hop_bytes, ">=")):
        if value < 0 or (rule == ">" and value == 0):
            raise errors.InvalidArgumentError(None, None, (
                "`%s` must be %s 0" % (name, rule)) if dataset else (
                "%s must be %s 0 not %d" % (name, rule, value)))


def _partial(path, body, record_bytes, header_bytes, footer_bytes):
    return ("Excluding the header (%d bytes) and footer (%d bytes), input file \"%s\" has body "
            "length %d bytes, which is not an exact multiple of the record length (%d bytes)."
            % (header_bytes, footer_bytes, path, body, record_bytes))


def read_fixed_length(path, record_bytes, header_bytes=0, footer_bytes=0, hop_bytes=0,
                      compression_type="", strict=False):
    """The records of one file, streamed. A record starts every `hop_bytes` (0: back to back)
    and must end before the footer; a shorter tail is dropped (the reader), or with `strict`
    (the dataset) is TF's error: InvalidArgumentError before any record of an uncompressed
    file, DataLossError after the whole records of a compressed one."""
    name = os.fsdecode(path)
    hop = hop_bytes or record_bytes
    with open_for_reading(path, compression_type) as f:
        if strict and not compression_type:
            body = os.fstat(f.fileno()).st_size - header_bytes - footer_bytes
            if body % record_bytes:
                raise errors.InvalidArgumentError(
                    None, None, _partial(name, body, record_bytes, header_bytes, footer_bytes))
        if len(f.read(header_bytes)) < header_bytes:
            return
        buf, start = bytearray(), 0  # buf holds the body from offset `start` on
        while True:
            # a record is whole once the footer's bytes past its end are in too
            need = record_bytes + footer_bytes
            while len(buf) < need:
                chunk = f.read(max(1 << 16, need - len(buf)))
                if not chunk:
                    break
                buf += chunk
            if len(buf) < need:
                break
            yield bytes(buf[:record_bytes])
            start += hop
            if hop > len(buf):  # the next record starts past what was read: skip to it
                f.read(hop - len(buf))
                buf.clear()
            else:
                del buf[:hop]
        tail = len(buf) - footer_bytes
        if strict and tail > 0:
            raise errors.DataLossError(None, None, _partial(
                name, start + tail, record_bytes, header_bytes, footer_bytes))
