"""tf.train: optimizers, learning-rate schedules, global step, checkpoints,
MonitoredTrainingSession with its session hooks, and TF1's Supervisor and SessionManager."""

from minitf.train.optimizer import Optimizer
from minitf.train.gradient_descent import GradientDescentOptimizer
from minitf.train.momentum import MomentumOptimizer
from minitf.train.adam import AdamOptimizer
from minitf.train.adagrad import AdagradOptimizer
from minitf.train.adagrad_da import AdagradDAOptimizer
from minitf.train.rmsprop import RMSPropOptimizer
from minitf.train.adadelta import AdadeltaOptimizer
from minitf.train.ftrl import FtrlOptimizer
from minitf.train.proximal import ProximalAdagradOptimizer, ProximalGradientDescentOptimizer
from minitf.train.moving_averages import ExponentialMovingAverage
from minitf.framework.graph_io import write_graph
from minitf.summary.reader import summary_iterator
from minitf.train.checkpoint_utils import init_from_checkpoint
from minitf.train.learning_rate_decay import (cosine_decay, cosine_decay_restarts,
                                              exponential_decay, inverse_time_decay,
                                              linear_cosine_decay, natural_exp_decay,
                                              noisy_linear_cosine_decay,
                                              piecewise_constant, piecewise_constant_decay,
                                              polynomial_decay)
from minitf.train.training_util import (assert_global_step, create_global_step,
                                        get_global_step, get_or_create_global_step,
                                        global_step)
from minitf.train.saver import Saver, export_meta_graph, import_meta_graph
from minitf.train.checkpoint import Checkpoint, CheckpointManager
from minitf.train.checkpoint_reader import (NewCheckpointReader, list_variables, load_checkpoint,
                                            load_variable)
from minitf.train.checkpoint_state import (checkpoint_exists, checkpoints_iterator,
                                           generate_checkpoint_state_proto,
                                           get_checkpoint_mtimes, get_checkpoint_state,
                                           latest_checkpoint, remove_checkpoint,
                                           update_checkpoint_state)
from minitf.protos.saver_pb2 import SaverDef
from minitf.protos.example_pb2 import (BytesList, Example, Feature, FeatureList, FeatureLists,
                                       Features, FloatList, Int64List, SequenceExample)
from minitf.train.coordinator import Coordinator, LooperThread
from minitf.train.queue_runner import QueueRunner, add_queue_runner, start_queue_runners
from minitf.train.input import (batch, batch_join, input_producer, limit_epochs,
                                match_filenames_once, maybe_batch,
                                maybe_batch_join, maybe_shuffle_batch, maybe_shuffle_batch_join,
                                range_input_producer, shuffle_batch, shuffle_batch_join,
                                slice_input_producer, string_input_producer)
from minitf.train.session_run_hook import (SessionRunArgs, SessionRunContext, SessionRunHook,
                                           SessionRunValues)
from minitf.train.basic_session_run_hooks import (CheckpointSaverHook, CheckpointSaverListener,
                                                  FeedFnHook, FinalOpsHook, GlobalStepWaiterHook,
                                                  LoggingTensorHook, NanLossDuringTrainingError,
                                                  NanTensorHook, ProfilerHook, SecondOrStepTimer,
                                                  StepCounterHook, StopAtStepHook,
                                                  SummarySaverHook)
from minitf.train.session_manager import SessionManager
from minitf.train.supervisor import Supervisor, basic_train_loop
from minitf.train.monitored_session import (ChiefSessionCreator, MonitoredSession,
                                            MonitoredTrainingSession, Scaffold, SessionCreator,
                                            SingularMonitoredSession, WorkerSessionCreator)
