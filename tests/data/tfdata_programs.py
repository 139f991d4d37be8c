"""TF 1.15's further tf.data programs (shard, window, reduce, enumerate, unbatch, options,
cardinality and tf.data.experimental's transformations and CSV readers), run on TF by
tests/data/record_tf_tfdata.py and on minitf by tests/data/test_tfdata_more.py: each program
builds a dataset in a fresh graph; the runner records its output types and shapes, its elements
(through a one-shot iterator, as TF1 code iterates) and the error that ends it."""

import os

import numpy as np

CSV = ("a,b,c,d\n"
       "1,2.5,x,7\n"
       "2,,\"y,z\",8\n"
       "3,4.25,,9\n"
       "4,N/A,w,10\n")
CSV_NO_HEADER = "5|0.5|p|1\n6|1.5|q|2\n"
CSV_INFER = ("id,score,name,flag,big\n"
             "1,0.5,ann,1,3000000000\n"
             "2,1,bob,0,4\n"
             "3,2.5,cy,1,5\n")


def write_examples(tf, tmp):
    """Two TFRecord files of tf.train.Examples (id, score, word), written with `tf`'s writer."""
    paths = []
    for f, ids in (("ex0.tfrecord", [0, 1, 2]), ("ex1.tfrecord", [3, 4])):
        path = os.path.join(tmp, f)
        with tf.io.TFRecordWriter(path) as w:
            for i in ids:
                feature = {
                    "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
                    "score": tf.train.Feature(float_list=tf.train.FloatList(
                        value=[i * 0.5, -i])),
                    "word": tf.train.Feature(bytes_list=tf.train.BytesList(
                        value=[b"w%d" % i]))}
                if i != 2:
                    feature["opt"] = tf.train.Feature(int64_list=tf.train.Int64List(value=[7]))
                w.write(tf.train.Example(features=tf.train.Features(
                    feature=feature)).SerializeToString())
        paths.append(path)
    return os.path.join(tmp, "ex*.tfrecord")


def _example_features(tf):
    return {"id": tf.io.FixedLenFeature([], tf.int64),
            "score": tf.io.FixedLenFeature([2], tf.float32),
            "word": tf.io.FixedLenFeature([], tf.string),
            "opt": tf.io.FixedLenFeature([], tf.int64, default_value=-1)}


def write_csv(tmp):
    paths = {}
    for name, text in (("a.csv", CSV), ("b.csv", CSV_NO_HEADER), ("infer.csv", CSV_INFER)):
        paths[name] = os.path.join(tmp, name)
        with open(paths[name], "w") as f:
            f.write(text)
    return paths


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(v[k]) for k in sorted(v)}
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    v = np.asarray(v)
    if v.dtype == object or v.dtype.kind == "S":
        return np.vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])(v).tolist() \
            if v.size else v.tolist()
    return v.tolist()


def _err(e):
    """[class name, the first line of the message that is not TF 2's wrapping]."""
    message = getattr(e, "message", None) or str(e)
    lines = [line for line in message.splitlines() if line.strip() and not line[0].isspace()
             and not line.startswith(("Graph execution error", "Detected at node", "Node:",
                                      "in user code"))]
    return [type(e).__name__, lines[0] if lines else ""]


def _struct(tf, f, ds):
    def walk(x):
        if isinstance(x, dict):
            return {k: walk(x[k]) for k in sorted(x)}
        if isinstance(x, tuple):
            return [walk(v) for v in x]
        return f(x)
    return walk


def describe(tf, ds):
    types = tf.data.get_output_types(ds)
    shapes = tf.data.get_output_shapes(ds)

    def walk(x, fn):
        if isinstance(x, dict):
            return {k: walk(x[k], fn) for k in sorted(x)}
        if isinstance(x, tuple):
            return [walk(v, fn) for v in x]
        return fn(x)
    return {"types": walk(types, lambda t: t.name),
            "shapes": walk(shapes, lambda s: s.as_list() if s.ndims is not None else None)}


