"""Connectionist temporal classification (tf.nn.ctc_loss, its decoders) and tf.edit_distance,
the label error rate CTC models are scored by. CTCLoss is TF's fused op: the loss and its
gradient with respect to the logits come out of one forward-backward pass in log space,
vectorised over the batch and the label positions (a Python loop runs over the time steps)."""

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import Dimension
from minitf.framework.sparse_tensor import SparseTensor, SparseTensorValue
from minitf.framework.tensor import TensorSpec
from minitf.ops.ctc_beam import Arithmetic, beam_search
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.core import (cast, expand_dims, ones_like, prevent_gradient, reduce_sum, shape,
                             stack, zeros_like)
from minitf.ops.elementwise import equal, less, logical_and, not_equal, where
from minitf.ops.gather_scatter import gather_nd, scatter_nd
from minitf.ops.join_split import concat
from minitf.ops.ranges import range as range_
from minitf.ops.reductions import argmax, cumsum, reduce_max
from minitf.ops.rnn import sequence_mask
from minitf.ops.op_util import dtype_error, rank_error, type_mismatch_error
from minitf.ops.shape_ops import transpose
from minitf.ops.sparse_math import _dense_dims

__all__ = ["ctc_loss", "ctc_loss_v2", "ctc_greedy_decoder", "ctc_beam_search_decoder",
           "ctc_beam_search_decoder_v2", "collapse_repeated", "ctc_unique_labels",
           "edit_distance"]

_FLOATS = (dtypes.float32, dtypes.float64)


def _expect(op_type, arg, tensor, dtype):
    """TF's TypeError for an input whose op-def type is fixed (`dtype`)."""
    if tensor.dtype is not dtype:
        raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected type "
                        "of %s." % (arg, op_type, tensor.dtype.name, dtype.name))


def _rank(tensor, rank):
    if tensor.shape.ndims not in (None, rank):
        raise rank_error(rank, tensor.shape.ndims)


def _dim(tensor, i):
    return tensor.shape[i] if tensor.shape.ndims is not None else Dimension(None)


def _batch(op_type, inputs, sequence_length):
    """The static batch size, checked as TF's shape functions do: inputs [max_time, batch,
    num_classes] (float32 or float64) and an int32 sequence_length [batch]."""
    if inputs.dtype not in _FLOATS:
        raise dtype_error("inputs", inputs.dtype, _FLOATS)
    _expect(op_type, "sequence_length", sequence_length, dtypes.int32)
    _rank(inputs, 3)
    _rank(sequence_length, 1)
    return _merge(_dim(inputs, 1), _dim(sequence_length, 0))


def _merge(a, b):
    """Two static dimensions that must agree, merged (TF's shape-function message)."""
    if a.value is not None and b.value is not None and a.value != b.value:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (a.value, b.value))
    return a.merge_with(b)


def _log_add(xp, a, b):
    """log(exp(a) + exp(b)) elementwise, -inf where both are -inf (TF's LogSumExp)."""
    hi = xp.maximum(a, b)
    out = hi + xp.log1p(xp.exp(xp.minimum(a, b) - hi))
    return xp.where(hi == -xp.inf, hi, out)


def _check_lengths(xp, sequence_length, max_time, batch, op_check):
    if sequence_length.shape[0] != batch:
        raise op_check("len(sequence_length) != batch_size.  len(sequence_length):  %d "
                       "batch_size: %d" % (sequence_length.shape[0], batch))
    over = xp.nonzero(sequence_length > max_time)[0]
    if over.size:
        raise op_check("sequence_length(%d) <= %d" % (int(over[0]), max_time))


def _join(seq):
    return ",".join(str(v) for v in seq)


# -- the loss ----------------------------------------------------------------------------------

