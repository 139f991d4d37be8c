"""Draws a graph as SVG (and HTML) with a pure-Python layered layout: name scopes as boxes (large
ones collapsed, expandable in HTML), op types and shapes on nodes, dtypes and shapes on edges.

The layout is compound and layered: each name scope is laid out on its own (its ops and its
child scopes as items, ranked by longest path from the sources, ordered by the mean position of
their predecessors), then placed as one box in its parent. Cost is linear in ops times scope
depth; no graphviz or other system package is used."""

import html

_VARIABLE_TYPES = frozenset(("VariableV2", "Variable", "VarHandleOp"))
_PLACEHOLDER_TYPES = frozenset(("Placeholder", "PlaceholderWithDefault"))
_CONST_TYPES = frozenset(("Const",))

NODE_H = 34          # height of an op node
GAP_X, GAP_Y = 16, 34  # between items in a layer, between layers
PAD, HEAD = 10, 18   # inside a scope box: padding, and the title line
COLLAPSED_H = 40
CHAR_W, SMALL_W = 7.0, 5.6  # estimated text widths at 12px and 10px


def _esc(s):
    return html.escape(str(s), quote=True)


def _shape_text(t):
    return str(t.shape)


def _tensor_text(t):
    return "%s %s" % (t.dtype.name, _shape_text(t))


def _kind(op):
    if op.type in _VARIABLE_TYPES:
        return "variable"
    if op.type in _PLACEHOLDER_TYPES:
        return "placeholder"
    if op.type in _CONST_TYPES:
        return "constant"
    return "op"


def _parent(path):
    return path.rsplit("/", 1)[0] if "/" in path else ""


class _Item:
    """One box of a layout level: an op, an expanded scope, or a collapsed scope."""

    __slots__ = ("key", "kind", "op", "scope", "w", "h", "x", "y", "children", "order", "rank",
                 "label", "sub", "count")

    def __init__(self, key, kind):
        self.key, self.kind = key, kind
        self.op = self.scope = self.children = self.label = self.sub = None
        self.x = self.y = 0.0
        self.order = self.rank = self.count = 0


