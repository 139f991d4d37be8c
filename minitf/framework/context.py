"""The default graph and default session of each thread (TF1's stacks): what `tf.Graph.as_default`,
`with sess:`, InteractiveSession, `Tensor.eval` and `Operation.run` read. It imports nothing
from the rest of the framework (graph.py installs the Graph class that makes the global
default graph), so graph -> operation -> tensor -> context is a straight line."""

import contextlib
import threading


class _Stacks(threading.local):
    def __init__(self):
        self.graphs = []
        self.sessions = []
        self.interactive = []  # open InteractiveSessions, newest last


_stacks = _Stacks()
_global = {"graph_class": None, "graph": None}


def install_graph_class(graph_class):
    """Called once by graph.py: the class of the global default graph."""
    _global["graph_class"] = graph_class
    _global["graph"] = graph_class()


@contextlib.contextmanager
def _pushed(stack, item):
    stack.append(item)
    try:
        yield item
    finally:
        stack.pop()


def default_graph_context(graph):
    return _pushed(_stacks.graphs, graph)


def get_default_graph():
    """The graph new ops go to: the innermost `as_default()` graph, else the global one."""
    return _stacks.graphs[-1] if _stacks.graphs else _global["graph"]


def reset_default_graph():
    """Clears the default graph (a fresh Graph replaces it). Not allowed inside `as_default()`."""
    if _stacks.graphs:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _global["graph"] = _global["graph_class"]()


def default_session_context(session):
    return _pushed(_stacks.sessions, session)


def set_interactive_session(session):
    """Installs `session` as the default session of this thread (TF1's InteractiveSession);
    closing it uncovers the one opened before."""
    _stacks.interactive.append(session)


def clear_interactive_session(session):
    if session in _stacks.interactive:
        _stacks.interactive.remove(session)


def get_default_session():
    """The session `eval()` and `run()` use: the innermost `as_default()` / `with` session,
    else the newest open InteractiveSession."""
    if _stacks.sessions:
        return _stacks.sessions[-1]
    return _stacks.interactive[-1] if _stacks.interactive else None


def default_session_for(graph, session, what):
    """The session `Tensor.eval` / `Operation.run` uses, with TF1's errors when there is none."""
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot %s: no default session is registered. Use `with "
                             "sess.as_default():`, a tf.InteractiveSession, or pass one "
                             "explicitly (`%s(session=sess)`)." % (
                                 "evaluate tensor using `eval()`" if what == "eval"
                                 else "execute operation using `run()`", what))
    if session.graph is not graph:
        raise ValueError("Cannot use the given session to %s: the graph of the tensor or "
                         "operation is different from the session's graph."
                         % ("evaluate tensor" if what == "eval" else "execute operation"))
    return session
