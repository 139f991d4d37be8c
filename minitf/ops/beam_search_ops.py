"""GatherTree: the beams of a beam search, read back from each step's ids and parent beams
(tf.contrib.seq2seq.gather_tree)."""

from minitf import dtypes
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import dtype_error, is_tensor_like, rank_error

__all__ = ["gather_tree"]


@register
class GatherTree(OpDef):
    """beams[t, b, k]: the id at step t of the beam that ends as beam k of batch entry b, found
    by following parent_ids back from step max_sequence_lengths[b] - 1; steps past that length,
    and past the beam's first end_token, are end_token. No gradient (ids), as in TF."""

    differentiable = False

    def infer(self, step_ids, parent_ids, max_sequence_lengths, end_token):
        inputs = (step_ids, parent_ids, max_sequence_lengths, end_token)
        shapes = ", ".join(format_dims(t.shape.as_tuple()) if t.shape.ndims is not None
                           else "?" for t in inputs)
        for arg, t in zip(("step_ids", "parent_ids", "max_sequence_lengths", "end_token"),
                          inputs):
            if t.dtype is not dtypes.int32:
                raise dtype_error(arg, t.dtype, (dtypes.int32,), "GatherTree")
        for t, rank in zip(inputs, (3, 3, 1, 0)):
            if t.shape.ndims not in (None, rank):
                raise rank_error(rank, t.shape.ndims, " for 'GatherTree' with input shapes: "
                                 "%s." % shapes)
        if not step_ids.shape.is_compatible_with(parent_ids.shape):
            raise ValueError("Shapes of step_ids and parent_ids must be equal, but are %s and "
                             "%s for 'GatherTree' with input shapes: %s."
                             % (step_ids.shape, parent_ids.shape, shapes))
        out = step_ids.shape.merge_with(parent_ids.shape)
        if out.ndims is not None and max_sequence_lengths.shape.ndims is not None and \
                not out[1].is_compatible_with(max_sequence_lengths.shape[0]):
            raise ValueError("Dimensions must be equal, but are %s and %s for 'GatherTree' "
                             "(batch of step_ids and max_sequence_lengths) with input shapes: %s."
                             % (out[1], max_sequence_lengths.shape[0], shapes))
        return TensorSpec(out, dtypes.int32)

    def compute(self, xp, step_ids, parent_ids, max_sequence_lengths, end_token):
        if step_ids.shape != parent_ids.shape:
            raise ValueError("step_ids.shape must match parent_ids.shape.  but shapes are: %s "
                             "and %s" % (list(step_ids.shape), list(parent_ids.shape)))
        steps, batch, width = step_ids.shape
        if max_sequence_lengths.shape != (batch,):
            raise ValueError("batch size dimensions step_ids.shape[1] and "
                             "max_sequence_lengths.shape[0] must match.  but shapes are: %s "
                             "and %s" % (list(step_ids.shape), list(max_sequence_lengths.shape)))
        end = int(end_token)  # (a 0-d array of xp: int() works on numpy's and cupy's)
        lengths = xp.minimum(max_sequence_lengths, steps)[:, None]        # [batch, 1]
        own = xp.arange(width)[None, :]
        beams = xp.full(step_ids.shape, end, step_ids.dtype)
        beam = xp.broadcast_to(own, (batch, width))  # the beam to read at step t, per (b, k)
        for t in range(steps - 1, -1, -1):
            active = t < lengths
            beam = xp.where(t == lengths - 1, own, beam)
            bad = active & ((beam < 0) | (beam >= width))
            if bad.any():
                b, k = (int(i[0]) for i in xp.nonzero(bad))
                raise ValueError("Saw invalid parent id %d at (batch, time, beam) == (%d, %d, %d)"
                                 % (int(beam[b, k]), b, t, k))
            safe = xp.where(active, beam, 0)
            beams[t] = xp.where(active, xp.take_along_axis(step_ids[t], safe, axis=1), end)
            beam = xp.where(active, xp.take_along_axis(parent_ids[t], safe, axis=1), beam)
        ended = xp.cumsum(beams == end, axis=0) - (beams == end) > 0    # after the first end
        return xp.where(ended, end, beams)


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """tf.contrib.seq2seq.gather_tree: the full beams [max_time, batch, beam_width] from each
    step's ids and parent beam indices (both [max_time, batch, beam_width], int32), each batch
    entry read back from step max_sequence_lengths[b] - 1; after a beam's first end_token (and
    past the length) every entry is end_token. A parent id outside [0, beam_width) is an
    InvalidArgumentError at run time."""
    inputs = [convert_to_tensor(t) if is_tensor_like(t) else convert_to_tensor(t, dtypes.int32)
              for t in (step_ids, parent_ids, max_sequence_lengths, end_token)]
    return GatherTree()(*inputs, name=name or "GatherTree")
