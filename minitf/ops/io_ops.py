"""TF1's readers: tf.TextLineReader, tf.WholeFileReader, tf.TFRecordReader and
tf.FixedLengthRecordReader, and tf.matching_files (the file names a glob pattern matches, for
their queues). A reader takes
file names from a queue (usually tf.train.string_input_producer's) and returns one record at a
time as (key, value) strings; like queues, its state lives in the session."""

import os

import numpy

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.resources import ResourceOp, resource_of
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import TensorSpec
from minitf.lib.io.fixed_length import check_sizes, read_fixed_length
from minitf.lib.io.tf_record import open_for_reading, read_records
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["ReaderBase", "TextLineReader", "WholeFileReader", "TFRecordReader",
           "FixedLengthRecordReader", "matching_files"]


class ReaderResource:
    """One reader's state in one session: the file it is reading and how far it got."""

    def __init__(self, op):
        self.opdef = op.opdef
        self.records = None  # iterator of (key, value) of the current file
        self.produced = 0
        self.completed = 0

    def _records(self, name):
        path = os.fsdecode(name)
        kind = self.opdef.type_name
        if kind == "WholeFileReaderV2":
            with open_for_reading(path) as f:
                yield name, f.read()
        elif kind == "TextLineReaderV2":
            with open_for_reading(path) as f:
                for i, line in enumerate(f, 1):
                    if i <= self.opdef.skip_header_lines:
                        continue
                    if line.endswith(b"\n"):
                        line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                    yield b"%s:%d" % (name, i), line
        elif kind == "FixedLengthRecordReaderV2":
            o = self.opdef
            for i, record in enumerate(read_fixed_length(
                    path, o.record_bytes, o.header_bytes, o.footer_bytes, o.hop_bytes,
                    o.encoding)):
                yield b"%s:%d" % (name, i), record
        else:
            offset = 0
            with open_for_reading(path, self.opdef.compression_type) as f:
                for record in read_records(f, path):
                    yield b"%s:%d" % (name, offset), record
                    offset += 16 + len(record)

    def read(self, queue, n, deadline):
        """Up to `n` (key, value) pairs, taking new files from `queue` as each ends; at least
        one unless the queue is closed and empty (then OutOfRangeError, or what was read)."""
        out = []
        while len(out) < n:
            if self.records is None:
                try:
                    name = queue.dequeue(1, False, deadline)[0][0]
                except errors.OutOfRangeError:
                    if out:
                        break
                    raise
                name = name.item() if isinstance(name, numpy.ndarray) else name
                self.records = self._records(name if isinstance(name, bytes) else name.encode())
            for pair in self.records:
                out.append(pair)
                self.produced += 1
                if len(out) == n:
                    break
            else:
                self.records = None
                self.completed += 1
        return out

    def reset(self):
        self.records = None
        self.produced = self.completed = 0


class _ReaderOp(ResourceOp):
    """A reader's handle: the reader's state is made in each session on first use."""

    container: str = ""
    shared_name: str = ""

    def create(self, ctx, op):
        return ReaderResource(op)


@register
class TextLineReaderV2(_ReaderOp):
    skip_header_lines: int = 0


@register
class WholeFileReaderV2(_ReaderOp):
    pass


@register
class TFRecordReaderV2(_ReaderOp):
    compression_type: str = ""


@register
class FixedLengthRecordReaderV2(_ReaderOp):
    header_bytes: int = 0
    record_bytes: int = 0
    footer_bytes: int = 0
    hop_bytes: int = 0
    encoding: str = ""

    def create(self, ctx, op):
        check_sizes(self.record_bytes, self.header_bytes, self.footer_bytes, self.hop_bytes)
        return super().create(ctx, op)


def _strings(values):
    out = numpy.empty(len(values), dtype=object)
    out[:] = values
    return out


@register
class ReaderReadUpToV2(OpDef):
    """Up to `num_records` (key, value) pairs from the reader (input 0), which takes file
    names from the queue (input 1). `single`: exactly one pair, as scalars (ReaderReadV2)."""

    num_records: int = 1
    single: bool = False
    stateful = True
    differentiable = False
    ref_inputs = (0, 1)

    def infer(self, reader, queue):
        shape = TensorShape([]) if self.single else TensorShape([None])
        return [TensorSpec(shape, dtypes.string), TensorSpec(shape, dtypes.string)]

    def bind(self, ctx, op):
        reader_op, queue_op = op.inputs[0].op, op.inputs[1].op

        def read():
            pairs = resource_of(ctx, reader_op).read(resource_of(ctx, queue_op),
                                                 self.num_records, ctx.deadline)
            if self.single:
                return (numpy.array(pairs[0][0], dtype=object),
                        numpy.array(pairs[0][1], dtype=object))
            return _strings([k for k, _ in pairs]), _strings([v for _, v in pairs])
        return read


@register
class ReaderResetV2(OpDef):
    stateful = True
    differentiable = False
    ref_inputs = (0,)

    def infer(self, reader):
        return []

    def bind(self, ctx, op):
        reader_op = op.inputs[0].op
        return lambda: resource_of(ctx, reader_op).reset()


