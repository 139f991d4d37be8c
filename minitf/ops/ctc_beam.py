"""The CTC beam search of TF's CTCBeamSearchDecoder kernel, step for step: a prefix tree whose
entries carry the log probabilities of ending in a blank and in their label, kept in a bounded
"top N" collection. Which of two equally likely prefixes survives, and the order of the paths
returned, depend on how that collection orders equal elements, so it is rebuilt here with the
same heap operations and sort as the C++ standard library TF is built with (libstdc++).
Arithmetic follows the kernel's float32 operations, each rounded to float32; the scores are
log-softmax probabilities (TF 2's kernel normalizes each step, TF 1.x's subtracted only the
largest logit)."""

import ctypes
import ctypes.util
import math
import struct

_NEG_INF = float("-inf")
_FLOAT = struct.Struct("f")
_THRESHOLD = 16  # libstdc++'s std::sort: ranges this short are insertion-sorted


class _Entry:
    """A prefix: its parent, last label, children by label, and this step's (`new_*`) and
    the previous step's (`old_*`) log probabilities."""

    __slots__ = ("parent", "label", "children", "new_total", "new_blank", "new_label",
                 "old_total", "old_blank")

    def __init__(self, parent, label):
        self.parent, self.label, self.children = parent, label, {}
        self.new_total = self.new_blank = self.new_label = _NEG_INF
        self.old_total = self.old_blank = _NEG_INF

    def reset(self):
        self.new_total = self.new_blank = self.new_label = _NEG_INF

    def labels(self, merge_repeated):
        out, previous, entry = [], -1, self
        while entry.parent is not None:
            if not merge_repeated or entry.label != previous:
                out.append(entry.label)
            previous, entry = entry.label, entry.parent
        return out[::-1]


def _greater(a, b):
    return a.new_total > b.new_total


# -- libstdc++'s heap and sort, with the "greater" comparison (the heap's front is the least) --

def _sift_up(heap, hole, top, value):
    parent = (hole - 1) // 2
    while hole > top and _greater(heap[parent], value):
        heap[hole] = heap[parent]
        hole, parent = parent, (parent - 1) // 2
    heap[hole] = value


