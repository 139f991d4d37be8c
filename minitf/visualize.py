"""Graph drawing for notebooks and files: ``show_graph`` draws a Graph, or what a Tensor or
Operation depends on, as SVG with name scopes as boxes (pure Python, no graphviz)."""

from minitf.framework import drawing as _drawing
from minitf.framework.graph import get_default_graph as _get_default_graph

__all__ = ["show_graph"]


def show_graph(graph_or_tensor=None, max_nodes=_drawing.DEFAULT_MAX_NODES, path=None):
    """Draws a graph inline in Jupyter (the returned object displays itself) and optionally
    writes it to an SVG file.

    Args:
      graph_or_tensor: a tf.Graph (all its ops), a tf.Tensor or tf.Operation (it and every op
        it depends on, itself highlighted), or a list of tensors/operations; the default graph
        when None.
      max_nodes: the largest name scopes are collapsed into one box each until at most this many
        boxes are drawn (None: collapse nothing). In HTML each collapsed scope expands below
        the drawing.
      path: when given, the SVG document is written there.

    Returns:
      a Drawing: ``.svg`` is the SVG text, ``.html()`` the expandable HTML, ``.save(path)``
      writes the SVG.
    """
    drawing = _drawing.draw(_get_default_graph() if graph_or_tensor is None else graph_or_tensor,
                            max_nodes=max_nodes)
    if path is not None:
        drawing.save(path)
    return drawing