class Drawing:
    """A drawn graph: `svg` (a standalone SVG document), `html()` (the SVG plus an expandable
    drawing of each collapsed scope), `save(path)`; displays itself in Jupyter."""

    def __init__(self, ops, title="", highlight=(), max_nodes=None, inside=""):
        self.ops = list(ops)
        self.title = title
        self.highlight = set(highlight)
        self.max_nodes = max_nodes
        self.inside = inside  # the scope this drawing expands: it and its parents never collapse
        self._layout()
        self.svg = self._render()

    # ---- structure ---------------------------------------------------------------------------
    def _layout(self):
        ops = self.ops
        self.index = {op: i for i, op in enumerate(ops)}
        names = {op.name for op in ops}
        scopes = set()
        for op in ops:
            p = _parent(op.name)
            while p and p not in scopes:
                scopes.add(p)
                p = _parent(p)
        # An op named like a scope (a variable `X` beside `X/read`) is drawn inside that scope.
        self.container = {op: (op.name if op.name in scopes else _parent(op.name)) for op in ops}
        self.count = dict.fromkeys(scopes, 0)
        for op in ops:
            p = self.container[op]
            while p:
                self.count[p] += 1
                p = _parent(p)
        self.collapsed = self._choose_collapsed(scopes)
        self.visible = {}  # op -> key of the item that shows it (itself or a collapsed scope)
        for op in ops:
            chain = self._chain(self.container[op])
            top = next((s for s in chain if s in self.collapsed), None)
            self.visible[op] = ("scope", top) if top is not None else ("op", op)
        self.root = self._layout_scope("", ops)

    @staticmethod
    def _chain(path):
        """'a/b/c' -> ['a', 'a/b', 'a/b/c'] (outermost first)."""
        if not path:
            return []
        parts = path.split("/")
        return ["/".join(parts[:i + 1]) for i in range(len(parts))]

    def _choose_collapsed(self, scopes):
        """Collapses the largest scopes first (a parent before its children, so collapsed
        scopes never nest) until at most `max_nodes` items are visible."""
        if self.max_nodes is None:
            return set()
        visible = len(self.ops)
        collapsed = set()
        keep_open = set(self._chain(self.inside))
        for scope in sorted(scopes, key=lambda s: (-self.count[s], s.count("/"), s)):
            if visible <= self.max_nodes:
                break
            if scope in keep_open or any(p in collapsed for p in self._chain(_parent(scope))):
                continue
            collapsed.add(scope)
            visible -= self.count[scope] - 1
        return collapsed

    def _layout_scope(self, scope, ops):
        """Lays out the ops inside `scope` (all descendants given in `ops`); returns an item
        whose children have positions relative to it."""
        depth = scope.count("/") + 1 if scope else 0
        items = {}
        for op in ops:
            chain = self._chain(self.container[op])
            key = ("scope", chain[depth]) if len(chain) > depth else ("op", op)
            if key not in items:
                item = items[key] = _Item(key, key[0])
                item.order = self.index[op]
                if key[0] == "op":
                    item.op = op
                else:
                    item.scope = key[1]
                    item.sub = []
            if key[0] == "scope":
                items[key].sub.append(op)
        # Edges between this level's items, through any depth of nesting.
        item_of = {}
        for key, item in items.items():
            for op in (item.sub if item.sub is not None else (item.op,)):
                item_of[op] = item
        preds = {item.key: [] for item in items.values()}
        for op in ops:
            b = item_of[op]
            for src in list(op.inputs) + list(op.control_inputs):
                src_op = getattr(src, "op", src)
                a = item_of.get(src_op)
                if a is not None and a is not b:
                    preds[b.key].append(a)
        ordered = sorted(items.values(), key=lambda it: it.order)
        for item in ordered:  # longest path from the sources; back edges (cycles) ignored
            item.rank = 1 + max((p.rank for p in preds[item.key] if p.order < item.order),
                                default=-1)
        for item in ordered:
            self._size(item)
        layers = {}
        for item in ordered:
            layers.setdefault(item.rank, []).append(item)
        pos = {}
        y = HEAD + PAD if scope else PAD
        rows = []
        for rank in sorted(layers):
            layer = layers[rank]
            def bary(it):
                ps = [pos[p.key] for p in preds[it.key] if p.key in pos]
                return (sum(ps) / len(ps) if ps else float("inf"), it.order)
            layer.sort(key=bary)
            width = sum(it.w for it in layer) + GAP_X * (len(layer) - 1)
            height = max(it.h for it in layer)
            rows.append((layer, width, y))
            for i, it in enumerate(layer):
                pos[it.key] = i / max(len(layer) - 1, 1)
            y += height + GAP_Y
        total_w = max(w for _, w, _ in rows) if rows else 0
        for layer, width, ly in rows:
            x = PAD + (total_w - width) / 2
            for it in layer:
                it.x, it.y = x, ly
                x += it.w + GAP_X
        box = _Item(("scope", scope), "scope")
        box.scope = scope
        box.children = ordered
        box.count = len(ops)
        box.w = max(total_w + 2 * PAD, len(scope.rsplit("/", 1)[-1]) * CHAR_W + 2 * PAD)
        box.h = y - GAP_Y + PAD if rows else HEAD + 2 * PAD
        return box

    def _size(self, item):
        if item.kind == "op":
            op = item.op
            item.label = op.name.rsplit("/", 1)[-1]
            shape = _shape_text(op.outputs[0]) if op.outputs else ""
            sub = "%s %s" % (op.type, shape)
            item.w = max(len(item.label) * CHAR_W, len(sub) * SMALL_W) + 16
            item.h = NODE_H
        elif item.scope in self.collapsed:
            item.kind = "collapsed"
            item.label = "%s (%d ops)" % (item.scope.rsplit("/", 1)[-1], len(item.sub))
            item.w = len(item.label) * CHAR_W + 24
            item.h = COLLAPSED_H
        else:
            inner = self._layout_scope(item.scope, item.sub)
            item.children, item.w, item.h = inner.children, inner.w, inner.h
            item.count = len(item.sub)

    # ---- rendering ---------------------------------------------------------------------------
    def _render(self):
        out = []
        boxes = {}  # visible key -> (x, y, w, h) in absolute coordinates
        self._emit(self.root.children, 0.0, 0.0, out, boxes)
        edges = self._emit_edges(boxes)
        w, h = self.root.w + PAD, self.root.h + PAD
        head = ('<svg xmlns="http://www.w3.org/2000/svg" class="minitf-graph" width="%d" '
                'height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">'
                % (w, h, w, h))
        style = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                 'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
                 'fill="#777"/></marker></defs>')
        title = "<title>%s</title>" % _esc(self.title) if self.title else ""
        return "".join([head, title, style] + out + edges + ["</svg>"])

    def _emit(self, items, ox, oy, out, boxes):
        for it in items:
            x, y = ox + it.x, oy + it.y
            if it.kind == "scope":
                out.append('<g class="scope" data-name="%s"><rect x="%.1f" y="%.1f" width="%.1f" '
                           'height="%.1f" rx="8" fill="#eef3fb" fill-opacity="0.6" '
                           'stroke="#8aa4c8" stroke-dasharray="4 2"/><text x="%.1f" y="%.1f" '
                           'font-size="12" font-weight="bold" fill="#34568b">%s</text></g>'
                           % (_esc(it.scope), x, y, it.w, it.h, x + 8, y + 14,
                              _esc(it.scope.rsplit("/", 1)[-1])))
                self._emit(it.children, x, y, out, boxes)
            elif it.kind == "collapsed":
                boxes[("scope", it.scope)] = (x, y, it.w, it.h)
                out.append('<g class="scope collapsed" data-name="%s" data-ops="%d"><title>%s: %d '
                           'ops (expand below the drawing)</title><rect x="%.1f" y="%.1f" '
                           'width="%.1f" height="%.1f" rx="8" fill="#dbe6f7" stroke="#34568b" '
                           'stroke-width="2"/><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                           'rx="6" fill="none" stroke="#34568b"/><text x="%.1f" y="%.1f" '
                           'font-size="12" text-anchor="middle" fill="#1c355e">%s</text></g>'
                           % (_esc(it.scope), len(it.sub), _esc(it.scope), len(it.sub), x, y,
                              it.w, it.h, x + 3, y + 3, it.w - 6, it.h - 6, x + it.w / 2,
                              y + it.h / 2 + 4, _esc(it.label)))
            else:
                op = it.op
                boxes[("op", op)] = (x, y, it.w, it.h)
                kind = _kind(op)
                fill, stroke, rx = {"variable": ("#fde7c8", "#d27d00", 4),
                                    "placeholder": ("#daf1da", "#2e7d32", NODE_H / 2),
                                    "constant": ("#f1f1f1", "#9a9a9a", 4)}.get(
                                        kind, ("#ffffff", "#555555", 6))
                width = 3 if op in self.highlight else 1.2
                if op in self.highlight:
                    stroke = "#d62728"
                outs = "; ".join("%s: %s" % (t.name, _tensor_text(t)) for t in op.outputs)
                shape = _shape_text(op.outputs[0]) if op.outputs else ""
                out.append('<g class="node %s" data-name="%s" data-type="%s"><title>%s (%s)\n%s'
                           '</title><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.1f" '
                           'fill="%s" stroke="%s" stroke-width="%s"/><text x="%.1f" y="%.1f" '
                           'font-size="12" text-anchor="middle">%s</text><text x="%.1f" y="%.1f" '
                           'font-size="10" text-anchor="middle" fill="#555">%s %s</text></g>'
                           % (kind, _esc(op.name), _esc(op.type), _esc(op.name), _esc(op.type),
                              _esc(outs), x, y, it.w, it.h, rx, fill, stroke, width,
                              x + it.w / 2, y + 14, _esc(it.label), x + it.w / 2, y + 27,
                              _esc(op.type), _esc(shape)))

    def _emit_edges(self, boxes):
        edges = {}
        for op in self.ops:
            dst = self.visible[op]
            for t in op.inputs:
                src = self.visible.get(t.op)
                if src is not None and src != dst:
                    edges.setdefault((src, dst, "data"), []).append(t)
            for c in op.control_inputs:
                src = self.visible.get(c)
                if src is not None and src != dst:
                    edges.setdefault((src, dst, "control"), [])
        out = []
        for (src, dst, kind), tensors in edges.items():
            sx, sy, sw, sh = boxes[src]
            dx, dy, dw, dh = boxes[dst]
            x1, y1, x2, y2 = sx + sw / 2, sy + sh, dx + dw / 2, dy
            if y2 < y1:  # an edge going up (out of a collapsed scope, or a back edge)
                y1, y2 = sy, dy + dh
            mid = (y1 + y2) / 2
            names = lambda key: key[1] if key[0] == "scope" else key[1].name
            if kind == "control":
                label, attrs = "", 'stroke="#aaa" stroke-dasharray="3 3"'
            else:
                uniq = list(dict.fromkeys(tensors))
                label = _tensor_text(uniq[0]) + (" \u00d7%d" % len(uniq) if len(uniq) > 1 else "")
                attrs = 'stroke="#777"'
            out.append('<g class="edge %s" data-src="%s" data-dst="%s"><title>%s</title><path '
                       'd="M%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" %s '
                       'marker-end="url(#arrow)"/>'
                       % (kind, _esc(names(src)), _esc(names(dst)),
                          _esc(", ".join(t.name + " " + _tensor_text(t) for t in tensors)
                               or "control dependency"),
                          x1, y1, x1, mid, x2, mid, x2, y2, attrs))
            if label:
                out.append('<text x="%.1f" y="%.1f" font-size="9" fill="#888">%s</text>'
                           % ((x1 + x2) / 2 + 3, mid, _esc(label)))
            out.append("</g>")
        return out

    # ---- outputs -----------------------------------------------------------------------------
    def html(self):
        """The SVG, then for each collapsed scope a <details> element that expands to its
        drawing (recursively), so large graphs stay readable in a notebook."""
        parts = ['<div class="minitf-graph-view">']
        if self.title:
            parts.append('<div style="font-family:monospace;font-size:12px">%s</div>'
                         % _esc(self.title))
        parts.append('<div style="overflow:auto;max-height:900px">%s</div>' % self.svg)
        members = {}
        for op in self.ops:
            if self.visible[op][0] == "scope":
                members.setdefault(self.visible[op][1], []).append(op)
        for scope in sorted(members):
            inside = members[scope]
            sub = Drawing(inside, highlight=self.highlight, max_nodes=self.max_nodes,
                          inside=scope)
            parts.append('<details style="margin-left:%dpx"><summary>scope <b>%s</b> (%d ops)'
                         '</summary>%s</details>' % (8, _esc(scope), len(inside), sub.html()))
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self):
        return self.html()

    def save(self, path):
        """Writes the SVG document to `path`."""
        with open(path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + self.svg)
        return path


