"""minitf: TensorFlow 1.x's graph-and-session API on numpy (and cupy). `import minitf as tf`."""

from minitf import dtypes, errors
from minitf.dtypes import (DType, as_dtype, bool, complex64, complex128, double, float16,
                           float32, float64, half, int8, int16, int32, int64, resource, string, uint8,
                           uint16, uint32, uint64, variant)
from minitf.framework.graph import (Graph, GraphKeys, add_to_collection, add_to_collections,
                                    colocate_with, control_dependencies, device,
                                    get_collection, get_collection_ref, get_default_graph,
                                    get_default_session, name_scope, reset_default_graph)
from minitf.framework.operation import Operation
from minitf.framework.shapes import Dimension, TensorShape, dimension_at_index, dimension_value
from minitf.framework.versions import (COMPILER_VERSION, GIT_VERSION, GRAPH_DEF_VERSION,
                                       GRAPH_DEF_VERSION_MIN_CONSUMER,
                                       GRAPH_DEF_VERSION_MIN_PRODUCER, VERSION)
from minitf.framework.versions import PACKAGE_VERSION as __version__
from minitf.framework.tensor import Tensor
from minitf.ops.constant_op import *  # noqa: F401,F403
from minitf.ops.array_ops import *  # noqa: F401,F403
from minitf.ops.math_ops import *  # noqa: F401,F403
from minitf.ops.control_ops import *  # noqa: F401,F403
from minitf.ops.control_flow_ops import *  # noqa: F401,F403
from minitf.ops.functional_ops import *  # noqa: F401,F403
from minitf.ops.variables import *  # noqa: F401,F403
from minitf.ops.variable_scope import *  # noqa: F401,F403
from minitf.ops.partitioned_variables import *  # noqa: F401,F403
from minitf.ops.template import make_template
from minitf.ops.init_ops import *  # noqa: F401,F403
from minitf.ops.random_ops import *  # noqa: F401,F403
from minitf.ops.logging_ops import *  # noqa: F401,F403
from minitf.ops.linalg_ops import *  # noqa: F401,F403
from minitf.ops.clip_ops import *  # noqa: F401,F403
from minitf.ops.sparse_ops import *  # noqa: F401,F403
from minitf.ops.sparse_math import *  # noqa: F401,F403
from minitf.ops.special_math import *  # noqa: F401,F403
from minitf.ops.sparse_manip import *  # noqa: F401,F403
from minitf.ops.string_ops import *  # noqa: F401,F403
from minitf.ops.fake_quant_ops import *  # noqa: F401,F403
from minitf.ops.fft_ops import *  # noqa: F401,F403 - tf.fft, tf.ifft, ... (TF1's top-level six)
from minitf.ops.nn_ops import log_sigmoid
from minitf.ops.op_util import get_static_value, is_tensor
from minitf.ops import variables as _variables
from minitf.gradients import AggregationMethod, UnconnectedGradients, gradients, hessians
from minitf.framework.registry import NotDifferentiable, RegisterGradient, no_gradient
from minitf.framework.registry import NotDifferentiable as NoGradient
from minitf.errors import OpError
from minitf.custom_gradient import custom_gradient, grad_pass_through
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops.segment_ops import (unique, unique_with_counts,
                                    unsorted_segment_sum, unsorted_segment_max,
                                    unsorted_segment_min, unsorted_segment_prod,
                                    unsorted_segment_mean, unsorted_segment_sqrt_n,
                                    segment_sum, segment_mean,
                                    segment_max, segment_min, segment_prod, sparse_segment_sum,
                                    sparse_segment_mean, sparse_segment_sqrt_n)
from minitf.ops.histogram_ops import (bincount, confusion_matrix, histogram_fixed_width,
                                     histogram_fixed_width_bins)
from minitf.ops.rnn import reverse_sequence, sequence_mask
from minitf.ops.composite_array_ops import batch_gather, repeat
from minitf.ops.ctc_ops import edit_distance
from minitf.framework.importer import import_graph_def
from minitf.framework.func_graph import init_scope
from minitf.client.session import InteractiveSession, Session
from minitf.protos.config_pb2 import (ConfigProto, GPUOptions, GraphOptions, OptimizerOptions,
                                      RunMetadata, RunOptions)
# TF's protocol buffers at the top level (tf.GraphDef().ParseFromString loads a frozen graph)
from tensorboardX.proto.attr_value_pb2 import AttrValue, NameAttrList
from tensorboardX.proto.event_pb2 import Event, LogMessage, SessionLog
from tensorboardX.proto.graph_pb2 import GraphDef
from tensorboardX.proto.node_def_pb2 import NodeDef
from tensorboardX.proto.summary_pb2 import HistogramProto, SummaryMetadata
from minitf.protos.meta_graph_pb2 import MetaGraphDef, TensorInfo
from minitf import app, contrib, debugging, flags, layers, losses, nn, summary, test, testing
from minitf import tf_logging as logging  # tf.logging
from minitf.tf_logging import get_logger
from minitf import train
from minitf import data  # tf.data
from minitf import io, python_io
from minitf.ops.parsing_ops import *  # noqa: F401,F403
from minitf.ops.data_flow_ops import *  # noqa: F401,F403
from minitf.ops.tensor_array_ops import *  # noqa: F401,F403
from minitf.ops.io_ops import *  # noqa: F401,F403
from minitf.ops.lookup_ops import *  # noqa: F401,F403
from minitf.ops.serialization_ops import *  # noqa: F401,F403
from minitf import lookup  # tf.lookup
from minitf.ops.script_ops import *  # noqa: F401,F403
from minitf.train.queue_runner import start_queue_runners
from minitf import image  # tf.image
from minitf import sets  # tf.sets
from minitf import distributions  # tf.distributions
from minitf import metrics  # tf.metrics
from minitf import signal  # tf.signal
from minitf import feature_column  # tf.feature_column
from minitf.ops.image_adjust import random_crop
from minitf.namespaces import *  # noqa: F401,F403 - tf.disable_v2_behavior and friends
from minitf.namespaces import make_namespaces as _make_namespaces
from minitf.summary import Summary

_variables.install_tensor_operators()
_make_namespaces(__import__(__name__))  # tf.math, tf.linalg, tf.random, tf.sparse, tf.gfile, tf.compat
from minitf import saved_model  # tf.saved_model
from minitf import estimator  # tf.estimator (on saved_model, train, summary, data, metrics)
from minitf import keras  # tf.keras (after the rest: it builds on all of it)
