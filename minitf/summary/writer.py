"""tf.summary.FileWriter: appends Event protocol buffers (summaries, the graph) to an event file
that TensorBoard reads, through tensorboardX's record writer."""

import errno
import itertools
import os
import socket
import threading
import time
import weakref

import numpy as np
from tensorboardX.proto import event_pb2, graph_pb2, summary_pb2
from tensorboardX.record_writer import RecordWriter

from minitf import errors
from minitf.framework.graph import Graph
from minitf.framework.tensor import Tensor
from minitf.protos.config_pb2 import RunMetadata

__all__ = ["FileWriter", "FileWriterCache"]

_file_numbers = itertools.count()  # with the pid, makes event file names unique


def _os_error(e, path):
    what = "FileWriter cannot write its event file there"
    if e.errno == errno.EEXIST:  # makedirs found a file where the log folder should be
        return errors.FailedPreconditionError(None, None, "%s; %s: not a directory: %s"
                                              % (path, e.strerror, what))
    return errors._from_os_error(e, None, path, what)


def _create_event_file(logdir, suffix):
    """A new, empty event file in `logdir`, named as TF names them plus `.<pid>.<n>` so that
    writers never share (and overwrite) a file; O_EXCL claims the name atomically."""
    while True:
        path = os.path.join(logdir, "events.out.tfevents.%010d.%s.%d.%d%s" % (
            int(time.time()), socket.gethostname(), os.getpid(), next(_file_numbers), suffix))
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return path
        except FileExistsError:
            continue


def _finish(record_writer, lock, stop):
    """Flushes and closes an event file (on close(), garbage collection or interpreter exit)."""
    stop.set()
    with lock:
        try:
            record_writer.flush()
        finally:
            record_writer.close()


def _flush_periodically(writer_ref, stop, flush_secs):
    while not stop.wait(flush_secs):
        writer = writer_ref()
        if writer is None:
            return
        writer._flush_in_background()
        del writer


def _as_proto(value, cls, what):
    """`value` as a tensorboardX `cls` message: the message itself, its serialized bytes, or the
    same message from another package (TensorFlow's own protos); TypeError for anything else."""
    if isinstance(value, cls):
        return value
    name = cls.DESCRIPTOR.name
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    elif getattr(getattr(value, "DESCRIPTOR", None), "name", None) == name:
        data = value.SerializeToString()
    elif isinstance(value, np.ndarray) and value.shape == () and isinstance(value.item(), bytes):
        data = value.item()
    else:
        hint = (" (a Tensor has no value until it runs: pass the result of Session.run)"
                if isinstance(value, Tensor) else "")
        raise TypeError("%s expects a %s protocol buffer or its serialized bytes (%s), got %s%s"
                        % (what, name, "what Session.run returns for a summary op"
                           if name == "Summary" else "as SerializeToString() gives",
                           type(value).__name__, hint))
    proto = cls()
    try:
        proto.ParseFromString(data)
    except Exception:
        raise TypeError("%s expects a %s protocol buffer or its serialized bytes; the %d bytes "
                        "given do not parse as one" % (what, name, len(data))) from None
    return proto


