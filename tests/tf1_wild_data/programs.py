"""TF1 input-pipeline programs in the style of the 2016-2019 tutorials (tf.data with feed-free
training, initializable / reinitializable / feedable iterators, CSV through TextLineReader and
decode_csv with a Coordinator, TFRecord files of Examples, padded batches, queues), each a
function of the `tf` module it runs on, returning what a user can observe.

tests/test_tf1_wild_data.py runs them with minitf and compares with what TensorFlow gave,
recorded by running this file in a TensorFlow venv (the recording is tests/tf1_wild_data/
recorded.py; never edited by hand):

    python -m tests.tf1_wild_data.programs > tests/tf1_wild_data/recorded.py

Shuffled orders are compared as sorted lists: a fixed seed gives a fixed order in both, but
not the same order (docs/differences.md).
"""

import os
import tempfile

import numpy as np

from tests.tf1_parity_programs import error, recorded_literal, value

RNG = np.random.RandomState(7)
X = RNG.uniform(-1, 1, (24, 3)).astype(np.float32)
Y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype(np.float32)


def drain(sess, fetch, limit=1000):
    """Every value of `fetch` until an error ends them, and that error's class name."""
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(fetch))
        except Exception as e:  # noqa: BLE001 - the end of the data, compared below
            return out, type(e).__name__
    raise AssertionError("no end")


def values(batches):
    return [[value(v) for v in b] if isinstance(b, (list, tuple)) else value(b) for b in batches]


def linear_model(tf, x, y):
    W = tf.Variable(tf.zeros([3, 1]), name="W")
    b = tf.Variable(0.0, name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    return W, b, loss, tf.train.GradientDescentOptimizer(0.2).minimize(loss)


# -- tf.data ------------------------------------------------------------------------------------

def feed_free_training(tf):
    """One-shot iterator over (features, labels), repeated and batched: the model reads
    get_next() directly, no feed_dict."""
    obs = {}
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).repeat().batch(8)
    x, y = ds.make_one_shot_iterator().get_next()
    obs["next"] = [(t.name, str(t.shape), t.dtype.name) for t in (x, y)]
    obs["dataset"] = [str(s) for s in ds.output_shapes] + [t.name for t in ds.output_types]
    W, b, loss, train = linear_model(tf, x, y)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        obs["losses"] = [value(sess.run([loss, train])[0]) for _ in range(12)]
        obs["W"], obs["b"] = value(sess.run(W)), value(sess.run(b))
    return obs


def initializable_iterator(tf):
    """Placeholders fed to the iterator's initializer; a map normalises; epochs end with
    OutOfRangeError and the iterator is initialized again with other data."""
    obs = {}
    features = tf.placeholder(tf.float32, [None, 3], name="features")
    labels = tf.placeholder(tf.float32, [None, 1], name="labels")
    ds = tf.data.Dataset.from_tensor_slices((features, labels)).map(
        lambda f, l: (f * 2.0 - 1.0, l)).batch(5)
    it = ds.make_initializable_iterator()
    x, y = it.get_next()
    obs["shapes"] = [str(x.shape), str(y.shape)]
    total = tf.reduce_sum(x) + tf.reduce_sum(y)
    with tf.Session() as sess:
        sess.run(it.initializer, {features: X[:12], labels: Y[:12]})
        sums, obs["end"] = drain(sess, total)
        obs["sums"] = values(sums)
        obs["uninitialized_error"] = error(lambda: sess.run(tf.data.Dataset.range(3)
                                                            .make_initializable_iterator()
                                                            .get_next()))
        sess.run(it.initializer, {features: X[12:15], labels: Y[12:15]})
        obs["again"] = values(drain(sess, [x, y])[0])
    return obs


def train_validation_switching(tf):
    """A reinitializable iterator (Iterator.from_structure) switched between a training and a
    validation dataset each epoch."""
    obs = {}
    train = tf.data.Dataset.from_tensor_slices((X[:16], Y[:16])).batch(4)
    val = tf.data.Dataset.from_tensor_slices((X[16:], Y[16:])).batch(8)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    x, y = it.get_next()
    train_init, val_init = it.make_initializer(train), it.make_initializer(val)
    W, b, loss, step = linear_model(tf, x, y)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train_init)
            while True:
                try:
                    sess.run(step)
                except tf.errors.OutOfRangeError:
                    break
            sess.run(val_init)
            history.append(value(sess.run(loss)))
        obs["val_losses"] = history
        obs["W"] = value(sess.run(W))
    return obs


