"""Sampled losses for large output vocabularies (word2vec): tf.nn.nce_loss and
tf.nn.sampled_softmax_loss, and the candidate samplers they draw negative classes with
(tf.nn.log_uniform_candidate_sampler, tf.nn.uniform_candidate_sampler), seeded as TF's random
ops. Weights and biases are read with embedding_lookup, so their gradients are sparse."""

import math

import numpy as np

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import (concat, expand_dims, ones_like, reshape, shape, split,
                                  stop_gradient, zeros_like)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.math_ops import (cast, equal, log, matmul, reduce_any, reduce_sum)
from minitf.ops.nn_ops import logistic_loss, softmax_cross_entropy_with_logits_v2
from minitf.ops.op_util import dtype_error
from minitf.ops.random_ops import RandomOp, get_seed

__all__ = ["log_uniform_candidate_sampler", "uniform_candidate_sampler", "nce_loss",
           "sampled_softmax_loss"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)


class _CandidateSampler(RandomOp):
    """(sampled_candidates [num_sampled] int64, true_expected_count [batch, num_true] and
    sampled_expected_count [num_sampled] float32) as TF's range samplers: with `unique`, draws
    until num_sampled distinct classes are seen (kept in the order drawn), and an expected count
    is -expm1(tries * log1p(-p)); without, num_sampled draws and p * num_sampled."""

    num_true: int = 1
    num_sampled: int = 1
    unique: bool = True
    range_max: int = 1
    host_only = True  # drawn and counted with numpy on the host; the outputs are small

    def infer(self, true_classes):
        if true_classes.dtype is not dtypes.int64:
            raise dtype_error("true_classes", true_classes.dtype, (dtypes.int64,))
        dims = true_classes.shape.as_tuple()
        if dims is not None and (len(dims) != 2 or dims[1] not in (None, self.num_true)):
            raise ValueError("true_classes must be a matrix [batch_size, num_true=%d], saw shape "
                             "%s" % (self.num_true, format_dims(dims)))
        if self.unique and self.num_sampled > self.range_max:
            raise ValueError("Sampler's range is too small: num_sampled %d > range_max %d with "
                             "unique=True" % (self.num_sampled, self.range_max))
        batch = None if dims is None else dims[0]
        return [TensorSpec([self.num_sampled], dtypes.int64),
                TensorSpec([batch, self.num_true], dtypes.float32),
                TensorSpec([self.num_sampled], dtypes.float32)]

    def sample(self, xp, rng, true_classes):
        n = self.num_sampled
        if self.unique:
            sampled, tries = self.draw_distinct(rng, n)
        else:
            sampled, tries = self.draw(rng, n), n
        true_classes = np.asarray(true_classes)  # (the expected counts of both, in one pass)
        ids = np.concatenate([true_classes.reshape(-1), sampled])
        if tries == n:
            expected = (self.probability(ids.astype(np.float64)) * n).astype(np.float32)
        else:  # -expm1(tries * log1p(-p)), in place (the same bits: negation is exact)
            scaled = self.log1p_neg_p(ids)
            scaled *= tries
            expected = np.expm1(scaled, out=scaled).astype(np.float32)
            np.negative(expected, out=expected)
        k = true_classes.size
        return (xp.asarray(sampled), xp.asarray(expected[:k].reshape(true_classes.shape)),
                xp.asarray(expected[k:]))

    def draw_distinct(self, rng, n):
        """(n distinct classes in the order first drawn, int64; how many draws that took):
        draws 2n + 8 values and keeps the first occurrences (one sort); in the rare case that
        they hold fewer than n classes, goes on drawing 2 * (n - found) + 8 at a time."""
        draws = self.draw(rng, 2 * n + 8)
        first = first_occurrences(draws)
        if first.size >= n:
            return draws[first[:n]], int(first[n - 1]) + 1
        chosen = draws[first].tolist()
        seen, tries = set(chosen), draws.size
        while len(chosen) < n:
            for v in self.draw(rng, 2 * (n - len(chosen)) + 8).tolist():
                tries += 1
                if v not in seen:
                    seen.add(v)
                    chosen.append(v)
                    if len(chosen) == n:
                        break
        return np.asarray(chosen, np.int64), tries

    def log1p_neg_p(self, ids):
        """log1p(-P(k)) of each class k in `ids`: looked up in a table of the whole range when
        it has at most 2^20 classes (computed once: the same values, as numpy's log and log1p
        give each element the same bits wherever it sits in an array), else computed. `ids`:
        int64."""
        if self.range_max > _TABLE_MAX_CLASSES or not ids.size or \
                ids.view(np.uint64).max() >= self.range_max:  # (a true class out of range)
            return np.log1p(-self.probability(ids.astype(np.float64)))
        key = (type(self), self.range_max)
        table = _TABLES.get(key)
        if table is None:
            if len(_TABLES) >= 8:
                _TABLES.clear()
            table = _TABLES[key] = np.log1p(-self.probability(
                np.arange(self.range_max, dtype=np.float64)))
        return table.take(ids)