@register
class CTCLoss(OpDef):
    """-log p(labels | inputs) per batch entry, and its gradient with respect to the logits
    `inputs` [max_time, batch, num_classes] (the class num_classes - 1 is the blank). Labels
    come as a SparseTensor's indices (int64 [n, 2], row-major) and int32 values."""

    tf_signature = TFSignature(type_attrs=(("T", 0),))

    preprocess_collapse_repeated: bool = False
    ctc_merge_repeated: bool = True
    ignore_longer_outputs_than_inputs: bool = False

    def infer(self, inputs, labels_indices, labels_values, sequence_length):
        if inputs.dtype not in _FLOATS:
            raise dtype_error("inputs", inputs.dtype, _FLOATS)
        _expect("CTCLoss", "labels_indices", labels_indices, dtypes.int64)
        _expect("CTCLoss", "labels_values", labels_values, dtypes.int32)
        batch = _batch("CTCLoss", inputs, sequence_length)
        _rank(labels_indices, 2)
        _rank(labels_values, 1)
        _merge(_dim(labels_indices, 0), _dim(labels_values, 0))
        dims = inputs.shape.as_tuple() or (None, None, None)
        return [TensorSpec([batch.value], inputs.dtype),
                TensorSpec([dims[0], batch.value, dims[2]], inputs.dtype)]

    def compute(self, xp, inputs, labels_indices, labels_values, sequence_length):
        max_time, batch, classes = inputs.shape
        if sequence_length.shape[0] != batch:
            raise ValueError("len(sequence_length) != batch_size.  len(sequence_length):  %d "
                             "batch_size: %d" % (sequence_length.shape[0], batch))
        if labels_indices.shape[0] != labels_values.shape[0]:
            raise ValueError("labels_indices and labels_values must contain the same number of "
                             "rows, but saw shapes: [%d,%d] vs. [%d]"
                             % (labels_indices.shape + labels_values.shape))
        if batch == 0:
            raise ValueError("batch_size must not be 0")
        labels, label_lengths, raw_lengths = self._labels(
            xp, labels_indices, labels_values, sequence_length, max_time, batch, classes)
        seq = sequence_length.astype(xp.int64)
        skipped = seq == 0
        if self.ignore_longer_outputs_than_inputs:
            skipped = skipped | (raw_lengths > seq)
        return self._loss_and_gradient(xp, inputs, labels, label_lengths, seq, skipped)

    def _labels(self, xp, indices, values, sequence_length, max_time, batch, classes):
        """Each entry's target sequence as TF's kernel reads it: the row's values in order,
        repeats dropped with preprocess_collapse_repeated, values >= num_classes - 1 ending the
        sequence. Returns the targets padded into [batch, max length] (int64), their lengths,
        and the rows' raw lengths; raises TF's errors for invalid labels."""
        n = indices.shape[0]
        rows, cols = indices[:, 0], indices[:, 1]
        width = int(cols.max()) + 1 if n else 0
        keys = rows * max(width, 1) + cols
        outside = (rows < 0) | (cols < 0) | (rows >= batch)
        unordered = xp.zeros(n, dtype=bool)
        unordered[1:] = keys[1:] <= keys[:-1]
        bad = xp.nonzero(outside | unordered)[0]
        if bad.size:  # TF's SparseTensor::IndicesValid, entry by entry
            i = int(bad[0])
            at = (i, int(rows[i]), int(cols[i]))
            if bool(outside[i]):
                raise ValueError("label SparseTensor is not valid: indices[%d] = [%d,%d] is out "
                                 "of bounds: need 0 <= index < [%d,%d]" % (at + (batch, width)))
            raise ValueError("label SparseTensor is not valid: indices[%d] = [%d,%d] is %s. Many "
                             "sparse ops require sorted indices.\n    Use `tf.sparse.reorder` to "
                             "create a correctly ordered copy.\n\n"
                             % (at + ("repeated" if int(keys[i]) == int(keys[i - 1])
                                      else "out of order",)))
        over = xp.nonzero(sequence_length > max_time)[0]
        if over.size:
            raise ValueError("sequence_length(%d) <= %d" % (int(over[0]), max_time))
        negative = xp.nonzero(sequence_length < 0)[0]
        if negative.size:
            raise ValueError("seq_len(%d) < 0" % int(negative[0]))
        raw_lengths = xp.bincount(rows, minlength=batch)
        starts = xp.cumsum(raw_lengths) - raw_lengths
        position = xp.arange(n) - starts[rows]
        kept = xp.ones(n, dtype=bool)
        if self.preprocess_collapse_repeated and n:
            kept[1:] = (position[1:] == 0) | (values[1:] != values[:-1])
        ends = kept & (values >= classes - 1)
        before = xp.cumsum(ends) - ends       # sequence ends kept before each entry, batch-wide
        ends_in_row = before - before[starts[rows]] if n else before
        target = kept & ~ends
        invalid = (target & (ends_in_row > 0)) | (target & (values < 0))
        problem = (raw_lengths == 0) | xp.bincount(rows[invalid], minlength=batch).astype(bool)
        if not self.ignore_longer_outputs_than_inputs:
            problem = problem | (raw_lengths > sequence_length)
        problem = xp.nonzero(problem)[0]
        if problem.size:
            self._raise_label_error(xp, int(problem[0]), rows, values, kept, target, ends,
                                    raw_lengths, sequence_length, classes)
        lengths = xp.bincount(rows[target], minlength=batch)
        slot = xp.cumsum(target) - 1
        slot = slot - (xp.cumsum(target) - target)[starts[rows]] if n else slot
        labels = xp.zeros((batch, max(int(lengths.max()), 1)), dtype=xp.int64)
        labels[rows[target], slot[target]] = values[target]
        return labels, lengths, raw_lengths

    def _raise_label_error(self, xp, b, rows, values, kept, target, ends, raw_lengths,
                           sequence_length, classes):
        """TF's message for the first problem in batch entry `b` (the checks in its order)."""
        if int(raw_lengths[b]) == 0:
            raise ValueError("Labels length is zero in batch %d" % b)
        row = rows == b
        label = values[row].tolist()
        seen = []
        finished = False
        for value, keep, is_end in zip(label, kept[row].tolist(), ends[row].tolist()):
            if not keep:
                continue
            if is_end:
                finished = True
            elif finished:
                raise ValueError("Saw a non-null label (index >= num_classes - 1) following a null "
                                 "label, batch: %d num_classes: %d labels: %s labels seen so "
                                 "far: %s" % (b, classes, _join(label), _join(seen)))
            else:
                seen.append(value)
        if any(v < 0 for v in seen):
            raise ValueError("All labels must be nonnegative integers, batch: %d labels: %s"
                             % (b, _join(seen)))
        raise ValueError("Not enough time for target transition sequence (required: %d, "
                         "available: %d)%dYou can turn this error into a warning by using the "
                         "flag ignore_longer_outputs_than_inputs"
                         % (len(label), int(sequence_length[b]), b))

    def _loss_and_gradient(self, xp, inputs, labels, label_lengths, seq, skipped):
        max_time, batch, classes = inputs.shape
        blank = classes - 1
        # l': the targets with a blank before each and one at the end; padded states past 2L+1
        # stay impossible (-inf) throughout.
        states = 2 * labels.shape[1] + 1
        l_prime = xp.full((batch, states), blank, dtype=xp.int64)
        l_prime[:, 1::2] = labels
        state = xp.arange(states)
        valid = state[None, :] < (2 * label_lengths + 1)[:, None]
        is_blank = l_prime == blank
        self_loop = is_blank | self.ctc_merge_repeated
        same_as_two_back = xp.zeros_like(is_blank)
        same_as_two_back[:, 2:] = l_prime[:, 2:] == l_prime[:, :-2]
        skip = ~is_blank & ~(same_as_two_back & self.ctc_merge_repeated)
        skip[:, :2] = False
        # softmax in the input precision, then its log (as TF's kernel: a probability that
        # underflows to 0 gives -inf)
        shifted = xp.exp(inputs - inputs.max(axis=2, keepdims=True))
        y = shifted / shifted.sum(axis=2, keepdims=True)
        log_y = xp.log(y)
        emit = xp.take_along_axis(log_y, xp.broadcast_to(l_prime[None], (max_time,) + l_prime.shape),
                                  axis=2)
        emit = xp.where(valid[None], emit, -xp.inf)
        neg_inf = xp.full((batch, 1), -xp.inf, dtype=inputs.dtype)

        def shift(a, k):
            return xp.concatenate([xp.broadcast_to(neg_inf, (batch, k)), a[:, :-k]], axis=1)

        alpha = xp.full((max_time, batch, states), -xp.inf, dtype=inputs.dtype)
        alpha[0, :, :2] = emit[0, :, :2]
        for t in range(1, max_time):
            prev = alpha[t - 1]
            total = _log_add(xp, xp.where(self_loop, prev, -xp.inf), shift(prev, 1))
            total = _log_add(xp, total, xp.where(skip, shift(prev, 2), -xp.inf))
            alpha[t] = emit[t] + total
        # beta starts (log 1) at each entry's own last step in its last two states
        last = 2 * label_lengths
        start = xp.where((state[None, :] == last[:, None]) | (state[None, :] == last[:, None] - 1),
                         0.0, -xp.inf).astype(inputs.dtype)
        final_step = (seq - 1)[:, None]
        skip_ahead = xp.zeros_like(skip)
        skip_ahead[:, :-2] = skip[:, 2:]
        beta = xp.full((max_time, batch, states), -xp.inf, dtype=inputs.dtype)
        beta[max_time - 1] = xp.where(final_step == max_time - 1, start, -xp.inf)
        for t in range(max_time - 2, -1, -1):
            nxt = beta[t + 1] + emit[t + 1]
            ahead = xp.concatenate([nxt[:, 1:], xp.broadcast_to(neg_inf, (batch, 1))], axis=1)
            ahead2 = xp.concatenate([nxt[:, 2:], xp.broadcast_to(neg_inf, (batch, 2))], axis=1)
            total = _log_add(xp, xp.where(self_loop, nxt, -xp.inf), ahead)
            total = _log_add(xp, total, xp.where(skip_ahead, ahead2, -xp.inf))
            beta[t] = xp.where(t < final_step, total, xp.where(t == final_step, start, -xp.inf))
        both = alpha[0] + beta[0]
        top = both.max(axis=1)
        safe_top = xp.where(top == -xp.inf, 0, top)
        log_p = safe_top + xp.log(xp.exp(both - safe_top[:, None]).sum(axis=1))
        log_p = xp.where(top == -xp.inf, -xp.inf, log_p)
        # d loss / d logits = y - (sum over the states of each class of alpha*beta) / p
        occupancy = xp.exp(alpha + beta - xp.where(log_p == -xp.inf, 0, log_p)[None, :, None])
        one_hot = (l_prime[:, :, None] == xp.arange(classes)[None, None, :]) & valid[:, :, None]
        expected = xp.einsum("tbs,bsc->tbc", occupancy, one_hot.astype(inputs.dtype))
        gradient = y - xp.where((log_p == -xp.inf)[None, :, None], 0, expected)
        in_sequence = xp.arange(max_time)[:, None] < seq[None, :]
        keep = in_sequence & ~skipped[None, :]
        gradient = xp.where(keep[:, :, None], gradient, 0).astype(inputs.dtype)
        loss = xp.where(skipped, 0, -log_p).astype(inputs.dtype)
        return loss, gradient

    def grad(self, op, grad_loss, _):
        # TF's rule: the second output, kept from being differentiated again, scaled per entry
        gradient = prevent_gradient(
            op.outputs[1], message="Currently there is no way to take the second  derivative "
            "of ctc_loss due to the fused implementation's interaction  with tf.gradients()")
        return [expand_dims(grad_loss, -1) * gradient, None, None, None]