def ancestors(ops):
    """`ops` and every op they depend on (inputs and control inputs), in creation order."""
    seen, stack = set(), list(ops)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return sorted(seen, key=lambda op: op.index)


def draw(obj, max_nodes=None):
    """A Drawing of a Graph (all its ops), or of what a Tensor / Operation depends on (that op
    highlighted), or of a list of them."""
    from minitf.framework.graph import Graph
    from minitf.framework.operation import Operation
    from minitf.framework.tensor import Tensor
    if isinstance(obj, Graph):
        return Drawing(obj.get_operations(), title=repr(obj), max_nodes=max_nodes)
    targets = obj if isinstance(obj, (list, tuple)) else [obj]
    ops = []
    for t in targets:
        if isinstance(t, Tensor):
            ops.append(t.op)
        elif isinstance(t, Operation):
            ops.append(t)
        else:
            raise TypeError("show_graph draws a tf.Graph, tf.Tensor or tf.Operation (or a list "
                            "of them), not %r" % type(t).__name__)
    title = repr(obj) if not isinstance(obj, (list, tuple)) else ""
    return Drawing(ancestors(ops), title=title, highlight=ops, max_nodes=max_nodes)


DEFAULT_MAX_NODES = 60


def repr_html(obj):
    """What Graph, Tensor and Operation show in Jupyter (their `_repr_html_`)."""
    return draw(obj, max_nodes=DEFAULT_MAX_NODES).html()