def first_occurrences(values):
    """The positions of the first occurrence of each distinct value of the 1-D array `values`,
    in increasing order (a stable sort puts each value's first occurrence first in its run)."""
    order = values.argsort(kind="stable")
    ordered = values[order]
    starts = np.empty(values.shape, bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = order[starts]
    first.sort()
    return first


_TABLE_MAX_CLASSES = 1 << 20
_TABLES = {}  # {(sampler class, range_max): log1p(-P(k)) for every class k}


@register
class LogUniformCandidateSampler(_CandidateSampler):
    """Classes drawn with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1): Zipf's law, for
    vocabularies sorted by decreasing frequency."""

    def draw(self, rng, count):
        values = rng.random(count)
        values *= math.log(self.range_max + 1)
        values = np.exp(values, out=values).astype(np.int64)
        values -= 1
        return np.remainder(values, self.range_max, out=values)

    def probability(self, k):
        return (np.log(k + 2.0) - np.log(k + 1.0)) / math.log(self.range_max + 1)


@register
class UniformCandidateSampler(_CandidateSampler):
    """Classes drawn uniformly from [0, range_max)."""

    def draw(self, rng, count):
        values = rng.random(count)
        values *= self.range_max
        return values.astype(np.int64)

    def probability(self, k):
        return np.full(k.shape, 1.0 / self.range_max)


def _sampler(opdef_class, true_classes, num_true, num_sampled, unique, range_max, seed, name):
    seed1, seed2 = get_seed(seed)
    with name_scope(name, opdef_class.__name__, [true_classes]) as scope:
        classes = convert_to_tensor(true_classes, name="true_classes")
        opdef = opdef_class(num_true=int(num_true), num_sampled=int(num_sampled),
                            unique=bool(unique), range_max=int(range_max), seed=seed1 or 0,
                            seed2=seed2 or 0)
        return tuple(get_default_graph().create_op(opdef, [classes], name=scope).outputs)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """tf.nn.log_uniform_candidate_sampler: (sampled_candidates, true_expected_count,
    sampled_expected_count), classes drawn from the log-uniform (Zipfian) distribution."""
    return _sampler(LogUniformCandidateSampler, true_classes, num_true, num_sampled, unique,
                    range_max, seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None,
                              name=None):
    """tf.nn.uniform_candidate_sampler: as log_uniform_candidate_sampler, drawing uniformly."""
    return _sampler(UniformCandidateSampler, true_classes, num_true, num_sampled, unique,
                    range_max, seed, name)


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                            sampled_values, subtract_log_q, remove_accidental_hits,
                            partition_strategy, name, seed=None):
    """TF's helper: logits of the true classes and the sampled ones ([batch, num_true +
    num_sampled]) and their labels (1 / num_true for the true ones)."""
    if isinstance(weights, (list, tuple)) and len(weights) == 1:
        weights = weights[0]
    with name_scope(name, "compute_sampled_logits", [weights, biases, inputs, labels]):
        labels = convert_to_tensor(labels)
        if labels.dtype is not dtypes.int64:
            labels = cast(labels, dtypes.int64)
        labels_flat = reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        sampled, true_expected_count, sampled_expected_count = (
            stop_gradient(convert_to_tensor(s)) for s in sampled_values)
        sampled = cast(sampled, dtypes.int64)
        all_ids = concat([labels_flat, sampled], 0)
        all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        inputs = convert_to_tensor(inputs)
        if all_w.dtype is not inputs.dtype:
            all_w = cast(all_w, inputs.dtype)
        # The true classes' rows and the sampled ones: one split where TF slices twice, so
        # that the gradient is one concat, not two pads and their sum (docs/differences.md).
        sizes = concat([expand_dims(shape(labels_flat)[0], 0), [-1]], 0)
        true_w, sampled_w = split(all_w, sizes)
        sampled_logits = matmul(inputs, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype is not inputs.dtype:
            all_b = cast(all_b, inputs.dtype)
        true_b, sampled_b = split(all_b, sizes)
        dim = shape(true_w)[1:2]
        row_wise_dots = expand_dims(inputs, 1) * reshape(true_w, concat([[-1, num_true], dim], 0))
        true_logits = reduce_sum(row_wise_dots, 2) + reshape(true_b, [-1, num_true])
        sampled_logits += sampled_b
        if remove_accidental_hits:
            # A sampled class that is also a true class of the row gets -FLT_MAX (TF adds it
            # through compute_accidental_hits and sparse_to_dense).
            hits = reduce_any(equal(expand_dims(labels, 2), reshape(sampled, [1, 1, -1])), 1)
            sampled_logits += cast(hits, sampled_logits.dtype) * -_FLOAT32_MAX
        if subtract_log_q:
            true_logits -= log(cast(true_expected_count, true_logits.dtype))
            sampled_logits -= log(cast(sampled_expected_count, sampled_logits.dtype))
        out_logits = concat([true_logits, sampled_logits], 1)
        out_labels = concat([ones_like(true_logits) / num_true, zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """tf.nn.nce_loss: noise-contrastive estimation, a [batch] loss: logistic regression of the
    true classes against `num_sampled` classes drawn log-uniformly (or `sampled_values`), each
    logit corrected by the log of its expected count. weights: [num_classes, dim]; biases:
    [num_classes]; labels: [batch, num_true] ints; inputs: [batch, dim]."""
    logits, labels = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        True, remove_accidental_hits, partition_strategy, name)
    # (the logistic loss as one op, its gradient as one: same values as TF's composite)
    sampled_losses = logistic_loss(labels=labels, logits=logits, name="sampled_losses")
    return reduce_sum(sampled_losses, 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """tf.nn.sampled_softmax_loss: the softmax cross-entropy over the true classes and
    `num_sampled` sampled ones (a [batch] loss), an estimate of the full softmax loss for
    training; sampled classes equal to a true one are removed by default."""
    logits, labels = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        True, remove_accidental_hits, partition_strategy, name, seed=seed)
    labels = stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