@register
class ReaderNumRecordsProducedV2(OpDef):
    stateful = True
    differentiable = False
    ref_inputs = (0,)
    work_units: bool = False  # True: files completed (ReaderNumWorkUnitsCompleted)

    def infer(self, reader):
        return TensorSpec(TensorShape([]), dtypes.int64)

    def bind(self, ctx, op):
        reader_op = op.inputs[0].op

        def count():
            r = resource_of(ctx, reader_op)
            return numpy.int64(r.completed if self.work_units else r.produced)
        return count


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, list(inputs), name=name, device=HOST_DEVICE)


class ReaderBase:
    """tf.ReaderBase: read(queue) -> (key, value), read_up_to(queue, n) -> (keys, values)."""

    def __init__(self, reader_ref):
        self._reader_ref = reader_ref

    @property
    def reader_ref(self):
        return self._reader_ref

    @staticmethod
    def _queue_ref(queue):
        ref = getattr(queue, "queue_ref", queue)
        return convert_to_tensor(ref)

    def read(self, queue, name=None):
        """The next record: (key, value) scalar strings; a new file is taken from `queue` when
        one ends; OutOfRangeError once the queue is closed and empty."""
        op = _create(ReaderReadUpToV2(1, True), [self._reader_ref, self._queue_ref(queue)],
                     name or "ReaderReadV2")
        return op.outputs[0], op.outputs[1]

    def read_up_to(self, queue, num_records, name=None):
        """Up to `num_records` records as (keys, values) vectors (fewer at the very end)."""
        op = _create(ReaderReadUpToV2(int(num_records)),
                     [self._reader_ref, self._queue_ref(queue)], name or "ReaderReadUpToV2")
        return op.outputs[0], op.outputs[1]

    def reset(self, name=None):
        return _create(ReaderResetV2(), [self._reader_ref], name or "ReaderResetV2")

    def num_records_produced(self, name=None):
        return _create(ReaderNumRecordsProducedV2(), [self._reader_ref],
                       name or "ReaderNumRecordsProducedV2").outputs[0]

    def num_work_units_completed(self, name=None):
        return _create(ReaderNumRecordsProducedV2(True), [self._reader_ref],
                       name or "ReaderNumWorkUnitsCompletedV2").outputs[0]

    @property
    def supports_serialize(self):
        return False


class TextLineReader(ReaderBase):
    """tf.TextLineReader(skip_header_lines=None): the lines of each file (key 'file:line')."""

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__(_create(TextLineReaderV2(skip_header_lines=int(skip_header_lines or 0)),
                                 [], name or "TextLineReaderV2").outputs[0])


class WholeFileReader(ReaderBase):
    """tf.WholeFileReader: each file's whole contents (key: the file name)."""

    def __init__(self, name=None):
        super().__init__(_create(WholeFileReaderV2(), [], name or "WholeFileReaderV2").outputs[0])


class TFRecordReader(ReaderBase):
    """tf.TFRecordReader(options=None): the records of TFRecord files (key 'file:offset')."""

    def __init__(self, name=None, options=None):
        from minitf.lib.io.tf_record import TFRecordOptions
        kind = TFRecordOptions.get_compression_type_string(options)
        super().__init__(_create(TFRecordReaderV2(compression_type=kind), [],
                                 name or "TFRecordReaderV2").outputs[0])


class FixedLengthRecordReader(ReaderBase):
    """tf.FixedLengthRecordReader(record_bytes, header_bytes=None, footer_bytes=None,
    hop_bytes=None, name=None, encoding=None): fixed-size records of binary files (CIFAR-10's
    format), key 'file:index'; a partial last record is dropped, as TF does. `hop_bytes` > 0
    starts a record every hop_bytes (overlapping windows); `encoding` '', 'GZIP' or 'ZLIB'."""

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        opdef = FixedLengthRecordReaderV2(
            header_bytes=int(header_bytes or 0), record_bytes=int(record_bytes),
            footer_bytes=int(footer_bytes or 0), hop_bytes=int(hop_bytes or 0),
            encoding=encoding or "")
        super().__init__(_create(opdef, [], name or "FixedLengthRecordReaderV2").outputs[0])


@register
class MatchingFiles(OpDef):
    """The files matching a glob pattern, or each of a vector of patterns in turn, each
    pattern's sorted, as a vector of strings (empty when none match, as TF)."""

    stateful = True  # (it reads the file system: never folded into a constant)
    differentiable = False

    def infer(self, pattern):
        if pattern.dtype is not dtypes.string:
            raise TypeError("MatchingFiles: pattern must be a string tensor, got %s"
                            % pattern.dtype.name)
        if pattern.shape.ndims is not None and pattern.shape.ndims > 1:
            raise ValueError("MatchingFiles: pattern must be at most rank 1 (a pattern or a "
                             "vector of them), but has rank %d" % pattern.shape.ndims)
        return TensorSpec(TensorShape([None]), dtypes.string)

    def compute(self, xp, pattern):
        from minitf.io import gfile  # (minitf.io imports this module)
        names = [name.encode() for p in pattern.reshape(-1).tolist()
                 for name in gfile.glob(p.decode() if isinstance(p, bytes) else p)]
        return _strings(names)


def matching_files(pattern, name=None):
    """tf.matching_files / tf.io.matching_files: the file names `pattern` (a glob, or a
    vector of globs) matches, sorted per pattern, as a 1-D string tensor. It reads the file
    system each time it runs."""
    with name_scope(name, "MatchingFiles") as scope:
        pattern = convert_to_tensor(pattern, dtype=dtypes.string, name="pattern")
        return _create(MatchingFiles(), [pattern], scope).outputs[0]
