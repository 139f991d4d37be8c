"""minitf.horovod: Horovod's TF1 API on MPI. The collectives, training and failure programs in
this folder run as real MPI jobs of 2 and 3 ranks (mpiexec from the `mpich` wheel or a system
MPI); the test extra installs mpi4py and mpich, so CI runs them."""

import os
import re
import subprocess
import sys
import time

import pytest

import minitf as tf
import minitf.horovod as hvd
from minitf.horovod import basics, launch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

try:
    import mpi4py  # noqa: F401
    MPIEXEC = launch.find_mpiexec()
except ImportError:
    MPIEXEC = None
needs_mpi = pytest.mark.skipif(MPIEXEC is None, reason="needs mpi4py and mpiexec: pip install -e '.[mpi]'")


def job(ranks, script, *args, env=None, timeout=120, launcher=False):
    """Runs tests/horovod/<script> as an MPI job; returns (exit status, stdout, stderr, seconds)."""
    environ = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
    program = [sys.executable, os.path.join(HERE, script)] + list(args)
    if launcher:
        line = [sys.executable, "-m", "minitf", "run", "-np", str(ranks)] + program
    else:
        line = [MPIEXEC, "-n", str(ranks)] + program
    start = time.monotonic()
    done = subprocess.run(line, capture_output=True, text=True, timeout=timeout, env=environ,
                          cwd=ROOT)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


def test_every_call_before_init_says_to_call_init():
    assert not basics.is_initialized()
    for call in (hvd.rank, hvd.size, hvd.local_rank, hvd.local_size,
                 lambda: hvd.allreduce(1.0), lambda: hvd.broadcast_global_variables(0),
                 lambda: hvd.DistributedOptimizer(None)):
        with pytest.raises(ValueError, match=r"Horovod has not been initialized; use hvd.init\(\)"):
            call()


def test_fusion_buckets_split_by_dtype_and_threshold():
    import numpy as np
    arrays = [np.zeros(10, "float32"), np.zeros(10, "float64"), np.zeros(10, "float32"),
              np.zeros(30, "float32"), np.zeros(5, "float32")]
    # 40-byte float32 arrays with a 100-byte threshold: [0, 2], then the 120-byte one alone,
    # then the last; float64 on its own
    assert basics._buckets(arrays, 100) == [(np.dtype("float32"), [0, 2]),
                                            (np.dtype("float64"), [1]),
                                            (np.dtype("float32"), [3]),
                                            (np.dtype("float32"), [4])]


@needs_mpi
def test_one_rank_names_checks_and_gradients():
    status, out, err, _ = job(1, "single.py", launcher=False)
    assert status == 0, err
    assert "single OK" in out


@needs_mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_collectives_match_numpy(ranks):
    # 3 ranks go through the `minitf run` launcher, 2 through plain mpiexec
    status, out, err, _ = job(ranks, "collectives.py", launcher=ranks == 3)
    assert status == 0, err
    # ranks share stdout, so their lines can run together: find each report anywhere
    assert sorted(re.findall(r"collectives OK on rank (\d+) of (\d+) \(102 checks\)", out)) == \
        [(str(r), str(ranks)) for r in range(ranks)]


@needs_mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_data_parallel_training_equals_one_process_on_the_global_batch(ranks, tmp_path):
    status, out, err, _ = job(ranks, "train_mlp.py", str(tmp_path))
    assert status == 0, err
    assert out.count("train OK") == ranks
    # only rank 0 wrote the checkpoint: one data file, one index, one state file
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.data-00000-of-00001",
                                            "model.index", "model.meta"]


@needs_mpi
def test_monitored_training_session_with_the_broadcast_hook(tmp_path):
    status, out, err, _ = job(2, "monitored.py", str(tmp_path))
    assert status == 0, err
    weights = re.findall(r"monitored OK on rank (\d): (\[.*?\])", out)
    assert sorted(r for r, _ in weights) == ["0", "1"]
    assert weights[0][1] == weights[1][1]  # the same bits on both ranks
    # rank 0 alone checkpointed: at the start and at the last step
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-150")