def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False, time_major=True,
             logits=None):
    """tf.nn.ctc_loss (TF 1.x's signature): the CTC negative log-likelihood of each batch
    entry's `labels` (an int32 SparseTensor, row b holding entry b's targets) under the logits
    `inputs` ([max_time, batch, num_classes], or batch-major with time_major=False); the blank
    is class num_classes - 1. `sequence_length` (int32 [batch]) gives each entry's steps."""
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected argument `labels` to be a SparseTensor. Received labels=%s of "
                        "type: %s" % (labels, type(labels).__name__))
    if inputs is not None and logits is not None:
        raise ValueError("Cannot specify both 'logits' and 'inputs'")
    inputs = convert_to_tensor(logits if inputs is None else inputs, name="logits")
    if not time_major:
        inputs = transpose(inputs, [1, 0, 2])
    orig_dtype = inputs.dtype
    if orig_dtype is dtypes.float16:
        inputs = cast(inputs, dtypes.float32)
    with name_scope(None, "CTCLoss") as scope:
        sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
        loss, _ = CTCLoss(bool(preprocess_collapse_repeated), bool(ctc_merge_repeated),
                          bool(ignore_longer_outputs_than_inputs))(
            inputs, labels.indices, labels.values, sequence_length, name=scope)
    if orig_dtype is dtypes.float16:
        loss = cast(loss, orig_dtype)
    return loss