def run_dataset(tf, build, limit=60):
    """{"types", "shapes", "elements", "end"} of the dataset `build(tf)` makes, or
    {"build_error"}."""
    with tf.Graph().as_default():
        try:
            ds = build(tf)
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            return {"build_error": _err(e)}
        out = describe(tf, ds)
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        elements = []
        with tf.Session() as sess:
            try:
                while len(elements) < limit:
                    elements.append(_plain(sess.run(nxt)))
                out["end"] = "limit"
            except Exception as e:  # noqa: BLE001
                out["end"] = _err(e)
        out["elements"] = elements
        return out


def run_tensor(tf, build):
    """The value of the tensors `build(tf)` returns (or the error building or running them)."""
    with tf.Graph().as_default():
        try:
            t = build(tf)
        except Exception as e:  # noqa: BLE001
            return {"build_error": _err(e)}
        with tf.Session() as sess:
            try:
                return {"value": _plain(sess.run(t))}
            except Exception as e:  # noqa: BLE001
                return {"run_error": _err(e)}


def _seq_gen():
    for n in (1, 4, 2, 6, 3, 5, 2, 7, 1):
        yield list(range(1, n + 1))


def _seqs(tf):
    return tf.data.Dataset.from_generator(_seq_gen, tf.int64, [None])


def _pairs(tf):
    return tf.data.Dataset.from_tensor_slices(
        (np.arange(7, dtype=np.int64), np.arange(7, dtype=np.float32) * 0.5))


def _bad_inverse(tf):
    return tf.data.Dataset.from_tensor_slices(np.array([1.0, 2.0, 0.0, 4.0], np.float32)).map(
        lambda x: tf.debugging.check_numerics(1.0 / x, "inf"))