@pytest.mark.skipif(sys.platform == "win32", reason="pipes' unread bytes: a POSIX ioctl")
def test_before_aborting_a_rank_waits_until_its_output_was_read():
    # (the launcher tears the job down at the abort: output it had not read yet was lost)
    import threading
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "w") as writer:
        writer.write("rank 1 raised\n" * 100)
        writer.flush()
        got = []
        later = threading.Timer(0.2, lambda: got.append(os.read(read_end, 1 << 16)))
        start = time.monotonic()
        later.start()
        basics._drain(writer)
        waited = time.monotonic() - start
        later.join()
        assert got and len(got[0]) == 1400
        assert 0.15 < waited < 1.5, waited  # returned once the reader had it all
        writer.write("never read\n")
        writer.flush()
        start = time.monotonic()
        basics._drain(writer, limit=0.1)  # nobody reads: gives up after the limit
        assert 0.05 < time.monotonic() - start < 1.0
        assert reader.read1(100) == b"never read\n"
    with open(os.devnull, "w") as not_a_pipe:
        start = time.monotonic()
        basics._drain(not_a_pipe)
        assert time.monotonic() - start < 0.05


@needs_mpi
def test_a_rank_that_raises_ends_the_whole_job():
    status, out, err, seconds = job(2, "failures.py", "raise", timeout=60)
    assert status != 0, (out, err)
    assert "rank 1 raised an uncaught RuntimeError: rank 1 fails at step 3" in err, err
    assert "aborting the job" in err, err
    assert seconds < 30, err  # not a hang: rank 0 was blocked in an allreduce when rank 1 failed


@needs_mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_mismatched_tensors_are_an_error_naming_the_tensor_and_ranks(ranks):
    status, out, err, _ = job(ranks, "failures.py", "mismatch")
    assert status == 0, err
    everyone = range(ranks)
    for r in everyone:
        assert ("rank %d caught: Mismatched Horovod collectives: ranks %s submitted something "
                "different from rank %d" % (r, [k for k in everyone if k != r], r)) in out
        assert "rank %d: allreduce 'grads' with float32[%d]" % (r, 3 + r) in out
    # The same once the ranks expect the collective and send its data without agreeing first:
    # rank 0 stays at the expected op (sends data) while the others feed other shapes, then
    # while they run another collective (they send the flag of a rank elsewhere).
    for r in everyone:
        assert ("rank %d caught when expected (shape): Mismatched Horovod collectives: ranks %s "
                "submitted something different from rank %d"
                % (r, [k for k in everyone if k != r], r)) in out
        assert ("rank %d caught when expected (collective): Mismatched Horovod collectives: "
                "ranks %s submitted something different from rank %d"
                % (r, [k for k in everyone if (k == 0) != (r == 0)], r)) in out
    assert "\n  ".join("rank %d: allreduce 'late' with float32[%d], float32[%d]" % (r, 3 + r, 3 + r)
                       for r in everyone) in out
    assert "\n  ".join(["rank 0: allreduce 'late' with float32[3], float32[3]"] +
                       ["rank %d: broadcast 'other' with float32[3]" % r
                        for r in everyone if r]) in out
    assert out.count("mismatch scenario done") == ranks


@needs_mpi
@pytest.mark.parametrize("scenario", ["stall", "stall-expected"])
def test_a_rank_that_never_joins_times_out_when_asked_to(scenario):
    # at the agreement round, or (stall-expected) at the data of an expected collective
    status, out, err, seconds = job(2, "failures.py", scenario,
                                    env={"HOROVOD_STALL_SHUTDOWN_TIME_SECONDS": "1"}, timeout=60)
    assert status != 0, (out, err)
    assert "rank 0 raised an uncaught DeadlineExceededError: minitf.horovod: rank 0 gave up " \
        "after 1 s waiting for the other ranks at allreduce 'lonely'" in err, err
    assert seconds < 30, err  # rank 1 sleeps 60 s: the abort ended it


def test_launcher_explains_a_missing_mpiexec(monkeypatch, capsys):
    monkeypatch.setattr(launch, "find_mpiexec", lambda: None)
    from minitf.__main__ import main
    assert main(["run", "-np", "2", "python", "train.py"]) == 127
    assert "pip install -e '.[mpi]'" in capsys.readouterr().err