# -- greedy decoding ---------------------------------------------------------------------------

def _decoded_specs(batch, paths, dtype):
    """The outputs of a CTC decoder: per path indices [n, 2], values [n] and dense_shape [2]
    (int64, grouped by kind as TF's output lists are), then log probabilities [batch, paths]."""
    return ([TensorSpec([None, 2], dtypes.int64)] * paths + [TensorSpec([None], dtypes.int64)]
            * paths + [TensorSpec([2], dtypes.int64)] * paths
            + [TensorSpec([batch.value, paths], dtype)])


def _check_decoder_inputs(xp, inputs, sequence_length):
    if inputs.size == 0:
        raise ValueError("inputs must not be empty")
    max_time, batch, _ = inputs.shape

    def failed(message):
        return errors.FailedPreconditionError(None, None, message)
    _check_lengths(xp, sequence_length, max_time, batch, failed)


def _sparse_from_mask(xp, mask, classes_at, batch):
    """A SparseTensor's (indices, values, dense_shape) holding, for each batch entry b, the
    values classes_at[b, t] where mask[b, t], packed to the left in order of t."""
    b, t = xp.nonzero(mask)
    counts = mask.sum(axis=1)
    column = xp.cumsum(mask, axis=1)[b, t] - 1
    indices = xp.stack([b, column], axis=1).astype(xp.int64).reshape(-1, 2)
    shape = xp.asarray([batch, int(counts.max()) if batch else 0], dtype=xp.int64)
    return indices, classes_at[b, t].astype(xp.int64), shape


