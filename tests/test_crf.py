"""tf.contrib.crf against TensorFlow's (TF Addons' port of contrib.crf, recorded by
tests/record_tf_crf.py into tests/fixtures/tf_crf.json) and against the definition: the
log-likelihood and the best path by enumerating every tag sequence in float64."""

import itertools
import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import crf_programs as programs

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_crf.json")) as f:
    RECORDED = json.load(f)
crf = tf.contrib.crf


@pytest.mark.parametrize("index", range(len(programs.CASES)))
def test_likelihood_decoding_and_gradients_as_tf(index):
    steps, lengths = programs.CASES[index]
    ours = programs.run_case(tf, crf, steps, lengths, index)
    recorded = RECORDED["cases"][index]
    assert ours["decode_tags"] == recorded["decode_tags"]
    for key in ("log_likelihood", "best_score", "d_inputs", "d_transitions"):
        np.testing.assert_allclose(ours[key], recorded[key], rtol=1e-5, atol=1e-5, err_msg=key)


def test_viterbi_decode_as_tf():
    ours = programs.viterbi_cases(crf)
    for (tags, best), (tf_tags, tf_best) in zip(ours, RECORDED["viterbi"]):
        assert tags == tf_tags
        assert best == pytest.approx(tf_best, rel=1e-6)


def path_score(inputs, tags, transitions):
    return inputs[np.arange(len(tags)), tags].sum() + sum(
        transitions[a, b] for a, b in zip(tags[:-1], tags[1:]))


def brute_force(inputs, tags, length, transitions):
    """(log-likelihood, best path, best score) of one sequence, by enumeration."""
    if length == 0:
        return 0.0, None, None
    x = inputs[:length].astype(np.float64)
    paths = list(itertools.product(range(x.shape[1]), repeat=length))
    scores = np.array([path_score(x, p, transitions) for p in paths])
    log_z = np.log(np.exp(scores - scores.max()).sum()) + scores.max()
    best = int(scores.argmax())
    return path_score(x, tags[:length], transitions) - log_z, list(paths[best]), scores[best]


@pytest.mark.parametrize("steps,lengths,static", [(1, [1, 0, 1], False), (1, [1, 1], True),
                                                   (3, [3, 1, 2], True), (4, [4, 3], False)])
def test_against_enumerating_every_tag_sequence(steps, lengths, static):
    inputs, tags, lengths, transitions = programs.case_inputs(steps, lengths, 11)
    shape = list(inputs.shape) if static else [None, None, programs.NUM_TAGS]
    x = tf.placeholder(tf.float32, shape)
    y = tf.placeholder(tf.int32, [None, None])
    n = tf.placeholder(tf.int32, [None])
    likelihood, _ = crf.crf_log_likelihood(x, y, n, tf.constant(transitions))
    decoded, best = crf.crf_decode(x, tf.constant(transitions), n)
    with tf.Session() as sess:
        got = sess.run([likelihood, decoded, best], {x: inputs, y: tags, n: lengths})
    for b, length in enumerate(lengths):
        want_likelihood, want_path, want_best = brute_force(
            inputs[b], tags[b], length, transitions.astype(np.float64))
        assert got[0][b] == pytest.approx(want_likelihood, abs=1e-5)
        if length:
            assert list(got[1][b][:length]) == want_path
            assert got[2][b] == pytest.approx(want_best, abs=1e-5)
        if steps > 1:  # (TF's one-step path returns the arg max even for a length of 0)
            assert not got[1][b][length:].any()  # tags past the length are 0
    tags_out, _ = crf.viterbi_decode(inputs[0][:lengths[0]], transitions)
    assert tags_out == brute_force(inputs[0], tags[0], lengths[0],
                                   transitions.astype(np.float64))[1]


def test_without_transitions_a_variable_is_made_and_trained():
    inputs, tags, lengths, _ = programs.case_inputs(4, [4, 3], 3)
    x = tf.constant(inputs)
    with tf.variable_scope("crf"):
        likelihood, transitions = crf.crf_log_likelihood(x, tags, lengths)
    assert transitions.name == "crf/transitions:0" and transitions.shape.as_list() == [3, 3]
    assert transitions in tf.trainable_variables()
    loss = -tf.reduce_mean(likelihood)
    step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss)
        for _ in range(20):
            sess.run(step)
        assert sess.run(loss) < before


def test_a_bilstm_crf_tagger_learns_as_in_the_tf1_tutorials():
    # the shape of TF1's NER tutorials: embeddings, a bidirectional LSTM, a dense layer to tag
    # scores, the CRF loss, Adam, crf_decode; the tag of a token is a rule the model can learn
    # (token % 3), on padded sentences of varying lengths fed through placeholders
    rng = np.random.RandomState(0)
    vocab, num_tags, max_len, batch = 12, 3, 7, 16
    hparams = tf.contrib.training.HParams(hidden=16, embedding=8, learning_rate=0.05)
    words = tf.placeholder(tf.int32, [None, None], name="words")
    tags = tf.placeholder(tf.int32, [None, None], name="tags")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    embeddings = tf.get_variable("embeddings", [vocab, hparams.embedding])
    inputs = tf.nn.embedding_lookup(embeddings, words)
    cells = [tf.nn.rnn_cell.LSTMCell(hparams.hidden) for _ in range(2)]
    (forward, backward), _ = tf.nn.bidirectional_dynamic_rnn(
        cells[0], cells[1], inputs, sequence_length=lengths, dtype=tf.float32)
    scores = tf.layers.dense(tf.concat([forward, backward], axis=-1), num_tags)
    likelihood, transitions = crf.crf_log_likelihood(scores, tags, lengths)
    loss = tf.reduce_mean(-likelihood)
    train = tf.train.AdamOptimizer(hparams.learning_rate).minimize(loss)
    decoded, _ = crf.crf_decode(scores, transitions, lengths)

    def sentences():
        n = rng.randint(2, max_len + 1, batch)
        w = rng.randint(0, vocab, (batch, max_len))
        w[np.arange(max_len)[None, :] >= n[:, None]] = 0
        return {words: w, tags: w % 3, lengths: n}

    def accuracy(feed, predicted):
        mask = np.arange(max_len)[None, :] < feed[lengths][:, None]
        return (predicted == feed[tags])[mask].mean()

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        test = sentences()
        before = accuracy(test, sess.run(decoded, test))
        for _ in range(60):
            sess.run(train, sentences())
        after = accuracy(test, sess.run(decoded, test))
    assert before < 0.7 and after > 0.95, (before, after)
