"""TF1's queues, readers, QueueRunner and Coordinator: blocking, closing, cancellation, and
several threads at once. Anything that could hang runs in a thread joined with a timeout."""

import threading
import time

import numpy as np
import pytest

import minitf as tf

pytestmark = pytest.mark.usefixtures("fresh_graph")


def in_thread(fn):
    """Starts fn() in a thread; returns (thread, results) where results gets fn's value or
    exception."""
    results = []

    def target():
        try:
            results.append(fn())
        except Exception as e:  # noqa: BLE001 - handed to the test
            results.append(e)
    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, results


def finished(thread, timeout=5.0):
    thread.join(timeout)
    return not thread.is_alive()


def test_fifo_order_sizes_and_closing():
    q = tf.FIFOQueue(10, [tf.int32, tf.string], shapes=[[], []])
    enq = q.enqueue_many([[1, 2, 3, 4], ["a", "b", "c", "d"]])
    x, s = q.dequeue()
    many = q.dequeue_many(2)
    up_to = q.dequeue_up_to(5)
    assert x.shape.as_list() == [] and many[0].shape.as_list() == [2]
    assert up_to[0].shape.as_list() == [None] and q.dtypes == [tf.int32, tf.string]
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(q.size()) == 4
        assert sess.run([x, s]) == [1, b"a"]
        assert [v.tolist() for v in sess.run(many)] == [[2, 3], [b"b", b"c"]]
        assert not sess.run(q.is_closed())
        sess.run(q.close())
        assert sess.run(q.is_closed())
        assert [v.tolist() for v in sess.run(up_to)] == [[4], [b"d"]]
        with pytest.raises(tf.errors.OutOfRangeError, match=r"FIFOQueue '_0_fifo_queue' is "
                           r"closed and has insufficient elements \(requested 1, current size "
                           r"0\)"):
            sess.run(x)
        with pytest.raises(tf.errors.CancelledError, match="FIFOQueue '_0_fifo_queue' is "
                                                           "closed."):
            sess.run(enq)


def test_one_component_queue_gives_a_tensor_and_checks_shapes():
    q = tf.FIFOQueue(3, tf.float32, shapes=[2])
    assert isinstance(q.dequeue(), tf.Tensor)
    with pytest.raises(ValueError, match="incompatible"):
        q.enqueue(tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="fully defined"):
        tf.FIFOQueue(3, tf.float32).dequeue_many(2)


def test_a_dequeue_waits_for_an_enqueue_from_another_thread():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    x = q.dequeue()
    enq = q.enqueue(7)
    with tf.Session() as sess:
        t, out = in_thread(lambda: sess.run(x))
        time.sleep(0.05)
        assert t.is_alive()  # waiting, without holding the session's lock:
        sess.run(enq)  # this run gets through and wakes it
        assert finished(t) and out == [7]


def test_a_full_queue_blocks_enqueues_until_there_is_room():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq = q.enqueue(3)  # (ops are built in this thread: the default graph is per thread)
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1, 2]]))
        t, out = in_thread(lambda: sess.run(enq))
        time.sleep(0.05)
        assert t.is_alive() and sess.run(q.size()) == 2
        assert sess.run(q.dequeue()) == 1
        assert finished(t) and sess.run(q.dequeue_many(2)).tolist() == [2, 3]


def test_closing_lets_pending_enqueues_finish_unless_cancelled():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    enq = q.enqueue(2)
    with tf.Session() as sess:
        sess.run(q.enqueue(1))
        t, out = in_thread(lambda: sess.run(enq))
        time.sleep(0.05)
        sess.run(q.close())
        assert t.is_alive()
        assert sess.run(q.dequeue()) == 1
        assert finished(t) and sess.run(q.dequeue()) == 2
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    enq = q.enqueue(2)
    with tf.Session() as sess:
        sess.run(q.enqueue(1))
        t, out = in_thread(lambda: sess.run(enq))
        time.sleep(0.05)
        sess.run(q.close(cancel_pending_enqueues=True))
        assert finished(t) and isinstance(out[0], tf.errors.CancelledError)


def test_closing_the_session_cancels_waiting_runs():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    sess = tf.Session()
    sess.run(q.enqueue(0))
    two = q.dequeue_many(2)
    waiting_dequeue, d = in_thread(lambda: sess.run(two))
    time.sleep(0.05)
    sess.close()
    assert finished(waiting_dequeue)
    assert isinstance(d[0], tf.errors.CancelledError) and "Dequeue" in str(d[0])


