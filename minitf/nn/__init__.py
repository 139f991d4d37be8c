"""tf.nn: activations, losses and other neural-network ops."""

from minitf.ops import conv3d_ops as _conv3d_ops
from minitf.ops import conv_ops as _conv_ops
from minitf.ops import nn_impl as _nn_impl
from minitf.ops import nn_ops as _nn_ops
from minitf.ops import norm_ops as _norm_ops
from minitf.ops import pool3d_ops as _pool3d_ops
from minitf.ops import morphology_ops as _morphology_ops
from minitf.ops import fractional_pool_ops as _fractional_pool_ops
from minitf.ops.conv_ops import *  # noqa: F401,F403
from minitf.ops.conv3d_ops import *  # noqa: F401,F403
from minitf.ops.conv3d_ops import conv3d_backprop_filter_v2 as conv3d_backprop_filter
from minitf.ops.pool3d_ops import *  # noqa: F401,F403
from minitf.ops.morphology_ops import *  # noqa: F401,F403
from minitf.ops.fractional_pool_ops import *  # noqa: F401,F403
from minitf.ops.math_ops import sigmoid, tanh
from minitf.ops.reductions import top_k
from minitf.ops.space_batch_ops import (depth_to_space, space_to_batch, space_to_depth,
                                        with_space_to_batch)
from minitf.ops.nn_ops import *  # noqa: F401,F403
from minitf.ops.nn_impl import *  # noqa: F401,F403
from minitf.ops.norm_ops import *  # noqa: F401,F403
from minitf.ops.embedding_ops import (embedding_lookup, embedding_lookup_sparse,
                                      safe_embedding_lookup_sparse)
from minitf.ops.candidate_sampling_ops import (log_uniform_candidate_sampler, nce_loss,
                                              sampled_softmax_loss, uniform_candidate_sampler)
from minitf.ops.rnn import (bidirectional_dynamic_rnn, dynamic_rnn, raw_rnn,
                            static_bidirectional_rnn, static_rnn)
from minitf.ops.ctc_ops import (collapse_repeated, ctc_beam_search_decoder,
                                ctc_beam_search_decoder_v2, ctc_greedy_decoder, ctc_loss,
                                ctc_loss_v2, ctc_unique_labels)
from minitf.nn import rnn_cell

__all__ = (list(_nn_ops.__all__) + list(_conv_ops.__all__) + list(_conv3d_ops.__all__) + list(_pool3d_ops.__all__)
           + list(_morphology_ops.__all__) + list(_fractional_pool_ops.__all__)
           + list(_norm_ops.__all__) + list(_nn_impl.__all__)
           + ["conv3d_backprop_filter", "sigmoid", "tanh", "top_k", "embedding_lookup", "embedding_lookup_sparse",
              "safe_embedding_lookup_sparse", "static_rnn", "static_bidirectional_rnn", "dynamic_rnn", "nce_loss",
              "sampled_softmax_loss", "log_uniform_candidate_sampler", "uniform_candidate_sampler",
              "bidirectional_dynamic_rnn", "raw_rnn", "rnn_cell", "ctc_loss",
              "ctc_greedy_decoder", "ctc_beam_search_decoder", "ctc_beam_search_decoder_v2",
              "ctc_loss_v2", "collapse_repeated", "ctc_unique_labels", "with_space_to_batch"])