def _adjust(heap, hole, length, value):
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _greater(heap[child], heap[child - 1]):
            child -= 1
        heap[hole] = heap[child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        heap[hole] = heap[child - 1]
        hole = child - 1
    _sift_up(heap, hole, top, value)


def _make_heap(heap, first, last):
    length = last - first
    if length < 2:
        return
    view = heap[first:last]
    for parent in range((length - 2) // 2, -1, -1):
        _adjust(view, parent, length, view[parent])
    heap[first:last] = view


def _pop_heap(heap, last):
    """Moves the front of heap[:last] to last - 1 and restores the heap on heap[:last - 1]."""
    if last > 1:
        value, heap[last - 1] = heap[last - 1], heap[0]
        _adjust(heap, 0, last - 1, value)  # touches heap[:last - 1] only


def _sort_heap(heap, last):
    while last > 1:
        _pop_heap(heap, last)
        last -= 1


def _insertion_sort(items, first, last):
    for i in range(first + 1, last):
        value = items[i]
        if _greater(value, items[first]):
            items[first + 1:i + 1] = items[first:i]
            items[first] = value
        else:
            _linear_insert(items, i)


def _linear_insert(items, i):
    value = items[i]
    while _greater(value, items[i - 1]):
        items[i] = items[i - 1]
        i -= 1
    items[i] = value


def _median_to_first(items, result, a, b, c):
    if _greater(items[a], items[b]):
        if _greater(items[b], items[c]):
            pick = b
        elif _greater(items[a], items[c]):
            pick = c
        else:
            pick = a
    elif _greater(items[a], items[c]):
        pick = a
    elif _greater(items[b], items[c]):
        pick = c
    else:
        pick = b
    items[result], items[pick] = items[pick], items[result]


def _partition(items, first, last, pivot):
    while True:
        while _greater(items[first], items[pivot]):
            first += 1
        last -= 1
        while _greater(items[pivot], items[last]):
            last -= 1
        if first >= last:
            return first
        items[first], items[last] = items[last], items[first]
        first += 1


def _introsort(items, first, last, depth):
    while last - first > _THRESHOLD:
        if depth == 0:
            _make_heap(items, first, last)
            view = items[first:last]
            _sort_heap(view, len(view))
            items[first:last] = view
            return
        depth -= 1
        _median_to_first(items, first, first + 1, first + (last - first) // 2, last - 1)
        cut = _partition(items, first + 1, last, first)
        _introsort(items, cut, last, depth)
        last = cut


def _std_sort(items):
    """std::sort(items, greater): introsort, then an insertion sort over the whole range."""
    n = len(items)
    if n < 2:
        return
    _introsort(items, 0, n, 2 * (n.bit_length() - 1))
    if n > _THRESHOLD:
        _insertion_sort(items, 0, _THRESHOLD)
        for i in range(_THRESHOLD, n):
            _linear_insert(items, i)
    else:
        _insertion_sort(items, 0, n)


class TopN:
    """TF's gtl::TopN of entries by new_total, as TF 2's build behaves: at most `limit` of the
    entries pushed, kept unordered (the least moved to the front once asked for) until one
    more than the limit arrives; then a heap of `limit` entries whose least is replaced (popped
    to the end, overwritten, pushed back up) by each greater entry."""

    def __init__(self, limit):
        self.limit, self.items, self.heap, self.bottom_known = limit, [], False, False

    def __len__(self):
        return len(self.items)

    def push(self, entry):
        items = self.items
        if not self.heap:
            items.append(entry)
            if self.bottom_known and not _greater(entry, items[0]):
                items[0], items[-1] = items[-1], items[0]
            if len(items) == self.limit + 1:
                _make_heap(items, 0, len(items))
                _pop_heap(items, len(items))
                items.pop()
                self.heap = True
        elif _greater(entry, items[0]):
            _pop_heap(items, len(items))
            items[-1] = entry
            _sift_up(items, len(items) - 1, 0, entry)

    def bottom(self):
        items = self.items
        if not self.heap and not self.bottom_known:
            least = 0
            for i in range(1, len(items)):
                if _greater(items[least], items[i]):
                    least = i
            items[0], items[least] = items[least], items[0]
            self.bottom_known = True
        return items[0]

    def unsorted(self):
        return list(self.items)

    def extract(self):
        """The entries in decreasing order (the collection is emptied)."""
        items = self.items
        if self.heap:
            _sort_heap(items, len(items))
        else:
            _std_sort(items)
        self.items, self.heap, self.bottom_known = [], False, False
        return items


def _float_functions():
    """The C library's float expf, logf and log1pf, which TF's kernel calls (glibc's log1pf
    is not correctly rounded: a double result rounded to float differs in its last bit for
    about one argument in twelve); the double functions rounded to float where there is no
    such library."""
    name = ctypes.util.find_library("m")
    try:
        libm = ctypes.CDLL(name)
        functions = [getattr(libm, f) for f in ("expf", "logf", "log1pf")]
    except (OSError, AttributeError, TypeError):
        return None
    for f in functions:
        f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    return functions


_LIBM = _float_functions()


class Arithmetic:
    """How the search rounds: `f32` after each operation, and exp, log and log1p. For float32
    inputs, the float functions TF's kernel calls; for float64, Python's double ones."""

    def __init__(self, single):
        if single:
            def f32(v):
                return _FLOAT.unpack(_FLOAT.pack(v))[0]
            self.f32 = f32
            if _LIBM is not None:
                self.exp, self.log, self.log1p = _LIBM
            else:
                self.exp, self.log, self.log1p = (
                    lambda v: f32(math.exp(v)), lambda v: f32(math.log(v)),
                    lambda v: f32(math.log1p(v)))
        else:
            self.f32 = float
            self.exp, self.log, self.log1p = math.exp, math.log, math.log1p

    def log_add(self, a, b):
        """TF's LogSumExp: the larger plus log1p(exp(smaller - larger))."""
        if a == _NEG_INF:
            return b
        if b == _NEG_INF:
            return a
        hi, lo = (a, b) if a > b else (b, a)
        return self.f32(hi + self.log1p(self.exp(self.f32(lo - hi))))


def beam_search(steps, blank, beam_width, top_paths, merge_repeated, arithmetic):
    """The top_paths best label sequences and their log probabilities for one batch entry
    whose per-step logits are `steps` (lists of floats, already of the input's precision),
    computed by `arithmetic` (an Arithmetic). Raises ValueError with TF's message when fewer
    paths than asked for exist."""
    f32, log_add = arithmetic.f32, arithmetic.log_add
    root = _Entry(None, -1)
    root.new_total = root.new_blank = 0.0
    leaves = TopN(beam_width)
    leaves.push(root)
    for logits in steps:
        # each step's log-softmax, by the kernel's float32 operations: the offset is the
        # largest logit plus the log of the exponentials' sum, added class by class
        max_coeff = max(logits)
        total = 0.0
        for v in logits:
            total = f32(total + arithmetic.exp(f32(v - max_coeff)))
        offset = f32(max_coeff + arithmetic.log(total))
        shifted = [f32(v - offset) for v in logits]
        branches = leaves.extract()
        for b in branches:
            b.old_total, b.old_blank = b.new_total, b.new_blank
        for b in branches:
            if b.parent is not None:
                if b.parent.new_total != _NEG_INF:  # the parent is still active
                    previous = b.parent.old_blank if b.label == b.parent.label \
                        else b.parent.old_total
                    b.new_label = log_add(b.new_label, previous)
                b.new_label = f32(b.new_label + shifted[b.label])
            b.new_blank = f32(f32(b.old_total + logits[blank]) - offset)
            b.new_total = log_add(b.new_blank, b.new_label)
            leaves.push(b)
        # labels by decreasing score: once the beam is full, a child is a candidate only if
        # it beats the beam's least entry, which only rises while children are added, so
        # the labels worth looking at are a prefix of this order (plus existing children,
        # which a failed candidacy deactivates)
        by_score = sorted(range(len(logits) - 1), key=shifted.__getitem__, reverse=True)
        for b in branches:
            if not (b.old_total > _NEG_INF and (len(leaves) < beam_width
                                                 or b.old_total > leaves.bottom().new_total)):
                continue
            labels = range(len(logits) - 1)
            if len(leaves) == beam_width:
                least = leaves.bottom().new_total - b.old_total
                hopeful = []
                for label in by_score:
                    if shifted[label] <= least:
                        break
                    hopeful.append(label)
                labels = sorted(set(hopeful).union(b.children))
            for label in labels:
                c = b.children.get(label)
                if c is not None and c.new_total != _NEG_INF:
                    continue
                previous = b.old_blank if label == b.label else b.old_total
                total = f32(shifted[label] + previous)
                if total > _NEG_INF and (len(leaves) < beam_width
                                         or total > leaves.bottom().new_total):
                    if c is None:
                        c = b.children[label] = _Entry(b, label)
                    c.new_blank, c.new_label, c.new_total = _NEG_INF, total, total
                    if len(leaves) == beam_width:
                        leaves.bottom().reset()
                    leaves.push(c)
                elif c is not None:  # a failed candidate is deactivated (as a new one is)
                    c.old_total = c.old_blank = _NEG_INF
                    c.reset()
    if top_paths > beam_width:
        raise ValueError("requested more paths than the beam width.")
    if top_paths > len(leaves):
        raise ValueError("Less leaves in the beam search than requested.")
    best = TopN(top_paths)
    for entry in leaves.unsorted():
        best.push(entry)
    paths = best.extract()[:top_paths]
    return [p.labels(merge_repeated) for p in paths], [p.new_total for p in paths]