def test_run_deadline_stops_a_blocked_dequeue():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    with tf.Session() as sess:
        start = time.monotonic()
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(q.dequeue(), options=tf.RunOptions(timeout_in_ms=50))
        assert time.monotonic() - start < 2
        sess.run(q.enqueue(5))  # the session and queue still work
        assert sess.run(q.dequeue()) == 5


def test_several_producer_and_consumer_threads_pass_every_element_once():
    q = tf.FIFOQueue(5, tf.int64, shapes=[[]])
    value = tf.placeholder(tf.int64, [])
    enq = q.enqueue(value)
    deq = q.dequeue()
    got = []
    lock = threading.Lock()
    with tf.Session() as sess:
        def produce(k):
            for i in range(50):
                sess.run(enq, {value: k * 1000 + i})

        def consume():
            for _ in range(100):
                v = sess.run(deq)
                with lock:
                    got.append(int(v))
        threads = [threading.Thread(target=produce, args=(k,)) for k in range(4)]
        threads += [threading.Thread(target=consume) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            assert finished(t, 20)
    assert sorted(got) == sorted(k * 1000 + i for k in range(4) for i in range(50))


def test_random_shuffle_queue_keeps_min_after_dequeue_and_is_seeded():
    def run():
        with tf.Graph().as_default():
            q = tf.RandomShuffleQueue(20, 5, tf.int32, shapes=[[]], seed=3)
            with tf.Session() as sess:
                sess.run(q.enqueue_many([list(range(8))]))
                first = sess.run(q.dequeue_many(3)).tolist()
                with pytest.raises(tf.errors.DeadlineExceededError):  # only 5 left: it waits
                    sess.run(q.dequeue(), options=tf.RunOptions(timeout_in_ms=30))
                sess.run(q.close())
                rest = sess.run(q.dequeue_up_to(10)).tolist()
                return first, rest
    first, rest = run()
    assert run() == (first, rest)
    assert sorted(first + rest) == list(range(8)) and first + rest != list(range(8))


def test_padding_fifo_queue_pads_to_the_longest():
    q = tf.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    v = tf.placeholder(tf.int32, [None])
    with tf.Session() as sess:
        for row in ([1], [2, 3, 4], [5, 6]):
            sess.run(q.enqueue([v]), {v: row})
        out = q.dequeue_many(3)
        assert out.shape.as_list() == [3, None]
        assert sess.run(out).tolist() == [[1, 0, 0], [2, 3, 4], [5, 6, 0]]


def test_count_up_to():
    v = tf.Variable(0, dtype=tf.int64)
    c = tf.count_up_to(v, 2)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert [sess.run(c), sess.run(c)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(c)
        assert sess.run(v) == 2


# -- the classic reader pipeline ---------------------------------------------------------------

@pytest.fixture
def csv_files(tmp_path):
    names = []
    for k in range(3):
        path = tmp_path / ("part%d.csv" % k)
        path.write_text("a,b\n" + "".join("%d,%d.5\n" % (k * 10 + i, i) for i in range(4)))
        names.append(str(path))
    return names


def run_input(sess, fetch, limit=1000):
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    out = []
    try:
        while not coord.should_stop() and len(out) < limit:
            out.append(sess.run(fetch))
    except tf.errors.OutOfRangeError:
        pass
    finally:
        coord.request_stop()
    joined, _ = in_thread(lambda: coord.join(threads, stop_grace_period_secs=5))
    assert finished(joined, 10)
    return out


def test_csv_with_text_line_reader_decode_csv_and_batch(csv_files):
    files = tf.train.string_input_producer(csv_files, num_epochs=2, shuffle=False)
    key, line = tf.TextLineReader(skip_header_lines=1).read(files)
    x, y = tf.decode_csv(line, [[0], [0.0]])
    bx, by, bk = tf.train.batch([x, y, key], batch_size=5, allow_smaller_final_batch=True)
    assert bx.shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        out = run_input(sess, [bx, by, bk])
    xs = sum((b[0].tolist() for b in out), [])
    assert xs == [k * 10 + i for k in range(3) for i in range(4)] * 2
    assert [len(b[0]) for b in out] == [5, 5, 5, 5, 4]
    assert out[0][2][0] == (csv_files[0] + ":2").encode()  # key: file and line number


def test_csv_shuffle_batch_with_several_threads(csv_files):
    files = tf.train.string_input_producer(csv_files, num_epochs=3, seed=1)
    _, line = tf.TextLineReader(skip_header_lines=1).read(files)
    x, y = tf.decode_csv(line, [[0], [0.0]])
    bx, by = tf.train.shuffle_batch([x, y], batch_size=4, capacity=20, min_after_dequeue=5,
                                    num_threads=3, seed=2, allow_smaller_final_batch=True)
    assert len(tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)) == 2
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        out = run_input(sess, bx)
    xs = sorted(sum((b.tolist() for b in out), []))
    assert xs == sorted([k * 10 + i for k in range(3) for i in range(4)] * 3)


def test_slice_input_producer_and_whole_file_reader(tmp_path):
    images = np.arange(12).reshape(6, 2)
    labels = np.arange(6)
    img, lab = tf.train.slice_input_producer([images, labels], num_epochs=1, shuffle=False)
    for i in range(2):
        (tmp_path / ("w%d.txt" % i)).write_bytes(b"content %d" % i)
    names = tf.train.string_input_producer([str(tmp_path / "w0.txt"), str(tmp_path / "w1.txt")],
                                           num_epochs=1, shuffle=False)
    key, whole = tf.WholeFileReader().read(names)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        pairs = run_input(sess, [img, lab])
        assert [(p[0].tolist(), int(p[1])) for p in pairs] == [
            (images[i].tolist(), i) for i in range(6)]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert run_input(sess, whole) == [b"content 0", b"content 1"]


def test_tfrecord_reader(tmp_path):
    path = str(tmp_path / "r.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        for i in range(5):
            w.write(b"r%d" % i)
    names = tf.train.string_input_producer([path], num_epochs=1)
    keys, values = tf.TFRecordReader().read_up_to(names, 2)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        out = run_input(sess, [keys, values])
    assert sum((v.tolist() for _, v in out), []) == [b"r%d" % i for i in range(5)]
    assert out[0][0].tolist() == [(path + ":0").encode(), (path + ":18").encode()]


def test_an_error_in_a_queue_runner_reaches_coord_join(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\nnot a number,3\n")
    names = tf.train.string_input_producer([str(bad)])
    _, line = tf.TextLineReader().read(names)
    x, _ = tf.decode_csv(line, [[0], [0]])
    bx = tf.train.batch([x], batch_size=10)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        assert coord.wait_for_stop(5)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid int32"):
            coord.join(threads, stop_grace_period_secs=5)
        del bx


def test_stopping_the_coordinator_with_full_queues_does_not_deadlock():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq = q.enqueue(1)
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [enq] * 3))
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        time.sleep(0.05)  # the queue is full: three threads wait in enqueue
        assert sess.run(q.size()) == 2
        coord.request_stop()
        joined, result = in_thread(lambda: coord.join(threads, stop_grace_period_secs=5))
        assert finished(joined, 10) and result == [None]
    assert not any(t.is_alive() for t in threads)


def test_closing_the_session_ends_queue_runner_threads_without_a_coordinator():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(1)] * 2))
    sess = tf.Session()
    threads = tf.train.start_queue_runners(sess=sess)
    time.sleep(0.05)
    sess.close()
    for t in threads:
        assert finished(t)


