"""minitf.keras against tf-keras 2.21 in graph mode (values recorded by
tests/keras/keras_parity_programs.py into tests/fixtures/keras_parity.json): layer forward
passes and weight layouts, layer/weight naming, optimizer trajectories, fit/evaluate histories."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf import keras
from tests.keras import keras_parity_programs as programs

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_parity.json")) as f:
    RECORDED = json.load(f)


def close(ours, theirs, rtol=1e-4, atol=1e-5):
    np.testing.assert_allclose(np.asarray(ours, "float64"), np.asarray(theirs, "float64"),
                               rtol=rtol, atol=atol)


@pytest.fixture(scope="module")
def layers_run():
    return programs.program_layers(tf, keras)


@pytest.mark.parametrize("name", sorted(RECORDED["program_layers"]))
def test_layer_forward_and_weights(layers_run, name):
    ours, theirs = layers_run[name], RECORDED["program_layers"][name]
    assert ours["weights"] == theirs["weights"]
    assert ours["trainable"] == theirs["trainable"]
    assert ours["output_shape"] == theirs["output_shape"]
    assert ours["layer_name"] == theirs["layer_name"]
    close(ours["pred"], theirs["pred"])


def test_embedding_and_merge_layers():
    ours, theirs = programs.program_embedding_merge(tf, keras), \
        RECORDED["program_embedding_merge"]
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        assert ours[name]["output_shape"] == theirs[name]["output_shape"], name
        close(ours[name]["pred"], theirs[name]["pred"])
    assert ours["embedding"]["weights"] == theirs["embedding"]["weights"]


def test_layer_and_weight_names():
    assert programs.program_names(tf, keras) == RECORDED["program_names"]


@pytest.fixture(scope="module")
def optimizers_run():
    return programs.program_optimizers(tf, keras)


@pytest.mark.parametrize("name", [n for n, _ in programs.OPTIMIZERS])
def test_optimizer_trajectory(optimizers_run, name):
    for ours, theirs in zip(optimizers_run[name], RECORDED["program_optimizers"][name]):
        close(ours[0], theirs[0])
        for a, b in zip(ours[1:], theirs[1:]):
            close(a, b)


def test_fit_history_matches_keras():
    ours, theirs = programs.program_fit(tf, keras), RECORDED["program_fit"]
    assert ours["metrics_names"] == theirs["metrics_names"]
    for key in ("history", "history_sparse", "history_two_outputs"):
        assert sorted(ours[key]) == sorted(theirs[key]), key
        for metric in theirs[key]:
            close(ours[key][metric], theirs[key][metric])
    close(ours["evaluate"], theirs["evaluate"])


def test_recurrent_states_and_go_backwards():
    ours, theirs = programs.program_rnn_state(tf, keras), RECORDED["program_rnn_state"]
    for key in theirs:
        assert len(ours[key]) == len(theirs[key])
        for a, b in zip(ours[key], theirs[key]):
            close(a, b)