def dataset_programs(tmp):
    paths = write_csv(tmp) if tmp else {}
    exp = "experimental"
    P = {
        # shard
        "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
        "shard_pairs": lambda tf: _pairs(tf).shard(2, 0),
        "shard_zero": lambda tf: tf.data.Dataset.range(10).shard(0, 0),
        "shard_index_big": lambda tf: tf.data.Dataset.range(10).shard(3, 3),
        "shard_index_negative": lambda tf: tf.data.Dataset.range(10).shard(3, -1),
        # enumerate / unbatch
        "enumerate": lambda tf: tf.data.Dataset.range(3, 6).enumerate(5),
        "enumerate_pairs": lambda tf: _pairs(tf).take(3).enumerate(),
        "enumerate_dataset": lambda tf: tf.data.Dataset.range(2).apply(
            getattr(tf.data, exp).enumerate_dataset(start=2)),
        "unbatch": lambda tf: tf.data.Dataset.from_tensor_slices(
            np.arange(12, dtype=np.int32).reshape(2, 3, 2)).unbatch(),
        "unbatch_batched": lambda tf: _pairs(tf).batch(3).unbatch(),
        # window
        "window_flat": lambda tf: tf.data.Dataset.range(7).window(3, 2).flat_map(
            lambda w: w.batch(3)),
        "window_drop": lambda tf: tf.data.Dataset.range(7).window(3, drop_remainder=True)
        .flat_map(lambda w: w.batch(3)),
        "window_stride": lambda tf: tf.data.Dataset.range(10).window(3, 4, 2).flat_map(
            lambda w: w.batch(5)),
        "window_pairs": lambda tf: _pairs(tf).window(2, 3).flat_map(
            lambda a, b: tf.data.Dataset.zip((a, b)).batch(2)),
        "window_dict": lambda tf: tf.data.Dataset.from_tensor_slices(
            {"x": np.arange(5), "y": np.arange(5) * 10}).window(2).flat_map(
            lambda d: tf.data.Dataset.zip(d).batch(2)),
        "window_size_zero": lambda tf: tf.data.Dataset.range(7).window(0).flat_map(
            lambda w: w.batch(3)),
        # scan, take_while, unique, counter, ignore_errors
        "scan": lambda tf: tf.data.Dataset.range(6).apply(tf.data.experimental.scan(
            np.int64(0), lambda s, x: (s + x, s * x))),
        "scan_tuple_state": lambda tf: tf.data.Dataset.range(4).apply(tf.data.experimental.scan(
            (np.int64(1), np.float32(0.5)), lambda s, x: ((s[0] * 2, s[1] + 1.0),
                                                          (x + s[0], s[1])))),
        "take_while": lambda tf: tf.data.Dataset.range(10).apply(
            tf.data.experimental.take_while(lambda x: x < 4)),
        "unique": lambda tf: tf.data.Dataset.from_tensor_slices(
            np.array([3, 1, 3, 2, 1, 5, 2], np.int32)).apply(tf.data.experimental.unique()),
        "unique_strings": lambda tf: tf.data.Dataset.from_tensor_slices(
            ["b", "a", "b", "c", "a"]).apply(tf.data.experimental.unique()),
        "counter": lambda tf: tf.data.experimental.Counter(3, 2).take(4),
        "counter_int32": lambda tf: tf.data.experimental.Counter(dtype=tf.int32).take(3),
        "ignore_errors": lambda tf: _bad_inverse(tf).apply(tf.data.experimental.ignore_errors()),
        "no_ignore_errors": lambda tf: _bad_inverse(tf),
        # choose / sample
        "choose": lambda tf: tf.data.experimental.choose_from_datasets(
            [tf.data.Dataset.from_tensors(np.int64(v)).repeat() for v in (10, 20, 30)],
            tf.data.Dataset.from_tensor_slices(np.array([0, 2, 1, 1, 0, 2], np.int64))),
        "choose_ends": lambda tf: tf.data.experimental.choose_from_datasets(
            [tf.data.Dataset.range(2), tf.data.Dataset.range(100, 103)],
            tf.data.Dataset.from_tensor_slices(np.array([0, 1, 0, 0, 1, 1, 1], np.int64))),
        "choose_bad_index": lambda tf: tf.data.experimental.choose_from_datasets(
            [tf.data.Dataset.range(2)],
            tf.data.Dataset.from_tensor_slices(np.array([0, 3], np.int64))),
        "sample_structure": lambda tf: tf.data.experimental.sample_from_datasets(
            [tf.data.Dataset.range(3), tf.data.Dataset.range(100, 103)], [0.5, 0.5],
            seed=1).take(0),
        "rejection_structure": lambda tf: _pairs(tf).apply(
            tf.data.experimental.rejection_resample(
                lambda x, y: tf.cast(x % 2, tf.int32), [0.5, 0.5], [0.5, 0.5], seed=1)).take(0),
        # group_by_window / bucket_by_sequence_length
        "group_by_window": lambda tf: tf.data.Dataset.range(10).apply(
            tf.data.experimental.group_by_window(lambda x: x % 3, lambda k, ds: ds.batch(2),
                                                 window_size=2)),
        "group_by_window_key_batch": lambda tf: tf.data.Dataset.range(9).apply(
            tf.data.experimental.group_by_window(
                lambda x: x % 2, lambda k, ds: ds.batch(4).map(lambda b: (k, b)),
                window_size=4)),
        "bucket": lambda tf: _seqs(tf).apply(tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2])),
        "bucket_pad_boundary": lambda tf: _seqs(tf).filter(lambda x: tf.size(x) < 5).apply(
            tf.data.experimental.bucket_by_sequence_length(
                lambda x: tf.shape(x)[0], [3, 5], [2, 3, 2], pad_to_bucket_boundary=True,
                padding_values=np.int64(-1))),
        "bucket_drop": lambda tf: _seqs(tf).apply(tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.shape(x)[0], [4], [2, 2], drop_remainder=True)),
        "bucket_pairs": lambda tf: _seqs(tf).map(lambda x: (x, tf.size(x))).apply(
            tf.data.experimental.bucket_by_sequence_length(
                lambda x, n: n, [3], [3, 2], padded_shapes=([None], []))),
        "bucket_bad_sizes": lambda tf: _seqs(tf).apply(
            tf.data.experimental.bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 5],
                                                           [2, 2])),
        # parallel_interleave
        "parallel_interleave": lambda tf: tf.data.Dataset.range(1, 4).apply(
            tf.data.experimental.parallel_interleave(
                lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2)),
        "parallel_interleave_block": lambda tf: tf.data.Dataset.range(1, 4).apply(
            tf.data.experimental.parallel_interleave(
                lambda x: tf.data.Dataset.range(10 * x, 10 * x + 4), cycle_length=2,
                block_length=2)),
        # cardinality-preserving sources
        "zip_take": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(3),
                                                    tf.data.Dataset.range(5, 9))),
    }
    if paths:
        a, b, infer = paths["a.csv"], paths["b.csv"], paths["infer.csv"]
        P.update({
            "csv": lambda tf: tf.data.experimental.CsvDataset(
                a, [tf.int32, [0.0], ["-"], tf.int64], header=True, na_value="N/A"),
            "csv_select": lambda tf: tf.data.experimental.CsvDataset(
                a, [[0.0], tf.int64], header=True, select_cols=[1, 3], na_value="N/A"),
            "csv_delim": lambda tf: tf.data.experimental.CsvDataset(
                [b, b], [tf.int32, tf.float64, tf.string, [0]], field_delim="|"),
            "csv_missing": lambda tf: tf.data.experimental.CsvDataset(
                a, [tf.int32, tf.float32, tf.string, tf.int64], header=True),
            "make_csv": lambda tf: tf.data.experimental.make_csv_dataset(
                infer, 2, shuffle=False, num_epochs=1),
            "make_csv_label": lambda tf: tf.data.experimental.make_csv_dataset(
                infer, 2, label_name="flag", shuffle=False, num_epochs=2,
                select_columns=["id", "flag", "name"]),
            "make_csv_defaults": lambda tf: tf.data.experimental.make_csv_dataset(
                a, 3, column_defaults=[0, 0.0, "", 0], shuffle=False, num_epochs=1,
                na_value="N/A"),
            "make_csv_names": lambda tf: tf.data.experimental.make_csv_dataset(
                b, 2, column_names=["i", "f", "s", "j"], field_delim="|", header=False,
                shuffle=False, num_epochs=1),
            "make_csv_bad_label": lambda tf: tf.data.experimental.make_csv_dataset(
                infer, 2, label_name="nope", shuffle=False, num_epochs=1),
            "make_csv_infer_missing": lambda tf: tf.data.experimental.make_csv_dataset(
                a, 4, shuffle=False, num_epochs=1, na_value="N/A"),
            "features": lambda tf: tf.data.experimental.make_batched_features_dataset(
                write_examples(tf, tmp), 2, _example_features(tf), shuffle=False,
                num_epochs=1),
            "features_label": lambda tf: tf.data.experimental.make_batched_features_dataset(
                write_examples(tf, tmp), 3, _example_features(tf), label_key="id",
                shuffle=False, num_epochs=2),
            "features_forever": lambda tf: tf.data.experimental.make_batched_features_dataset(
                write_examples(tf, tmp), 2, _example_features(tf), shuffle=False).take(4),
            "features_bad_label": lambda tf: tf.data.experimental.make_batched_features_dataset(
                write_examples(tf, tmp), 2, _example_features(tf), label_key="nope"),
        })
    return P


