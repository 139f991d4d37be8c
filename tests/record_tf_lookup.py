"""Records what TF 1.x's lookup tables do (tf.lookup, tf.contrib.lookup's helpers and
MutableHashTable, tf.tables_initializer, a table in a Saver checkpoint, in tf.data map
functions and in tf.cond / tf.while_loop) into tests/fixtures/tf_lookup.json, for
tests/test_lookup_tables.py, which runs `record` on minitf. Run with a Python that has
TensorFlow: python tests/record_tf_lookup.py (only __main__ imports TensorFlow; TF 2's
compat.v1 has no tf.contrib, so its lookup_ops module stands in for tf.contrib.lookup)."""

import json
import os
import tempfile

VOCAB = "emerson\nlake\npalmer\n"
COLUMNS = "a\t10\tx\nb\t20\ty\n"
DUPLICATES = "a\nb\na\n"


def _run(tf, fetch, init=True):
    """The fetched values as lists, or [error class, message's first line]."""
    try:
        with tf.Session() as sess:
            if init:
                sess.run(tf.tables_initializer())
            return _lists(sess.run(fetch))
    except tf.errors.OpError as e:
        return [type(e).__name__, _first_line(e.message)]


def _first_line(message):
    """TF 2 prefixes 'Graph execution error:' and where the node was defined; the message
    proper is the line before the node's [[...]] (minitf's message is that line)."""
    lines = [l for l in message.split("\n") if l.strip()]
    for i, line in enumerate(lines):
        if line.strip().startswith("[[") and i:
            return lines[i - 1]
    return lines[0]


def _lists(value):
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if hasattr(value, "tolist"):
        value = value.tolist()
    return _decode(value)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value.decode() if isinstance(value, bytes) else value


def _names(tf):
    return [op.name for op in tf.get_default_graph().get_operations()]


def _error(fn):
    try:
        fn()
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
    return None


