"""minitf.visualize and the Jupyter drawings of Graph / Tensor / Operation: the SVG is parsed and
its structure checked (nodes, edges, scopes, marks, layout without overlaps)."""

import functools
import html
import itertools
import xml.etree.ElementTree as ET

import pytest

import minitf as tf
from minitf import visualize

SVG = "{http://www.w3.org/2000/svg}"


@functools.lru_cache(maxsize=None)
def build_mlp():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, (None, 64), name="x")
        y = tf.placeholder(tf.int64, (None,), name="y")
        with tf.name_scope("mlp"):
            h = tf.layers.dense(x, 32, activation=tf.nn.relu, name="hidden")
            logits = tf.layers.dense(h, 10, name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=logits), name="loss")
        step = tf.train.AdamOptimizer(0.01).minimize(loss)
    return g, x, logits, loss, step


def parse(svg):
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    groups = list(root.iter(SVG + "g"))
    nodes = {g.get("data-name"): g for g in groups if "node" in g.get("class").split()}
    edges = [g for g in groups if "edge" in g.get("class").split()]
    scopes = {g.get("data-name"): g for g in groups if "scope" in g.get("class").split()}
    return root, nodes, edges, scopes


def box(g):
    r = g.find(SVG + "rect")
    return tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))


def test_every_op_is_a_node_with_its_type_and_shape_and_every_input_an_edge():
    g, *_ = build_mlp()
    _, nodes, edges, scopes = parse(visualize.show_graph(g, max_nodes=None).svg)
    ops = g.get_operations()
    assert set(nodes) == {op.name for op in ops}
    for op in ops:
        texts = [t.text for t in nodes[op.name].iter(SVG + "text")]
        assert texts[0] == op.name.rsplit("/", 1)[-1]
        assert texts[1] == "%s %s" % (op.type, op.outputs[0].shape if op.outputs else "")
    pairs = {(e.get("data-src"), e.get("data-dst")) for e in edges}
    wanted = {(t.op.name, op.name) for op in ops for t in op.inputs}
    wanted |= {(c.name, op.name) for op in ops for c in op.control_inputs}
    assert pairs == wanted
    matmul = next(e for e in edges if e.get("data-src") == "x"
                  and e.get("data-dst") == "mlp/hidden/MatMul")
    assert [t.text for t in matmul.iter(SVG + "text")] == ["float32 (?, 64)"]
    control = [e for e in edges if "control" in e.get("class")]
    assert control and all(e.find(SVG + "path").get("stroke-dasharray") for e in control)
    assert {"mlp", "mlp/hidden", "mlp/logits", "gradients", "Adam"} <= set(scopes)


def test_variables_and_placeholders_are_marked():
    g, *_ = build_mlp()
    _, nodes, _, _ = parse(visualize.show_graph(g, max_nodes=None).svg)
    assert "placeholder" in nodes["x"].get("class") and "placeholder" in nodes["y"].get("class")
    assert "variable" in nodes["hidden/kernel"].get("class")
    assert "variable" not in nodes["hidden/kernel/read"].get("class")
    assert box(nodes["x"])[3] / 2 == float(nodes["x"].find(SVG + "rect").get("rx"))  # pill


def test_nodes_sit_inside_their_scope_boxes_and_do_not_overlap():
    g, *_ = build_mlp()
    _, nodes, _, scopes = parse(visualize.show_graph(g, max_nodes=None).svg)
    for name, node in nodes.items():
        x, y, w, h = box(node)
        parts = name.split("/")
        for i in range(1, len(parts)):
            scope = "/".join(parts[:i])
            sx, sy, sw, sh = box(scopes[scope])
            assert sx <= x and x + w <= sx + sw and sy <= y and y + h <= sy + sh, (name, scope)
    for (a, na), (b, nb) in itertools.combinations(nodes.items(), 2):
        ax, ay, aw, ah = box(na)
        bx, by, bw, bh = box(nb)
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)


def test_large_scopes_collapse_to_max_nodes_and_expand_in_html():
    g, *_ = build_mlp()
    drawing = visualize.show_graph(g, max_nodes=20)
    _, nodes, edges, scopes = parse(drawing.svg)
    collapsed = {n: s for n, s in scopes.items() if "collapsed" in s.get("class")}
    assert collapsed and len(nodes) + len(collapsed) <= 20
    assert sum(int(s.get("data-ops")) for s in collapsed.values()) + len(nodes) == \
        len(g.get_operations())
    assert any(e.get("data-src") in collapsed or e.get("data-dst") in collapsed for e in edges)
    html = drawing.html()
    assert html.count("<details") >= len(collapsed)
    for name in collapsed:
        assert "<summary>scope <b>%s</b>" % name in html
    # Every op is drawn somewhere once the details are expanded.
    for op in g.get_operations():
        assert 'data-name="%s"' % op.name in html


def test_a_tensor_draws_what_it_depends_on_highlighted_and_writes_svg(tmp_path):
    g, x, logits, loss, step = build_mlp()
    drawing = visualize.show_graph(logits, max_nodes=None, path=str(tmp_path / "logits.svg"))
    _, nodes, _, _ = parse(drawing.svg)
    assert "x" in nodes and "hidden/kernel" in nodes and "y" not in nodes and "loss" not in nodes
    assert nodes["mlp/logits/BiasAdd"].find(SVG + "rect").get("stroke") == "#d62728"
    written = (tmp_path / "logits.svg").read_text()
    assert written.startswith("<?xml") and parse(written.split("\n", 1)[1])[1].keys() == \
        nodes.keys()


def test_graph_tensor_and_operation_draw_themselves_in_jupyter():
    g, x, logits, loss, step = build_mlp()
    for obj in (g, loss, step):
        page = obj._repr_html_()
        assert page.startswith('<div class="minitf-graph-view">') and "<svg" in page
        assert html.escape(repr(obj)) in page
    assert 'data-name="y"' in loss.op._repr_html_() and 'data-name="y"' not in \
        logits._repr_html_()
    with g.as_default():
        assert "<svg" in visualize.show_graph().html()  # the default graph


def test_show_graph_rejects_other_objects():
    with pytest.raises(TypeError, match="tf.Graph, tf.Tensor or tf.Operation"):
        visualize.show_graph(3.0)
