"""tf.estimator.RunConfig: where an Estimator writes (model_dir), how often it saves
checkpoints and summaries and logs, and its session config, with TF's defaults and checks. A
single local process: the cluster properties are TF's values for one chief worker."""

import copy

from minitf.protos.config_pb2 import ConfigProto
from minitf.train.monitored_session import USE_DEFAULT, steps_or_secs

__all__ = ["RunConfig"]

_SAVE_CKPT_ERR = "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set."
_REPLACEABLE = ["model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
                "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
                "keep_checkpoint_every_n_hours", "log_step_count_steps", "train_distribute",
                "device_fn", "protocol", "eval_distribute", "experimental_distribute",
                "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
                "checkpoint_save_graph_def"]

# (property, valid when not None, message) checked after every change, as TF does.
_CHECKS = [
    ("model_dir", lambda v: v, "model_dir should be non-empty"),
    ("save_summary_steps", lambda v: v >= 0, "save_summary_steps should be >= 0"),
    ("save_checkpoints_steps", lambda v: v >= 0, "save_checkpoints_steps should be >= 0"),
    ("save_checkpoints_secs", lambda v: v >= 0, "save_checkpoints_secs should be >= 0"),
    ("session_config", lambda v: isinstance(v, ConfigProto),
     "session_config must be instance of ConfigProto"),
    ("keep_checkpoint_max", lambda v: v >= 0, "keep_checkpoint_max should be >= 0"),
    ("keep_checkpoint_every_n_hours", lambda v: v > 0,
     "keep_checkpoint_every_n_hours should be > 0"),
    ("log_step_count_steps", lambda v: v > 0, "log_step_count_steps should be > 0"),
    ("tf_random_seed", lambda v: isinstance(v, int), "tf_random_seed must be integer.")]


class RunConfig:
    """An Estimator's run settings. Checkpoints every 600 seconds unless
    save_checkpoints_steps is given (not both); summaries every 100 steps; the
    `loss = ..., step = ...` line and the global_step/sec summary every 100 steps."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=USE_DEFAULT, save_checkpoints_secs=USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200, checkpoint_save_graph_def=True):
        save_checkpoints_steps, save_checkpoints_secs = steps_or_secs(
            save_checkpoints_steps, save_checkpoints_secs, (None, 600))
        if save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        if model_dir == "":
            raise ValueError("model_dir should be non-empty.")
        if hasattr(model_dir, "__fspath__"):
            model_dir = str(model_dir.__fspath__())
        self._set(model_dir=model_dir, tf_random_seed=tf_random_seed,
                  save_summary_steps=save_summary_steps,
                  save_checkpoints_steps=save_checkpoints_steps,
                  save_checkpoints_secs=save_checkpoints_secs, session_config=session_config,
                  keep_checkpoint_max=keep_checkpoint_max,
                  keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                  log_step_count_steps=log_step_count_steps, train_distribute=train_distribute,
                  device_fn=device_fn, protocol=protocol, eval_distribute=eval_distribute,
                  experimental_distribute=experimental_distribute,
                  experimental_max_worker_delay_secs=experimental_max_worker_delay_secs,
                  session_creation_timeout_secs=session_creation_timeout_secs,
                  checkpoint_save_graph_def=checkpoint_save_graph_def)

    def _set(self, **kwargs):
        for key, value in kwargs.items():
            if key not in _REPLACEABLE:
                raise ValueError("Replacing {} is not supported. Allowed properties are {}."
                                 .format(key, _REPLACEABLE))
            setattr(self, "_" + key, value)
        # Setting one of the checkpoint periods clears the other (both set is an error).
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" in kwargs:
            if self._save_checkpoints_steps is not None and \
                    self._save_checkpoints_secs is not None:
                raise ValueError(_SAVE_CKPT_ERR)
        elif "save_checkpoints_steps" in kwargs and self._save_checkpoints_steps is not None:
            self._save_checkpoints_secs = None
        elif "save_checkpoints_secs" in kwargs and self._save_checkpoints_secs is not None:
            self._save_checkpoints_steps = None
        for key, valid, message in _CHECKS:
            value = getattr(self, "_" + key)
            if value is not None and not valid(value):
                raise ValueError(message)
        return self

    def replace(self, **kwargs):
        """A copy with the named properties changed (only TF's replaceable ones)."""
        return copy.deepcopy(self)._set(**kwargs)

    def __repr__(self):
        return "RunConfig(%s)" % ", ".join(
            "%s=%r" % (k, getattr(self, "_" + k)) for k in _REPLACEABLE)

    # -- a single local chief: TF's values without TF_CONFIG ------------------------------------
    cluster_spec = property(lambda self: None)
    evaluation_master = property(lambda self: "")
    is_chief = property(lambda self: True)
    master = property(lambda self: "")
    num_ps_replicas = property(lambda self: 0)
    num_worker_replicas = property(lambda self: 1)
    task_id = property(lambda self: 0)
    task_type = property(lambda self: "worker")
    global_id_in_cluster = property(lambda self: 0)
    service = property(lambda self: None)


def _getter(key):
    return property(lambda self: getattr(self, "_" + key))


for _key in _REPLACEABLE:
    setattr(RunConfig, _key, _getter(_key))
del _key