def record(tf, lookup, workdir):
    """`lookup`: tf.contrib.lookup (TF's lookup_ops module when recording)."""
    paths = {}
    for name, text in (("vocab", VOCAB), ("columns", COLUMNS), ("duplicates", DUPLICATES)):
        paths[name] = os.path.join(workdir, name + ".txt")
        with open(paths[name], "w") as f:
            f.write(text)
    rec = {}

    tf.reset_default_graph()
    init = tf.lookup.KeyValueTensorInitializer(["a", "b", "c"], [1, 2, 3],
                                               value_dtype=tf.int64)
    table = tf.lookup.StaticHashTable(init, -1)
    out = table.lookup(tf.constant([["a", "z"], ["c", "b"]]))
    size = table.size()
    init_op = tf.tables_initializer()
    rec["static"] = {
        "dtypes": [init.key_dtype.name, init.value_dtype.name, table.key_dtype.name,
                   table.value_dtype.name],
        "names": [table.name, table.resource_handle.name, table.default_value.name, out.name,
                  size.name, size.dtype.name, init_op.name, str(out.shape)]
        + [op.name for op in tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)],
        "uninitialized": _run(tf, out, init=False),
        "size_uninitialized": _run(tf, size, init=False),
        "values": _run(tf, [out, size]),
        "types": [table.resource_handle.op.type, out.op.type, size.op.type,
                  tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)[0].type],
        "ops": _names(tf),
    }
    with tf.Session() as sess:
        sess.run(init_op)
        sess.run(init_op)  # the same entries again: nothing happens
        rec["static"]["reinitialized"] = _lists(sess.run(out))
    rec["static"]["wrong_key_dtype"] = _error(lambda: table.lookup(tf.constant([1, 2])))
    sparse = table.lookup(tf.SparseTensor([[0, 0], [1, 2]], tf.constant(["c", "q"]), [2, 3]))
    rec["static"]["sparse"] = [type(sparse).__name__, _run(tf, sparse.values),
                               _run(tf, sparse.indices)]

    cases = {}
    for case, keys, key_dtype, values, default, query in [
            ("int32_values", ["a", "b"], None, [1, 2], -1, ["a", "q"]),
            ("int64_to_float", [1, 2], "int64", [1.5, 2.5], -1.0, [2, 3]),
            ("int32_keys", [1, 2], None, [1.5, 2.5], 0.0, [1, 3]),
            ("string_to_string", ["x", "y"], None, ["ex", "why"], "?", ["y", "z"]),
            ("duplicate_same", ["a", "a"], None, [1, 1], -1, ["a"]),
            ("duplicate_different", ["a", "b", "a"], None, [1, 2, 3], -1, ["a"])]:
        tf.reset_default_graph()
        t = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(
            keys, values, key_dtype=key_dtype), default)
        o = t.lookup(tf.constant(query, dtype=key_dtype))
        cases[case] = [t.key_dtype.name, t.value_dtype.name, o.dtype.name, _run(tf, o)]
    rec["key_value_cases"] = cases

    tf.reset_default_graph()
    vocab = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        ["a", "b"], tf.constant([0, 1], tf.int64)), 3)
    out = vocab.lookup(tf.constant([["a", "x"], ["yy", "b"], ["zebra", ""]]))
    rec["vocabulary"] = {"names": [vocab.name, out.name, str(out.shape)], "ops": _names(tf),
                         "values": _run(tf, [out, vocab.size()])}
    tf.reset_default_graph()
    vocab = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant([5, 7], tf.int64), tf.constant([0, 1], tf.int64)), 4, name="ids")
    out = vocab.lookup(tf.constant([7, 8, 9, 10, 5, -3], tf.int64))
    rec["vocabulary_int64"] = {"names": [vocab.name, out.name], "values": _run(tf, out)}
    rec["vocabulary_errors"] = {
        "zero_buckets": _error(lambda: tf.lookup.StaticVocabularyTable(
            tf.lookup.KeyValueTensorInitializer(["a"], tf.constant([0], tf.int64)), 0)),
        "int32_values": _error(lambda: tf.lookup.StaticVocabularyTable(
            tf.lookup.KeyValueTensorInitializer(["a"], [0]), 1))}

    files = {}
    whole, number = tf.lookup.TextFileIndex.WHOLE_LINE, tf.lookup.TextFileIndex.LINE_NUMBER
    for case, args, kwargs, default, query in [
            ("words", (paths["vocab"], tf.string, whole, tf.int64, number), {}, -1,
             ["lake", "x", "palmer", "emerson"]),
            ("columns", (paths["columns"], tf.string, 0, tf.int64, 1), {"delimiter": "\t"}, -1,
             ["a", "b", "c"]),
            ("column_strings", (paths["columns"], tf.string, 0, tf.string, 2), {}, "?",
             ["a", "b", "c"]),
            ("not_a_number", (paths["columns"], tf.string, 0, tf.int64, 2), {}, -1, ["a"]),
            ("too_few_columns", (paths["columns"], tf.string, 0, tf.int64, 5), {}, -1, ["a"]),
            ("vocab_size_2", (paths["vocab"], tf.string, whole, tf.int64, number),
             {"vocab_size": 2}, -1, ["emerson", "lake", "palmer"]),
            ("vocab_size_5", (paths["vocab"], tf.string, whole, tf.int64, number),
             {"vocab_size": 5}, -1, ["lake"]),
            ("ids_to_words", (paths["vocab"], tf.int64, number, tf.string, whole), {}, "UNK",
             [0, 2, 7]),
            ("duplicate_words", (paths["duplicates"], tf.string, whole, tf.int64, number), {},
             -1, ["a"])]:
        tf.reset_default_graph()
        t = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(*args, **kwargs), default)
        o = t.lookup(tf.constant(query, dtype=t.key_dtype))
        files[case] = _run(tf, o)
        if case == "words":
            files["ops"] = _names(tf)
            files["assets"] = [t.name for t in tf.get_collection(tf.GraphKeys.ASSET_FILEPATHS)]
    tf.reset_default_graph()
    changing = os.path.join(workdir, "changing.txt")
    with open(changing, "w") as f:
        f.write("old\n")
    t = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        changing, tf.string, whole, tf.int64, number), -1)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        with open(changing, "w") as f:
            f.write("new\n")
        sess.run(tf.tables_initializer())  # the table keeps what it has
        files["changed_file"] = _lists(sess.run(t.lookup(tf.constant(["old", "new"]))))
    rec["text_files"] = files

    tf.reset_default_graph()
    fed = tf.placeholder(tf.int64, [2])
    t = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "b"], fed), -1)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer(), {fed: [1, 2]})
        sess.run(tf.tables_initializer(), {fed: [3, 4]})  # the table keeps what it has
        rec["reinitialized_with_other_values"] = _lists(sess.run(t.lookup(tf.constant(["a"]))))
    rec["text_file_index"] = [whole, number]
    rec["text_file_errors"] = {
        "line_number_keys": _error(lambda: tf.lookup.TextFileInitializer(
            paths["vocab"], tf.string, number, tf.int64, whole)),
        "whole_line_values": _error(lambda: tf.lookup.TextFileInitializer(
            paths["vocab"], tf.string, whole, tf.int64, whole)),
        "vocab_size_0": _error(lambda: tf.lookup.TextFileInitializer(
            paths["vocab"], tf.string, whole, tf.int64, number, vocab_size=0))}

    helpers = {}
    for case, make, query, query_dtype in [
            ("index_table_from_file_oov", lambda: lookup.index_table_from_file(
                paths["vocab"], num_oov_buckets=2), ["lake", "zz", "palmer", "x"], None),
            ("index_table_from_file", lambda: lookup.index_table_from_file(paths["vocab"]),
             ["lake", "zz"], None),
            ("index_table_from_file_default", lambda: lookup.index_table_from_file(
                paths["vocab"], default_value=7, vocab_size=2), ["palmer", "lake"], None),
            ("index_table_from_tensor", lambda: lookup.index_table_from_tensor(
                tf.constant(["a", "b", "c"]), num_oov_buckets=1), ["c", "zz"], None),
            ("index_table_from_tensor_int64", lambda: lookup.index_table_from_tensor(
                tf.constant([5, 7, 9], tf.int64), num_oov_buckets=3, dtype=tf.int64),
             [9, 10, 11, 12], "int64"),
            ("index_to_string_table_from_file", lambda: lookup.index_to_string_table_from_file(
                paths["vocab"], default_value="UNK"), [0, 2, 5], "int64"),
            ("index_to_string_table_from_tensor",
             lambda: lookup.index_to_string_table_from_tensor(["a", "b"]), [1, 5], "int64")]:
        tf.reset_default_graph()
        t = make()
        o = t.lookup(tf.constant(query, dtype=query_dtype))
        helpers[case] = {"values": _run(tf, o), "name": t.name, "out": o.name, "ops": _names(tf)}
    rec["helpers"] = helpers
    rec["helper_errors"] = {
        "no_file": _error(lambda: lookup.index_table_from_file("")),
        "negative_buckets": _error(lambda: lookup.index_table_from_file(paths["vocab"],
                                                                         num_oov_buckets=-1)),
        "vocab_size_0": _error(lambda: lookup.index_table_from_file(paths["vocab"],
                                                                     vocab_size=0))}

    tf.reset_default_graph()
    table = lookup.MutableHashTable(tf.string, tf.int64, -1)
    insert = table.insert(tf.constant(["a", "b"]), tf.constant([1, 2], tf.int64))
    find = table.lookup(tf.constant(["a", "c"]))
    keys, values = table.export()
    size = table.size()
    remove = table.remove(tf.constant(["a"]))
    saver = tf.train.Saver()
    mutable = {"names": [table.name, insert.name, find.name, keys.name, values.name, size.name,
                         remove.name], "ops": _names(tf),
               "saveables": len(tf.get_collection(tf.GraphKeys.SAVEABLE_OBJECTS))}
    prefix = os.path.join(workdir, "table.ckpt")
    with tf.Session() as sess:
        mutable["empty"] = _lists(sess.run([find, size]))
        sess.run(insert)
        exported = sess.run([keys, values])
        mutable["exported"] = sorted(zip(_lists(exported[0]), _lists(exported[1])))
        mutable["inserted"] = _lists(sess.run([find, size]))
        saver.save(sess, prefix)
        sess.run(remove)
        mutable["removed"] = _lists(sess.run([find, size]))
    mutable["checkpoint"] = sorted(name for name, _ in tf.train.list_variables(prefix))
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        mutable["restored"] = _lists(sess.run([find, size]))
    rec["mutable"] = mutable

    tf.reset_default_graph()
    vectors = lookup.MutableHashTable(tf.int64, tf.float32, [0.0, -1.0], name="vectors")
    insert = vectors.insert(tf.constant([3, 4], tf.int64), tf.constant([[1., 2.], [3., 4.]]))
    find = vectors.lookup(tf.constant([[4], [5]], tf.int64))
    with tf.Session() as sess:
        sess.run(insert)
        rec["mutable_vectors"] = [str(find.shape), _lists(sess.run(find))]

    tf.reset_default_graph()
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(
        ["a", "b"], tf.constant([1, 2], tf.int64)), 0)
    dataset = tf.data.Dataset.from_tensor_slices(["b", "x", "a"]).map(
        lambda s: table.lookup(s) * 10)
    iterator = dataset.make_initializable_iterator()
    element = iterator.get_next()
    got = []
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        sess.run(iterator.initializer)
        try:
            while True:
                got.append(int(sess.run(element)))
        except tf.errors.OutOfRangeError:
            pass
    rec["dataset_map"] = got

    pred = tf.placeholder(tf.bool, [])
    key = tf.constant("a")
    branch = tf.cond(pred, lambda: table.lookup(key), lambda: table.size())
    loop = tf.while_loop(lambda i, total: i < 3,
                         lambda i, total: (i + 1, total + table.lookup(tf.constant("b"))),
                         [tf.constant(0), tf.constant(0, tf.int64)])[1]
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        rec["control_flow"] = [int(sess.run(branch, {pred: True})),
                               int(sess.run(branch, {pred: False})), int(sess.run(loop))]

    tf.reset_default_graph()
    x = tf.placeholder(tf.bool, [])
    made_in_branch = tf.cond(x, lambda: tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(["k"], [5]), 0).lookup(tf.constant("k")),
        lambda: tf.constant(1))
    rec["table_made_in_cond"] = {
        "initializers": [op.name for op in tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)]}
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        rec["table_made_in_cond"]["values"] = [int(sess.run(made_in_branch, {x: True})),
                                               int(sess.run(made_in_branch, {x: False}))]

    tf.reset_default_graph()
    local = tf.Variable(3, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="local")
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a"], [4]), 0)
    value = table.lookup(tf.constant("a")) + local
    with tf.train.MonitoredSession() as sess:
        rec["monitored_session"] = int(sess.run(value))
    tf.reset_default_graph()
    rec["no_tables"] = [tf.tables_initializer().type, tf.initialize_all_tables().name,
                        tf.initializers.tables_initializer(name="t").name]
    return json.loads(json.dumps(rec).replace(workdir, "<dir>"))


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    from tensorflow.python.ops import lookup_ops
    tf.disable_v2_behavior()
    with tempfile.TemporaryDirectory() as workdir:
        result = record(tf, lookup_ops, workdir)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "tf_lookup.json")
    with open(path, "w") as f:
        json.dump({"tf_version": tf.__version__, **result}, f, indent=1, sort_keys=True)
    print("wrote", path)