def feedable_iterator(tf):
    """from_string_handle: one get_next, fed the handle of the iterator to read from."""
    obs = {}
    train = tf.data.Dataset.range(100).map(lambda v: v * 10).repeat()
    val = tf.data.Dataset.range(3)
    handle = tf.placeholder(tf.string, shape=[])
    it = tf.data.Iterator.from_string_handle(handle, train.output_types, train.output_shapes)
    nxt = it.get_next()
    train_it = train.make_one_shot_iterator()
    val_it = val.make_initializable_iterator()
    with tf.Session() as sess:
        th = sess.run(train_it.string_handle())
        vh = sess.run(val_it.string_handle())
        sess.run(val_it.initializer)
        obs["train"] = [value(sess.run(nxt, {handle: th})) for _ in range(3)]
        obs["val"] = [value(sess.run(nxt, {handle: vh})) for _ in range(3)]
        obs["train_again"] = value(sess.run(nxt, {handle: th}))
        obs["val_end_error"] = error(lambda: sess.run(nxt, {handle: vh}))[:2]
    return obs


def transformations(tf):
    """filter, map, skip, take, batch, zip, concatenate, cache and repeat, with their static
    types and shapes."""
    obs = {}
    evens = tf.data.Dataset.range(20).filter(lambda v: tf.equal(v % 2, 0)).map(
        lambda v: v * v).skip(2).take(5)
    pairs = tf.data.Dataset.zip((evens, tf.data.Dataset.range(100, 200).batch(2)))
    joined = evens.concatenate(tf.data.Dataset.from_tensor_slices(np.array([-1, -2], np.int64)))
    cached = tf.data.Dataset.range(3).map(lambda v: tf.cast(v, tf.float32) / 2).cache().repeat(2)
    dropped = tf.data.Dataset.range(7).batch(3, drop_remainder=True)
    obs["static"] = [str(pairs.output_shapes), str(cached.output_types),
                     str(dropped.output_shapes)]
    with tf.Session() as sess:
        for name, ds in [("evens", evens), ("pairs", pairs), ("joined", joined),
                         ("cached", cached), ("dropped", dropped)]:
            out, end = drain(sess, ds.make_one_shot_iterator().get_next())
            obs[name] = values(out)
            obs[name + "_end"] = end
    return obs


def padded_sequences(tf):
    """Variable-length sequences from a generator, padded to the longest in each batch, with
    their lengths."""
    obs = {}
    seqs = [[1, 2], [3], [4, 5, 6, 7], [8, 9, 10], [11]]
    ds = tf.data.Dataset.from_generator(lambda: iter(seqs), tf.int32, tf.TensorShape([None]))
    ds = ds.map(lambda s: (s, tf.size(s)))
    batched = ds.padded_batch(2, padded_shapes=([None], []), padding_values=(-1, 0))
    seq, length = batched.make_one_shot_iterator().get_next()
    obs["shapes"] = [str(seq.shape), str(length.shape)]
    fixed = ds.padded_batch(3, padded_shapes=([5], [])).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        obs["batches"], end = drain(sess, [seq, length])
        obs["batches"] = values(obs["batches"])
        obs["fixed"] = values(drain(sess, fixed)[0])
    return obs


def shuffle_and_generator(tf):
    """shuffle with a seed (compared sorted), from_generator with a tuple of outputs, prefetch,
    and a shuffled repeat that visits every element once per epoch."""
    obs = {}

    def gen():
        for i in range(10):
            yield i, [float(i), float(-i)]
    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), ([], [2]))
    shuffled = ds.shuffle(4, seed=3).repeat(2).batch(5).prefetch(2)
    i, v = shuffled.make_one_shot_iterator().get_next()
    obs["shapes"] = [str(i.shape), str(v.shape), i.dtype.name, v.dtype.name]
    with tf.Session() as sess:
        out, end = drain(sess, [i, v])
    firsts = sorted(sum((b[0].tolist() for b in out[:2]), []))
    seconds = sorted(sum((b[0].tolist() for b in out[2:]), []))
    obs["epochs"] = [firsts, seconds]
    obs["sums"] = value(sum(b[1].sum(axis=0) for b in out))
    obs["end"] = end
    return obs