def _cardinality_cases(tf):
    r = tf.data.Dataset.range(10)
    return {
        "range": r, "repeat": r.repeat(), "repeat2": r.repeat(2), "filter": r.filter(
            lambda x: x > 2), "batch": r.batch(3), "batch_drop": r.batch(3, True),
        "take": r.take(4), "take_all": r.take(-1), "take_more": r.take(20), "skip": r.skip(3),
        "skip_more": r.skip(30), "slices": tf.data.Dataset.from_tensor_slices(np.zeros((6, 2))),
        "tensors": tf.data.Dataset.from_tensors([1, 2]),
        "zip": tf.data.Dataset.zip((r, r.take(4))), "concat": r.concatenate(r.take(2)),
        "shard": r.shard(3, 2), "map": r.map(lambda x: x * 2), "shuffle": r.shuffle(4),
        "prefetch": r.prefetch(2), "cache": r.cache(), "padded": r.padded_batch(4, []),
        "flat_map": r.flat_map(lambda x: tf.data.Dataset.from_tensors(x)),
        "interleave": r.interleave(lambda x: tf.data.Dataset.from_tensors(x), 2),
        "unbatch": r.batch(2).unbatch(), "enumerate": r.enumerate(),
        "window": r.window(3), "repeat_filter": r.filter(lambda x: x > 2).repeat(),
        "repeat_take": r.repeat().take(5), "repeat_skip": r.repeat().skip(5),
        "empty_repeat": r.take(0).repeat(), "repeat_batch": r.repeat().batch(2),
        "filter_take": r.filter(lambda x: x > 2).take(3),
        "generator": tf.data.Dataset.from_generator(lambda: iter([1]), tf.int64),
        "counter": tf.data.experimental.Counter(),
        "text": tf.data.TextLineDataset(["x.txt"]),
        "scan": r.apply(tf.data.experimental.scan(np.int64(0), lambda s, x: (s, x))),
        "take_while": r.apply(tf.data.experimental.take_while(lambda x: x < 3)),
        "unique": r.apply(tf.data.experimental.unique()),
        "ignore_errors": r.apply(tf.data.experimental.ignore_errors()),
        "choose": tf.data.experimental.choose_from_datasets([r, r], r.take(3)),
        "group": r.apply(tf.data.experimental.group_by_window(lambda x: x, lambda k, d: d, 2)),
        "with_options": r.with_options(tf.data.Options()),
        "window_drop": r.window(3, 2, 2, True), "window_stride": r.window(2, 3),
        "shard_tail": r.shard(4, 1), "range_step": tf.data.Dataset.range(1, 10, 4),
        "zip_repeat": tf.data.Dataset.zip((r.repeat(), r.repeat())),
        "zip_unknown": tf.data.Dataset.zip((r.filter(lambda x: x > 1), r.repeat())),
        "concat_repeat": r.repeat().concatenate(r),
    }


