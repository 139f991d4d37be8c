"""The `checkpoint` file that names a directory's latest checkpoints, read and written as TensorFlow 1.x does.

The file is a CheckpointState proto in text format, for example

    model_checkpoint_path: "model.ckpt-5"
    all_model_checkpoint_paths: "model.ckpt-4"
    all_model_checkpoint_paths: "model.ckpt-5"

Paths may be relative to the directory (what a Saver with save_relative_paths=True writes,
so the directory can be moved) or absolute; readers join relative ones with the directory.
"""

import glob
import logging
import os
import time

from google.protobuf import text_format

from minitf import errors
from minitf.protos.checkpoint_state_pb2 import CheckpointState
from minitf.protos.saver_pb2 import SaverDef
from minitf.train import bundle

__all__ = ["CheckpointState", "generate_checkpoint_state_proto", "update_checkpoint_state", "get_checkpoint_state",
           "latest_checkpoint", "checkpoint_exists", "remove_checkpoint", "get_checkpoint_mtimes",
           "checkpoints_iterator"]

V2 = SaverDef.V2

_logger = logging.getLogger(__name__)


def _state_filename(directory, latest_filename):
    return os.path.join(directory, latest_filename or "checkpoint")


def _relative_to(path, directory):
    return os.path.relpath(path, directory) if os.path.isabs(path) else path


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """tf.train.generate_checkpoint_state_proto: the CheckpointState that
    update_checkpoint_state writes. The latest path is appended to the kept ones when it is
    not already last; when `save_dir` is relative, relative paths (which then include it, as
    a Saver's prefixes do) are rewritten relative to it. Timestamps (seconds since the epoch),
    when given, must match the paths one to one (ValueError)."""
    save_dir = os.fspath(save_dir)
    model_checkpoint_path = os.fspath(model_checkpoint_path)
    paths = [os.fspath(p) for p in (all_model_checkpoint_paths or [])]
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and len(all_model_checkpoint_timestamps) != len(paths):
        raise ValueError("Checkpoint timestamps, if provided, must match checkpoint paths "
                         "(got paths %s and timestamps %s)"
                         % (paths, list(all_model_checkpoint_timestamps)))
    if not os.path.isabs(save_dir):
        # A relative prefix such as "train_dir/model.ckpt" already contains save_dir.
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return CheckpointState(model_checkpoint_path=model_checkpoint_path,
                           all_model_checkpoint_paths=paths,
                           all_model_checkpoint_timestamps=all_model_checkpoint_timestamps or [],
                           last_preserved_timestamp=last_preserved_timestamp or 0.0)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None, save_relative_paths=False):
    """Atomically rewrites `<save_dir>/checkpoint` (or `latest_filename`) to name
    `model_checkpoint_path` as the latest checkpoint.

    `all_model_checkpoint_paths` lists the kept checkpoints, oldest first; the state is
    generate_checkpoint_state_proto's. With `save_relative_paths`, absolute paths are written
    relative to `save_dir`. Raises RuntimeError when the latest checkpoint path is the state
    file itself.
    """
    save_dir = os.fspath(save_dir)
    model_checkpoint_path = os.fspath(model_checkpoint_path)
    paths = [os.fspath(p) for p in (all_model_checkpoint_paths or [])]
    if save_relative_paths:
        model_checkpoint_path = _relative_to(model_checkpoint_path, save_dir)
        paths = [_relative_to(p, save_dir) for p in paths]
    state = generate_checkpoint_state_proto(save_dir, model_checkpoint_path, paths,
                                            all_model_checkpoint_timestamps,
                                            last_preserved_timestamp)
    filename = _state_filename(save_dir, latest_filename)
    if filename == state.model_checkpoint_path:
        raise RuntimeError("Save path '%s' conflicts with path used for checkpoint state.  "
                           "Please use a different save path." % model_checkpoint_path)
    # Atomic, so a reader polling the directory never sees a half-written state file.
    try:
        bundle.write_file_atomically(filename,
                                     [text_format.MessageToString(state).encode("utf-8")])
    except OSError as e:  # a full disk, a read-only folder, a directory in the way
        raise errors._from_os_error(e, None, filename, "cannot write the checkpoint state") \
            from None


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState in `<checkpoint_dir>/checkpoint` (or `latest_filename`), with
    relative paths joined to `checkpoint_dir`; None when the file is absent or unparsable.

    Raises ValueError when the file parses but names no model_checkpoint_path (as TF).
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _state_filename(checkpoint_dir, latest_filename)
    try:
        with open(filename, "rb") as f:
            content = f.read().decode("utf-8")
        state = text_format.Merge(content, CheckpointState())
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, text_format.ParseError) as e:
        _logger.warning("%s: %s; checkpoint ignored", filename, e)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    for i, path in enumerate(state.all_model_checkpoint_paths):
        if not os.path.isabs(path):
            state.all_model_checkpoint_paths[i] = os.path.join(checkpoint_dir, path)
    return state


