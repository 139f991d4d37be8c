"""tf.train.write_graph (also tf.io.write_graph): a graph's GraphDef written to a file, in
protobuf text format or binary, as TF1's graph_io does."""

import os

from google.protobuf import text_format

from minitf import errors
from minitf.framework.graph import Graph

__all__ = ["write_graph"]


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes the GraphDef of `graph_or_graph_def` (a Graph, or a GraphDef such as
    `sess.graph_def`) to `logdir/name` and returns that path: text format when `as_text`, else
    the binary encoding (deterministic, as TF's). `logdir` is created if missing; the file is
    replaced atomically, so a reader never sees half of it. The file loads back with
    tf.import_graph_def (binary) or protobuf's text_format, and TensorBoard shows it."""
    from minitf.train import bundle  # (minitf.train imports the framework)
    graph_def = (graph_or_graph_def.as_graph_def() if isinstance(graph_or_graph_def, Graph)
                 else graph_or_graph_def)
    logdir = os.fspath(logdir)
    path = os.path.join(logdir, name)
    data = (text_format.MessageToString(graph_def).encode("utf-8") if as_text
            else graph_def.SerializeToString(deterministic=True))
    try:
        if logdir:
            os.makedirs(logdir, exist_ok=True)
        bundle.write_file_atomically(path, [data])
    except FileExistsError:  # what makedirs says when a file has the directory's name
        raise errors.FailedPreconditionError(
            None, None, "%s exists and is not a directory: cannot write the graph %s"
            % (logdir, path)) from None
    except OSError as e:
        raise errors._from_os_error(e, None, path, "cannot write the graph") from None
    return path