def tensor_programs():
    exp = "experimental"
    return {
        "reduce_sum": lambda tf: tf.data.Dataset.range(5).reduce(np.int64(0),
                                                                lambda s, x: s + x),
        "reduce_pair": lambda tf: _pairs(tf).reduce(
            (np.int64(0), np.float32(1.0)), lambda s, e: (s[0] + e[0], s[1] * (e[1] + 1.0))),
        "reduce_empty": lambda tf: tf.data.Dataset.range(0).reduce(np.int64(7),
                                                                  lambda s, x: s + x),
        "reduce_bad_dtype": lambda tf: tf.data.Dataset.range(5).reduce(
            np.int32(0), lambda s, x: s + tf.cast(x, tf.float32)),
        "single": lambda tf: tf.data.experimental.get_single_element(
            tf.data.Dataset.from_tensors((np.int32(3), "s"))),
        "single_empty": lambda tf: getattr(tf.data, exp).get_single_element(
            tf.data.Dataset.range(0)),
        "single_two": lambda tf: getattr(tf.data, exp).get_single_element(
            tf.data.Dataset.range(2)),
        "single_batch": lambda tf: tf.data.experimental.get_single_element(
            tf.data.Dataset.range(4).batch(10)),
        "cardinality": lambda tf: {k: tf.data.experimental.cardinality(d)
                                   for k, d in _cardinality_cases(tf).items()},
    }


def options_record(tf):
    """What TF's Options say: defaults, merging through with_options, and errors."""
    with tf.Graph().as_default():
        out = {}
        o = tf.data.Options()
        out["defaults"] = [o.experimental_deterministic, o.experimental_optimization.
                           apply_default_optimizations, o.experimental_threading.
                           private_threadpool_size, o.experimental_slack]
        ds = tf.data.Dataset.range(3)
        out["plain_equal"] = ds.options() == tf.data.Options()
        o1 = tf.data.Options()
        o1.experimental_deterministic = False
        o2 = tf.data.Options()
        o2.experimental_slack = True
        merged = ds.with_options(o1).map(lambda x: x).with_options(o2).options()
        out["merged"] = [merged.experimental_deterministic, merged.experimental_slack]
        o3 = tf.data.Options()
        o3.experimental_deterministic = True
        try:
            out["conflict"] = ds.with_options(o1).with_options(o3).options() \
                .experimental_deterministic
        except Exception as e:  # noqa: BLE001
            out["conflict"] = _err(e)
        try:
            o.experimental_nonsense = 1
            out["unknown_attr"] = "ok"
        except Exception as e:  # noqa: BLE001
            out["unknown_attr"] = [type(e).__name__]
        try:
            o.experimental_deterministic = 3
            out["bad_value"] = "ok"
        except Exception as e:  # noqa: BLE001
            out["bad_value"] = [type(e).__name__]
        return out


def window_types(tf):
    with tf.Graph().as_default():
        w = tf.data.Dataset.range(7).window(3)
        return [type(tf.data.get_output_types(w)).__name__,
                type(tf.data.get_output_shapes(w)).__name__,
                str(tf.data.get_output_classes(w))]
