"""tf.app.flags / tf.flags and tf.app.run: definitions, absl's parsing rules, TF1's lazy parse
of sys.argv on first access, and the errors, checked against what TF 2.21's absl-based
tf.compat.v1.app.flags does (recorded in tests/tf1_wild, program `flags_and_app_run`)."""

import sys

import pytest

import minitf as tf
from minitf.flags import FlagValues


@pytest.fixture
def flags():
    """A fresh FlagValues with the usual definitions (the global FLAGS stays untouched)."""
    values = FlagValues()
    tf.flags.DEFINE_string("data_dir", "/tmp/data", "where", flag_values=values)
    tf.flags.DEFINE_integer("steps", 10, "n", flag_values=values)
    tf.flags.DEFINE_float("lr", 0.1, "lr", flag_values=values)
    tf.flags.DEFINE_boolean("fake", False, "f", flag_values=values)
    tf.flags.DEFINE_bool("verbose", True, "v", flag_values=values)
    tf.flags.DEFINE_list("layers", "a,b", "l", flag_values=values)
    tf.flags.DEFINE_enum("mode", "train", ["train", "eval"], "m", flag_values=values)
    return values


def _all(f):
    return f.data_dir, f.steps, f.lr, f.fake, f.verbose, f.layers, f.mode


def test_parsing_rules(flags):
    rest = flags(["p", "--steps=5", "--nofake", "pos", "--lr", "0.5", "--layers=x,y,z",
                  "--unknown=3", "--verbose=false", "--mode=eval", "--", "--steps=7"],
                 known_only=True)
    assert rest == ["p", "pos", "--unknown=3", "--", "--steps=7"]
    assert _all(flags) == ("/tmp/data", 5, 0.5, False, False, ["x", "y", "z"], "eval")
    flags.unparse_flags()
    assert flags(["p", "-steps=3", "--fake", "-verbose"]) == ["p"]
    assert _all(flags)[1:5] == (3, 0.1, True, True)
    flags.unparse_flags()
    assert flags(["p", "--nosteps"], known_only=True) == ["p", "--nosteps"]  # not a boolean
    assert flags.steps == 10 and flags.is_parsed()


def test_errors(flags):
    for argv, cls, message in [
            (["p", "--steps=abc"], tf.flags.IllegalFlagValueError,
             "flag --steps=abc: invalid literal for int() with base 10: 'abc'"),
            (["p", "--fake=maybe"], tf.flags.IllegalFlagValueError,
             "flag --fake=maybe: ('Non-boolean argument to boolean flag', 'maybe')"),
            (["p", "--mode=test"], tf.flags.IllegalFlagValueError,
             "flag --mode=test: value should be one of <train|eval>"),
            (["p", "--lr"], tf.flags.Error, "Missing value for flag --lr"),
            (["p", "--unknown=3"], tf.flags.UnrecognizedFlagError,
             "Unknown command line flag 'unknown'")]:
        flags.unparse_flags()
        with pytest.raises(cls) as err:
            flags(argv)
        assert str(err.value) == message
    with pytest.raises(tf.flags.DuplicateFlagError, match="The flag 'steps' is defined twice"):
        tf.flags.DEFINE_integer("steps", 3, "again", flag_values=flags)
    with pytest.raises(tf.flags.IllegalFlagValueError, match="flag --bad=x"):
        tf.flags.DEFINE_integer("bad", "x", "bad default", flag_values=flags)
    with pytest.raises(AttributeError, match="Unknown flag nope"):
        flags.nope = 1


def test_first_read_parses_sys_argv_keeping_unknown_arguments(flags, monkeypatch):
    # As in Jupyter, whose kernel is started with '-f kernel.json'.
    monkeypatch.setattr(sys, "argv", ["ipykernel", "-f", "kernel.json", "--steps=4"])
    assert not flags.is_parsed()
    assert flags.steps == 4 and flags.is_parsed()
    flags.steps = "42"  # setting converts like parsing
    assert flags.steps == 42 and "steps" in flags and "nope" not in flags
    assert flags.flag_values_dict()["lr"] == 0.1


def test_app_run_parses_flags_and_exits_with_main_result(monkeypatch):
    name = "minitf_test_app_run_steps"
    tf.app.flags.DEFINE_integer(name, 1, "steps")
    try:
        seen = []
        monkeypatch.setattr(sys, "argv", ["prog", "--%s=8" % name, "--other=1", "x"])
        tf.flags.FLAGS.unparse_flags()
        with pytest.raises(SystemExit) as exit_:
            tf.app.run(lambda argv: seen.append((argv, getattr(tf.flags.FLAGS, name))))
        assert exit_.value.code is None and seen == [(["prog", "--other=1", "x"], 8)]
        with pytest.raises(SystemExit) as exit_:
            tf.app.run(lambda argv: 3, argv=["prog"])
        assert exit_.value.code == 3
    finally:
        delattr(tf.flags.FLAGS, name)
        tf.flags.FLAGS.unparse_flags()
    assert tf.app.flags is tf.flags
