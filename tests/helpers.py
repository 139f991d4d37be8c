"""Small helpers shared by the test modules."""

import importlib.util
import json
import logging
from pathlib import Path

import pytest

import minitf as tf

TESTS = Path(__file__).resolve().parent


def run(fetches, feed=None):
    """Runs `fetches` in a new session on the default graph."""
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def recorded_program_tests(name):
    """(tests/record_<name>.py as a module, and the two tests a module binds to run it): every
    program of the recorder's PROGRAMS, run on minitf, gives the record TF gave in
    tests/fixtures/<name>.json, and the fixture holds no program the recorder lacks."""
    spec = importlib.util.spec_from_file_location("record_" + name,
                                                  TESTS / ("record_%s.py" % name))
    recorder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recorder)
    recorded = json.loads((TESTS / "fixtures" / ("%s.json" % name)).read_text())

    @pytest.mark.parametrize("program", recorder.PROGRAMS, ids=lambda p: p.__name__)
    def test_programs_do_what_tensorflow_did(program, tmp_path):
        try:
            got = json.loads(json.dumps(program(tf, str(tmp_path)), default=str))
        finally:
            tf.summary.FileWriterCache.clear()  # writers for tmp dirs must not outlive it
        assert got == recorded[program.__name__]

    def test_every_recorded_program_is_run():
        assert sorted(recorded) == sorted(p.__name__ for p in recorder.PROGRAMS)

    return recorder, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run


class CapturedWarnings(logging.Handler):
    """A logging handler keeping the messages (warnings and above) it receives in `log`."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.log = []

    def emit(self, record):
        self.log.append(record.getMessage())