def checkpoint_exists(checkpoint_prefix):
    """Whether a checkpoint with this prefix exists (its `.index` file, or for TF's V1 format
    the prefix itself, which may be a pattern such as `model.ckpt-?????-of-00002`)."""
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    for path in (bundle.index_filename(checkpoint_prefix), checkpoint_prefix):
        # Exact test first: glob would misread a literal '[' in a directory name.
        if os.path.exists(path) or glob.glob(path):
            return True
    return False


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint named by the directory's state file; None when
    there is no state file or the checkpoint it names is missing."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    if checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    _logger.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=V2, meta_graph_suffix="meta"):
    """Deletes a checkpoint's files: for the V2 format (SaverDef.V2, the default) the `.index`,
    every `.data-*` shard and the `.meta` graph; for V1 the files the prefix (a pattern)
    matches and the `.meta`. Files already gone are skipped."""
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    if checkpoint_format_version == V2:
        files = [bundle.index_filename(checkpoint_prefix)] + glob.glob(
            glob.escape(checkpoint_prefix) + ".data-?????-of-?????")
    else:
        files = glob.glob(checkpoint_prefix)
    for path in files + [checkpoint_prefix + "." + meta_graph_suffix]:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times (seconds since the epoch) of the checkpoints `checkpoint_prefixes`
    name: a V2 checkpoint's `.index` file, else the first file a V1 prefix matches; prefixes
    with neither are skipped."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        prefix = os.fspath(prefix)
        for pattern in (glob.escape(bundle.index_filename(prefix)), prefix):
            found = sorted(glob.glob(pattern))
            if found:
                mtimes.append(os.stat(found[0]).st_mtime_ns / 1e9)
                break
    return mtimes


def _wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                             timeout=None):
    """The directory's latest checkpoint once it is not `last_checkpoint`, polled every
    `seconds_to_sleep`; None after `timeout` seconds."""
    _logger.info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        path = latest_checkpoint(checkpoint_dir)
        if path is not None and path != last_checkpoint:
            _logger.info("Found new checkpoint at %s", path)
            return path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new latest checkpoint of `checkpoint_dir` as training writes it (an
    evaluation loop beside a training job), at most one every `min_interval_secs`. With
    `timeout`, after that many seconds without a new one it stops, or asks `timeout_fn()`:
    True stops, False waits again."""
    checkpoint_path = None
    while True:
        new_path = _wait_for_new_checkpoint(checkpoint_dir, checkpoint_path, timeout=timeout)
        if new_path is None:
            if not timeout_fn:
                _logger.info("Timed-out waiting for a checkpoint.")
                return
            if timeout_fn():
                return
            continue
        start = time.time()
        checkpoint_path = new_path
        yield checkpoint_path
        wait = start + min_interval_secs - time.time()
        if wait > 0:
            time.sleep(wait)