@register
class CTCGreedyDecoder(OpDef):
    """Best-path decoding: the most likely class at each step (the first of equal logits),
    repeats merged (with merge_repeated), blanks (the last class) dropped; the log
    probability output is minus the sum of those steps' largest logits."""

    differentiable = False
    merge_repeated: bool = False

    def infer(self, inputs, sequence_length):
        return _decoded_specs(_batch("CTCGreedyDecoder", inputs, sequence_length), 1,
                              inputs.dtype)

    def compute(self, xp, inputs, sequence_length):
        _check_decoder_inputs(xp, inputs, sequence_length)
        max_time, batch, classes = inputs.shape
        best = inputs.argmax(axis=2)                     # [time, batch]
        largest = inputs.max(axis=2)
        steps = xp.arange(max_time)[:, None] < sequence_length[None, :]
        log_probability = xp.zeros(batch, dtype=inputs.dtype)
        for t in range(max_time):  # summed step by step, as TF's kernel adds them
            log_probability = log_probability + xp.where(steps[t], -largest[t], 0)
        previous = xp.concatenate([xp.full((1, batch), -1, dtype=best.dtype), best[:-1]])
        emit = steps & (best != classes - 1)
        if self.merge_repeated:
            emit = emit & (best != previous)
        indices, values, shape = _sparse_from_mask(xp, emit.T, best.T, batch)
        return indices, values, shape, log_probability[:, None]


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True):
    """tf.nn.ctc_greedy_decoder: ([a SparseTensor of the decoded int64 classes, [batch,
    longest decoding]], the negated sums of each step's largest logit [batch, 1])."""
    with name_scope(None, "CTCGreedyDecoder") as scope:
        inputs = convert_to_tensor(inputs, name="inputs")
        sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
        indices, values, shape, log_probability = CTCGreedyDecoder(bool(merge_repeated))(
            inputs, sequence_length, name=scope)
    return [SparseTensor(indices, values, shape)], log_probability


# -- edit distance -----------------------------------------------------------------------------

