"""tf.train.QueueRunner and start_queue_runners: threads that run a queue's enqueue ops until
the input ends, the coordinator stops them, or the session closes."""

import threading

from minitf import errors
from minitf.framework.graph import GraphKeys, get_default_graph, get_default_session


class QueueRunner:
    """Runs each of `enqueue_ops` in its own thread, over and over. When an enqueue raises
    OutOfRangeError or CancelledError (the input is exhausted or the queue closed) the thread
    ends, and the last thread to end runs `close_op`; another error is reported to the
    coordinator. When the coordinator stops, `cancel_op` unblocks enqueues waiting on a full
    queue, so no thread is left behind."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None):
        if queue is None or not enqueue_ops:
            raise ValueError("QueueRunner needs a queue and enqueue_ops")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else queue.close(
            cancel_pending_enqueues=True)
        self._closed_types = tuple(queue_closed_exception_types or
                                   (errors.OutOfRangeError, errors.CancelledError))
        self._lock = threading.Lock()
        self._running = {}  # session -> threads still enqueueing
        self._exceptions_raised = []

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return self._enqueue_ops

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def name(self):
        return self._queue.name

    @property
    def exceptions_raised(self):
        return list(self._exceptions_raised)

    def _run(self, sess, enqueue_op, coord):
        try:
            while not (coord is not None and coord.should_stop()):
                try:
                    self._enqueue(sess, enqueue_op)
                except self._closed_types:
                    with self._lock:
                        self._running[sess] -= 1
                        last = self._running[sess] == 0
                    if last:
                        try:
                            sess.run(self._close_op)
                        except Exception:  # the session may be closing too
                            pass
                    return
        except RuntimeError as e:
            if sess._closed:  # the session closed under the thread: nothing left to do
                return
            self._report(e, coord)
        except Exception as e:
            self._report(e, coord)

    def _enqueue(self, sess, enqueue_op):
        """One run of `enqueue_op` (a subclass may feed it)."""
        sess.run(enqueue_op)

    def _report(self, e, coord):
        if coord is not None:
            coord.request_stop(e)
        else:
            with self._lock:
                self._exceptions_raised.append(e)
            raise e

    def _close_on_stop(self, sess, coord):
        while not coord.wait_for_stop(0.05):
            if sess._closed:  # no stop will come: the session is gone
                return
        try:
            if not sess._closed:
                sess.run(self._cancel_op)
        except Exception:
            pass

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """The threads (started if `start`) that run the enqueue ops in `sess`, plus one that
        cancels pending enqueues when `coord` requests a stop."""
        with self._lock:
            if self._running.get(sess, 0) > 0:
                return []  # already running for this session
            self._running[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord), daemon=daemon,
                                    name="QueueRunnerThread-%s-%s" % (self.name, op.name))
                   for op in self._enqueue_ops]
        if coord is not None:
            threads.append(threading.Thread(target=self._close_on_stop, args=(sess, coord),
                                            daemon=daemon, name="QueueRunnerCancel-%s"
                                            % self.name))
        for t in threads:
            if coord is not None:
                coord.register_thread(t)
            if start:
                t.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    """Adds `qr` to the graph's QUEUE_RUNNERS collection (start_queue_runners starts them)."""
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS):
    """Starts the threads of every QueueRunner in the graph's collection; returns them."""
    if sess is None:
        sess = get_default_session()
        if sess is None:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    threads = []
    for qr in sess.graph.get_collection(collection):
        threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