def tfrecord_round_trip(tf, directory):
    """Examples written with TFRecordWriter, read back by TFRecordDataset, parsed with
    parse_single_example and decode_raw; and by tf_record_iterator."""
    obs = {}
    path = os.path.join(directory, "data.tfrecord")
    with tf.python_io.TFRecordWriter(path) as writer:
        for k in range(6):
            pixels = (np.arange(4, dtype=np.uint8) + k).tobytes()
            writer.write(tf.train.Example(features=tf.train.Features(feature={
                "pixels": tf.train.Feature(bytes_list=tf.train.BytesList(value=[pixels])),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[k % 2])),
                "score": tf.train.Feature(float_list=tf.train.FloatList(value=[k / 4.0])),
            })).SerializeToString())
    obs["records"] = len(list(tf.python_io.tf_record_iterator(path)))

    def parse(record):
        f = tf.parse_single_example(record, {
            "pixels": tf.FixedLenFeature([], tf.string),
            "label": tf.FixedLenFeature([], tf.int64),
            "score": tf.FixedLenFeature([1], tf.float32),
            "weight": tf.FixedLenFeature([], tf.float32, default_value=1.0)})
        image = tf.cast(tf.reshape(tf.decode_raw(f["pixels"], tf.uint8), [2, 2]), tf.float32)
        return image, f["label"], f["score"] * f["weight"]
    image, label, score = tf.data.TFRecordDataset(path).map(parse).batch(4) \
        .make_one_shot_iterator().get_next()
    obs["shapes"] = [str(image.shape), str(label.shape), str(score.shape)]
    record = tf.placeholder(tf.string, [])
    missing = tf.parse_single_example(record, {"nope": tf.FixedLenFeature([], tf.int64)})
    tagged = [tf.train.Example(features=tf.train.Features(feature={
        "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=tags))})).SerializeToString()
        for tags in ([b"a", b"b"], [], [b"c"])]
    tags = tf.parse_example(tagged, {"tags": tf.VarLenFeature(tf.string)})["tags"]
    obs["sparse_shapes"] = [str(tags.indices.shape), str(tags.values.shape),
                            str(tags.dense_shape.shape)]
    with tf.Session() as sess:
        obs["sparse"] = [value(v) for v in sess.run([tags.indices, tags.values,
                                                      tags.dense_shape])]
        obs["batches"] = values(drain(sess, [image, label, score])[0])
        first = next(iter(tf.python_io.tf_record_iterator(path)))
        obs["missing_error"] = error(lambda: sess.run(missing, {record: first}))[:2]
    return obs


def interleaved_csv_files(tf, directory):
    """list_files + interleave(TextLineDataset) over CSV files, decode_csv in a map."""
    obs = {}
    for k in range(3):
        with open(os.path.join(directory, "part-%d.csv" % k), "w") as f:
            f.write("x,y\n")
            for i in range(3):
                f.write("%d,%s\n" % (10 * k + i, "abc"[i]))
    files = tf.data.Dataset.list_files(os.path.join(directory, "part-*.csv"), shuffle=False)
    lines = files.interleave(lambda name: tf.data.TextLineDataset(name).skip(1),
                             cycle_length=2, block_length=2)
    rows = lines.map(lambda line: tf.decode_csv(line, [[0], ["?"]])).batch(4)
    x, y = rows.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        obs["rows"] = values(drain(sess, [x, y])[0])
    return obs


# -- queues -----------------------------------------------------------------------------------

def csv_queue_pipeline(tf, directory):
    """The classic 2016 CSV pipeline: string_input_producer, TextLineReader, decode_csv,
    tf.train.batch, QueueRunners under a Coordinator, ended by num_epochs."""
    obs = {}
    names = []
    for k in range(2):
        names.append(os.path.join(directory, "file%d.csv" % k))
        with open(names[-1], "w") as f:
            f.write("a,b,c\n")
            for i in range(5):
                f.write("%d,%.1f,%s\n" % (k * 100 + i, i * 0.5, "xy"[i % 2]))
    queue = tf.train.string_input_producer(names, num_epochs=2, shuffle=False)
    key, line = tf.TextLineReader(skip_header_lines=1).read(queue)
    a, b, c = tf.decode_csv(line, record_defaults=[[0], [0.0], ["none"]])
    batch = tf.train.batch([a, b, c], batch_size=6, allow_smaller_final_batch=True)
    obs["shapes"] = [str(t.shape) for t in batch] + [str(key.shape)]
    obs["queue_runners"] = len(tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS))
    obs["producer_ops"] = sorted("%s:%s" % (op.name, op.type) for op in
                                 tf.get_default_graph().get_operations()
                                 if op.name.startswith("input_producer"))
    obs["local_variables"] = [v.name for v in tf.local_variables()]
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        out = []
        try:
            while not coord.should_stop():
                out.append(sess.run(batch))
        except tf.errors.OutOfRangeError as e:
            obs["end"] = type(e).__name__
        finally:
            coord.request_stop()
        coord.join(threads)
    obs["batches"] = values(out)
    return obs


def shuffle_batch_training(tf):
    """slice_input_producer + shuffle_batch with two threads feeding a training loop; the
    trained weights do not depend on the order, only on the multiset seen, so they are
    compared through the sorted labels and a full-data evaluation."""
    obs = {}
    x1, y1 = tf.train.slice_input_producer([X, Y], num_epochs=3, shuffle=True, seed=4)
    bx, by = tf.train.shuffle_batch([x1, y1], batch_size=6, capacity=40, min_after_dequeue=10,
                                    num_threads=2, seed=5, allow_smaller_final_batch=True)
    obs["shapes"] = [str(bx.shape), str(by.shape)]
    seen = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        try:
            while True:
                seen.extend(sess.run(by).ravel().tolist())
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    obs["labels_seen"] = value(np.sort(np.array(seen, np.float32)))
    return obs


def queue_semantics(tf):
    """FIFOQueue / PaddingFIFOQueue / RandomShuffleQueue operations and the errors of closed
    queues."""
    obs = {}
    q = tf.FIFOQueue(10, [tf.int32, tf.float32], shapes=[[], [2]], name="fifo")
    enq = q.enqueue_many([[1, 2, 3], [[1., 1.], [2., 2.], [3., 3.]]])
    deq = q.dequeue()
    many = q.dequeue_many(2)
    obs["names"] = [q.name, enq.name, deq[0].name, many[0].name, q.size().name]
    obs["shapes"] = [str(deq[1].shape), str(many[1].shape)]
    pad = tf.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    seq = tf.placeholder(tf.int32, [None])
    shuffled = tf.RandomShuffleQueue(10, 2, [tf.int64], shapes=[[]], seed=1)
    with tf.Session() as sess:
        sess.run(enq)
        obs["size"] = value(sess.run(q.size()))
        obs["deq"] = [value(v) for v in sess.run(deq)]
        obs["many"] = [value(v) for v in sess.run(many)]
        sess.run(q.close())
        obs["closed"] = value(sess.run(q.is_closed()))
        obs["dequeue_closed_error"] = error(lambda: sess.run(deq))[:2]
        obs["enqueue_closed_error"] = error(lambda: sess.run(enq))[:2]
        for s in ([1], [2, 3, 4], [5, 6]):
            sess.run(pad.enqueue([seq]), {seq: s})
        obs["padded"] = value(sess.run(pad.dequeue_many(3)))
        sess.run(shuffled.enqueue_many([np.arange(6)]))
        sess.run(shuffled.close())
        obs["shuffled"] = sorted(sess.run(shuffled.dequeue_up_to(10)).tolist())
    return obs


PROGRAMS = [feed_free_training, initializable_iterator, train_validation_switching,
            feedable_iterator, transformations, padded_sequences, shuffle_and_generator,
            tfrecord_round_trip, interleaved_csv_files, csv_queue_pipeline,
            shuffle_batch_training, queue_semantics]
NEEDS_DIRECTORY = {tfrecord_round_trip, interleaved_csv_files, csv_queue_pipeline}


def run_program(tf, program):
    """Runs one program in a fresh graph (and a fresh directory for its files)."""
    with tf.Graph().as_default():
        if program in NEEDS_DIRECTORY:
            with tempfile.TemporaryDirectory() as directory:
                return program(tf, directory)
        return program(tf)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow.compat.v1 as tensorflow
    tensorflow.disable_v2_behavior()
    print('"""What tests/tf1_wild_data/programs.py gave with TensorFlow 2.21\'s compat.v1 '
          '(not edited by hand)."""\n\nRECORDED = {}')
    for program in PROGRAMS:
        print("\n" + recorded_literal(program.__name__, run_program(tensorflow, program)))