def _levenshtein(a, b):
    """The edit distance (insertions, deletions, substitutions) between two lists."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def _groups(indices, values):
    """{index of the outer dims: that sequence's values in order} of a row-major sparse tensor."""
    out = {}
    for index, value in zip(indices[:, :-1].tolist(), values.tolist()):
        out.setdefault(tuple(index), []).append(value)
    return out


@register
class EditDistance(OpDef):
    """The Levenshtein distance between the sequences of two SparseTensors along their last
    dimension, for each index of the other dimensions (normalize: divided by the truth's
    length; a hypothesis with no truth gives inf, a truth with no hypothesis 1)."""

    differentiable = False
    host_only = True  # a dynamic program over Python lists, one small sequence pair at a time
    normalize: bool = True

    def infer(self, h_indices, h_values, h_shape, t_indices, t_values, t_shape):
        if t_values.dtype is not h_values.dtype:
            raise type_mismatch_error("EditDistance", "truth_values", t_values.dtype,
                                      "hypothesis_values", h_values.dtype)
        h_dims, t_dims = _dense_dims(h_shape), _dense_dims(t_shape)
        if h_dims is None or t_dims is None or None in h_dims + t_dims:
            return TensorSpec(None, dtypes.float32)
        if len(h_dims) != len(t_dims):
            raise ValueError("Num elements of hypothesis_shape does not match truth_shape: %d vs. "
                             "%d" % (len(h_dims), len(t_dims)))
        for what, dims in (("Hypothesis", h_dims), ("Truth", t_dims)):
            if len(dims) < 2:
                raise ValueError("Input %s SparseTensors must have rank at least 2, but %s_shape "
                                 "rank is: %d" % (what, what.lower(), len(dims)))
        return TensorSpec([max(h, t) for h, t in zip(h_dims[:-1], t_dims[:-1])], dtypes.float32)

    def compute(self, xp, h_indices, h_values, h_shape, t_indices, t_values, t_shape):
        if h_shape.shape[0] != t_shape.shape[0]:
            raise ValueError("Expected truth and hypothesis to have matching ranks, but their "
                             "shapes are: [%d] and [%d]" % (t_shape.shape[0], h_shape.shape[0]))
        if t_shape.shape[0] < 2:
            raise ValueError("Input SparseTensors must have rank at least 2, but truth_shape rank "
                             "is: %d" % t_shape.shape[0])
        dims = [max(h, t) for h, t in zip(h_shape.tolist()[:-1], t_shape.tolist()[:-1])]
        out = xp.zeros(dims, dtype=xp.float32)
        size, flat = out.size, out.reshape(-1)
        truth = _groups(t_indices, t_values)
        hypothesis = _groups(h_indices, h_values)
        for key in sorted(set(truth) | set(hypothesis)):
            loc = 0
            for k, d in zip(key, dims):
                loc = loc * d + k
            if not 0 <= loc < size:
                raise errors.InternalError(
                    None, None, "Got an inner product %d which would require writing to outside "
                    "of the buffer for the output tensor (max elements %d)" % (loc, size))
            t, h = truth.get(key), hypothesis.get(key)
            if t is None:
                value = xp.float32(len(h)) / xp.float32(0) if self.normalize else len(h)
            elif h is None:
                value = 1.0 if self.normalize else len(t)
            else:
                value = _levenshtein(t, h)
                if self.normalize:
                    value = xp.float32(value) / xp.float32(len(t))
            flat[loc] = value
        return out


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """tf.edit_distance: the Levenshtein distance between `hypothesis` and `truth`
    (SparseTensors of equal rank; the last dimension holds the sequences), of shape the larger
    of their dense shapes without the last dimension; normalize divides by the truth's length."""
    if not isinstance(hypothesis, (SparseTensor, SparseTensorValue)):
        raise TypeError("Hypothesis must be a SparseTensor.")
    if not isinstance(truth, (SparseTensor, SparseTensorValue)):
        raise TypeError("Truth must be a SparseTensor.")
    hypothesis, truth = SparseTensor.from_value(hypothesis), SparseTensor.from_value(truth)
    return EditDistance(bool(normalize))(
        hypothesis.indices, hypothesis.values, hypothesis.dense_shape, truth.indices,
        truth.values, truth.dense_shape, name=name)


# -- beam search -------------------------------------------------------------------------------

def _sparse_from_lists(xp, sequences, batch):
    """(indices, values, dense_shape) of the SparseTensor whose row b is sequences[b]."""
    indices = [[b, i] for b, seq in enumerate(sequences) for i in range(len(seq))]
    values = [v for seq in sequences for v in seq]
    longest = max([len(seq) for seq in sequences] + [0])
    return (xp.asarray(indices, dtype=xp.int64).reshape(-1, 2),
            xp.asarray(values, dtype=xp.int64), xp.asarray([batch, longest], dtype=xp.int64))


@register
class CTCBeamSearchDecoder(OpDef):
    """Prefix beam search over the logits (TF's kernel: each step's scores are the logits less
    their maximum, unnormalized), keeping beam_width prefixes; the top_paths best label
    sequences (repeats merged with merge_repeated) and their scores."""

    differentiable = False
    host_only = True  # a prefix tree searched step by step in Python, as TF's kernel does
    beam_width: int = 100
    top_paths: int = 1
    merge_repeated: bool = True

    def infer(self, inputs, sequence_length):
        return _decoded_specs(_batch("CTCBeamSearchDecoder", inputs, sequence_length),
                              self.top_paths, inputs.dtype)

    def compute(self, xp, inputs, sequence_length):
        _check_decoder_inputs(xp, inputs, sequence_length)
        max_time, batch, classes = inputs.shape
        arithmetic = Arithmetic(single=inputs.dtype == xp.float32)
        paths, scores = [], []
        for b in range(batch):
            steps = inputs[:int(sequence_length[b]), b].tolist()
            best, log_probs = beam_search(steps, classes - 1, self.beam_width, self.top_paths,
                                          self.merge_repeated, arithmetic)
            paths.append(best)
            scores.append(log_probs)
        parts = [_sparse_from_lists(xp, [p[k] for p in paths], batch)
                 for k in range(self.top_paths)]
        return tuple([p[0] for p in parts] + [p[1] for p in parts] + [p[2] for p in parts]
                     + [xp.asarray(scores, dtype=inputs.dtype).reshape(batch, self.top_paths)])


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1,
                            merge_repeated=True):
    """tf.nn.ctc_beam_search_decoder (TF 1.x's): ([top_paths SparseTensors of decoded int64
    classes], log probabilities [batch, top_paths]), best path first. The scores are TF's:
    sums of logits less each step's maximum, so softmax-normalized only for log-probability
    inputs. merge_repeated merges equal neighbours of the decoded paths (`A B B * B` gives
    `A B`)."""
    for attr, value in (("beam_width", beam_width), ("top_paths", top_paths)):
        if int(value) < 1:
            raise ValueError("Attr '%s' of 'CTCBeamSearchDecoder' Op passed %d less than "
                             "minimum 1." % (attr, value))
    with name_scope(None, "CTCBeamSearchDecoder") as scope:
        inputs = convert_to_tensor(inputs, name="inputs")
        sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
        outputs = CTCBeamSearchDecoder(int(beam_width), int(top_paths), bool(merge_repeated))(
            inputs, sequence_length, name=scope)
    k = int(top_paths)
    return ([SparseTensor(outputs[i], outputs[k + i], outputs[2 * k + i]) for i in range(k)],
            outputs[3 * k])