class FileWriter:
    """Writes summaries and the graph to a new event file in `logdir`, for TensorBoard.

    Each writer (and each reopen) gets a file of its own. Events are flushed every
    `flush_secs`, after `max_queue` pending events, on flush() and close(), and at interpreter
    exit. Events added after close() are dropped, as in TF, until reopen(). Failing to create
    the folder or file raises TF's error class for it (NotFoundError, PermissionDeniedError,
    FailedPreconditionError...) naming the path.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        if session is not None:
            raise NotImplementedError("minitf's FileWriter writes event files itself; TF's "
                                      "session-owned summary writer (session=) is not supported")
        self._logdir = os.fspath(logdir)
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = flush_secs
        self._suffix = filename_suffix or ""
        self._lock = threading.RLock()
        self._seen_tags = set()
        self._run_metadata_tags = set()
        self._closed = True
        self._background_error = None
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)
            # TF writes the MetaGraphDef too (TensorBoard reads op attributes from it)
            from minitf.framework.meta_graph import create_meta_graph_def
            if graph is not None and not isinstance(graph, Graph):
                graph, graph_def = None, graph
            self.add_meta_graph(create_meta_graph_def(
                graph=graph, graph_def=graph_def if graph is None else None))

    def _open(self):
        try:
            os.makedirs(self._logdir, exist_ok=True)
            self._path = _create_event_file(self._logdir, self._suffix)
            record_writer = RecordWriter(self._path)
        except OSError as e:
            raise _os_error(e, self._logdir) from None
        self._record_writer = record_writer
        self._pending = 0
        self._closed = False
        stop = threading.Event()
        self._finalizer = weakref.finalize(self, _finish, record_writer, self._lock, stop)
        with self._lock:
            self._write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))
            self._flush_locked()
        if self._flush_secs and self._flush_secs > 0:
            threading.Thread(target=_flush_periodically, daemon=True,
                             args=(weakref.ref(self), stop, self._flush_secs),
                             name="minitf FileWriter flush").start()

    # -- writing -------------------------------------------------------------------------------
    def _write(self, event):
        try:
            self._record_writer.write(event.SerializeToString())
            self._pending += 1
            if self._pending >= self._max_queue:
                self._flush_locked()
        except OSError as e:
            raise _os_error(e, self._path) from None

    def _flush_locked(self):
        if self._background_error is not None:
            error, self._background_error = self._background_error, None
            raise error
        try:
            self._record_writer.flush()
        except OSError as e:
            raise _os_error(e, self._path) from None
        self._pending = 0

    def _flush_in_background(self):
        with self._lock:
            if not self._closed and self._pending:
                try:
                    self._flush_locked()
                except errors.OpError as e:  # reported by the next call on the writer
                    self._background_error = e

    def _parse(self, value, cls, what):
        """`_as_proto`, flushing first when `value` is wrong: a program that dies of the
        TypeError keeps every event it added before."""
        try:
            return _as_proto(value, cls, what)
        except TypeError:
            self.flush()
            raise

    def add_event(self, event):
        """Writes an Event protocol buffer (dropped if the writer is closed, as in TF)."""
        event = self._parse(event, event_pb2.Event, "add_event")
        with self._lock:
            if not self._closed:
                self._write(event)

    def _add_event(self, event, global_step):
        event.wall_time = time.time()
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_summary(self, summary, global_step=None):
        """Writes a Summary: the bytes a summary op's Session.run gives, or a Summary proto.
        A tag's plugin metadata is kept only the first time it is written (TF's rule)."""
        summary = self._parse(summary, summary_pb2.Summary, "add_summary")
        with self._lock:
            for value in summary.value:
                if not value.HasField("metadata"):
                    continue
                if value.tag in self._seen_tags:
                    value.ClearField("metadata")
                else:
                    self._seen_tags.add(value.tag)
        self._add_event(event_pb2.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None):
        """Writes a SessionLog (START / STOP / CHECKPOINT status) event."""
        session_log = self._parse(session_log, event_pb2.SessionLog, "add_session_log")
        self._add_event(event_pb2.Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Writes the graph for TensorBoard's Graphs tab: a tf.Graph (exported with its output
        shapes), or a GraphDef protocol buffer."""
        if graph is not None and not isinstance(graph, Graph):
            graph, graph_def = None, graph
        if graph is not None:
            # (with the control-flow sub-graphs also inlined under their scopes, drawn in place)
            from minitf.framework.graph_def import graph_to_graph_def
            graph_def = graph_to_graph_def(graph, add_shapes=True, inline_functions=True)
        else:
            try:
                graph_def = self._parse(graph_def, graph_pb2.GraphDef, "add_graph")
            except TypeError:
                raise TypeError("add_graph expects a tf.Graph (or a GraphDef protocol buffer), got "
                                "%s%s" % (type(graph_def).__name__, " (pass session.graph)"
                                          if hasattr(graph_def, "graph") else "")) from None
        self._add_event(event_pb2.Event(graph_def=graph_def.SerializeToString()), global_step)

    def add_meta_graph(self, meta_graph_def, global_step=None):
        """Writes a MetaGraphDef protocol buffer (TensorBoard draws its graph when no graph
        event is present)."""
        if getattr(getattr(meta_graph_def, "DESCRIPTOR", None), "name", None) != "MetaGraphDef":
            self.flush()
            raise TypeError("add_meta_graph expects a MetaGraphDef protocol buffer, got %s"
                            % type(meta_graph_def).__name__)
        self._add_event(event_pb2.Event(meta_graph_def=meta_graph_def.SerializeToString()),
                        global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Writes a traced run's RunMetadata under `tag` (TensorBoard's Graphs tab shows its
        compute time and memory per node); a tag can be used once per writer."""
        if tag in self._run_metadata_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._run_metadata_tags.add(tag)
        run_metadata = self._parse(run_metadata, RunMetadata, "add_run_metadata")
        self._add_event(event_pb2.Event(tagged_run_metadata=event_pb2.TaggedRunMetadata(
            tag=tag, run_metadata=run_metadata.SerializeToString())), global_step)

    # -- lifecycle -----------------------------------------------------------------------------
    def get_logdir(self):
        """The directory this writer writes its event files to."""
        return self._logdir

    def flush(self):
        """Writes every event added so far to disk."""
        with self._lock:
            if not self._closed:
                self._flush_locked()

    def close(self):
        """Flushes and closes the event file; reopen() starts a new one."""
        with self._lock:
            if not self._closed:
                self._closed = True
                try:
                    self._finalizer()
                except OSError as e:
                    raise _os_error(e, self._path) from None

    def reopen(self):
        """After close(): opens a new event file in the same directory (else does nothing)."""
        with self._lock:
            if self._closed:
                self._open()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()

    def __repr__(self):
        return "<tf.summary.FileWriter logdir=%r%s>" % (self._logdir,
                                                        " closed" if self._closed else "")


class FileWriterCache:
    """tf.summary.FileWriterCache: one FileWriter per directory for the whole process (made with
    the default graph when first asked for), so the session hooks that write to the same
    directory share one event file. clear() closes them all."""

    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def get(logdir):
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                from minitf.framework.graph import get_default_graph
                FileWriterCache._cache[logdir] = FileWriter(logdir, graph=get_default_graph())
            return FileWriterCache._cache[logdir]

    @staticmethod
    def clear():
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}