def test_start_queue_runners_needs_a_session():
    with pytest.raises(ValueError, match="No default session"):
        tf.train.start_queue_runners()


def test_a_queue_used_inside_a_cond_branch_and_a_while_body():
    q = tf.FIFOQueue(10, [tf.int32], shapes=[[]])
    keep, x = tf.placeholder(tf.bool, []), tf.placeholder(tf.int32, [])
    maybe_enqueue = tf.cond(keep, lambda: q.enqueue([x]), tf.no_op)
    # a loop draining three elements, summing them
    _, total = tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s + q.dequeue()), [0, 0])
    with tf.Session() as sess:
        for i in range(8):
            sess.run(maybe_enqueue, {keep: i % 2 == 0, x: i})
        assert sess.run(q.size()) == 4
        assert sess.run(total) == 0 + 2 + 4
        assert sess.run(q.dequeue()) == 6


def test_a_queue_and_its_runner_are_named_by_the_queue_op():
    # TF 2.21 compat.v1, by hand: a/myq a/myq myq_Dequeue:0 myq_Size:0
    with tf.Graph().as_default():
        with tf.name_scope("a"):
            q = tf.FIFOQueue(10, tf.float32, name="myq")
            runner = tf.train.QueueRunner(q, [q.enqueue([1.0])])
        assert (q.name, runner.name, q.dequeue().name, q.size().name) == \
            ("a/myq", "a/myq", "myq_Dequeue:0", "myq_Size:0")