def ctc_beam_search_decoder_v2(inputs, sequence_length, beam_width=100, top_paths=1):
    """tf.nn.ctc_beam_search_decoder_v2 (TF 2's ctc_beam_search_decoder): the beam search
    without merging repeated labels of the decoded paths."""
    return ctc_beam_search_decoder(inputs, sequence_length, beam_width=beam_width,
                                   top_paths=top_paths, merge_repeated=False)


# -- TF 1.15's second loss and the label helpers -----------------------------------------------

def _blank_last(logits, labels_values, blank_index):
    """Logits with class `blank_index` moved to the end (where CTCLoss wants the blank), and
    label values renumbered to match; the loss is the same, the softmax being unchanged by the
    order of the classes."""
    classes = logits.shape[2].value if logits.shape.ndims == 3 else None
    if blank_index < 0:
        if classes is None:
            raise ValueError("a negative blank_index needs the number of classes (the last "
                             "dimension of logits) known when the graph is built")
        blank_index += classes
    if classes is not None and blank_index == classes - 1:
        return logits, labels_values
    logits = concat([logits[:, :, :blank_index], logits[:, :, blank_index + 1:],
                     logits[:, :, blank_index:blank_index + 1]], axis=2)
    labels_values = where(less(labels_values, blank_index), labels_values, labels_values - 1)
    return logits, labels_values


def ctc_loss_v2(labels, logits, label_length, logit_length, logits_time_major=True, unique=None,
                blank_index=None, name=None):
    """tf.nn.ctc_loss_v2 (TF 1.15's, TF 2's ctc_loss): the CTC loss of `labels`, either a
    SparseTensor (blank_index then required) or dense [batch, max label length] with
    `label_length`; `logits` [frames, batch, classes] (batch-major unless logits_time_major),
    `logit_length` [batch]. The blank is class 0 for dense labels unless blank_index says
    otherwise (negative: counted from the end). `unique` (from ctc_unique_labels) only makes
    TF's TPU implementation faster and is not needed here."""
    del unique  # a speed-up of TF's dense implementation; the loss is the same without it
    if isinstance(labels, SparseTensor):
        if blank_index is None:
            raise ValueError("Argument `blank_index` must be provided when labels is a "
                             "SparseTensor.")
        logits = convert_to_tensor(logits, name="logits")
        if not logits_time_major:
            logits = transpose(logits, [1, 0, 2])
        logits, values = _blank_last(logits, labels.values, blank_index)
        return ctc_loss(SparseTensor(labels.indices, values, labels.dense_shape), logits,
                        logit_length)
    with name_scope(name, "ctc_loss_dense", [logits, labels, label_length, logit_length]):
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        label_length = convert_to_tensor(label_length, name="label_length")
        logit_length = convert_to_tensor(logit_length, name="logit_length")
        if not logits_time_major:
            logits = transpose(logits, [1, 0, 2])
        mask = sequence_mask(label_length, shape(labels)[1])
        indices = where(mask)
        values = cast(gather_nd(labels, indices), dtypes.int32)
        logits, values = _blank_last(logits, values, 0 if blank_index is None else blank_index)
        sparse = SparseTensor(indices, values, cast(shape(labels), dtypes.int64))
        return ctc_loss(sparse, logits, cast(logit_length, dtypes.int32))


def collapse_repeated(labels, seq_length, name=None):
    """tf.nn.collapse_repeated: each row's runs of equal labels (within its seq_length) merged
    into one, packed to the left and zero-padded to the longest result; returns
    (collapsed labels [batch, new max length], new lengths, of seq_length's dtype)."""
    with name_scope(name, "collapse_repeated_labels", [labels, seq_length]):
        labels = convert_to_tensor(labels, name="labels")
        seq_length = convert_to_tensor(seq_length, name="seq_length")
        starts = concat([ones_like(labels[:, :1], dtype=dtypes.bool),
                         not_equal(labels[:, 1:], labels[:, :-1])], axis=1)
        keep = logical_and(starts, sequence_mask(seq_length, shape(labels)[1]))
        kept = cast(keep, dtypes.int32)
        new_length = reduce_sum(kept, axis=1)
        at = where(keep)                                     # [n, 2]: (row, column) kept
        column = cast(gather_nd(cumsum(kept, axis=1) - 1, at), dtypes.int64)
        batch = labels.shape[0].value if labels.shape.ndims else None
        out_shape = stack([shape(labels, out_type=dtypes.int64)[0] if batch is None else batch,
                           cast(reduce_max(new_length), dtypes.int64)])
        collapsed = scatter_nd(stack([at[:, 0], column], axis=1), gather_nd(labels, at),
                               out_shape)
        return collapsed, cast(new_length, seq_length.dtype)


def ctc_unique_labels(labels, name=None):
    """tf.nn.ctc_unique_labels: per row of `labels` [batch, max length] (zero-padded), its
    distinct labels in order of first appearance, zero-padded (int64), and for each position
    the index of its label among them (int32)."""
    with name_scope(name, "ctc_unique_labels", [labels]):
        labels = convert_to_tensor(labels, name="labels")
        same = equal(expand_dims(labels, 2), expand_dims(labels, 1))   # [b, i, j]
        first = argmax(cast(same, dtypes.int32), axis=2, output_type=dtypes.int32)
        is_first = equal(first, range_(shape(labels)[1]))
        unique_id = cumsum(cast(is_first, dtypes.int32), axis=1) - 1
        rows = zeros_like(first) + expand_dims(range_(shape(labels)[0]), 1)
        idx = gather_nd(unique_id, stack([rows, first], axis=2))
        at = where(is_first)
        column = cast(gather_nd(unique_id, at), dtypes.int64)
        unique = scatter_nd(stack([at[:, 0], column], axis=1),
                            cast(gather_nd(labels, at), dtypes.int64),
                            shape(labels, out_type=dtypes.int64))
        return [unique, idx]
