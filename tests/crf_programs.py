"""tf.contrib.crf programs run by tests/record_tf_crf.py in TensorFlow (TF Addons' port of
contrib.crf, tfa.text: TF 1.15 does not install here) and by tests/test_crf.py in minitf."""

import numpy as np

NUM_TAGS = 3
# (time steps, lengths): lengths include a full, a partial and an empty sequence
CASES = [(4, [4, 2, 0]), (2, [2, 1]), (5, [5, 5])]


def case_inputs(steps, lengths, seed):
    rng = np.random.RandomState(seed)
    inputs = rng.randn(len(lengths), steps, NUM_TAGS).astype(np.float32)
    tags = rng.randint(0, NUM_TAGS, (len(lengths), steps)).astype(np.int32)
    transitions = (rng.randn(NUM_TAGS, NUM_TAGS) / 2).astype(np.float32)
    return inputs, tags, np.array(lengths, np.int32), transitions


def run_case(tf, crf, steps, lengths, seed):
    inputs, tags, lengths, transitions = case_inputs(steps, lengths, seed)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None, NUM_TAGS])
        y = tf.placeholder(tf.int32, [None, None])
        n = tf.placeholder(tf.int32, [None])
        t = tf.constant(transitions)
        likelihood, _ = crf.crf_log_likelihood(x, y, n, t)
        decoded, best = crf.crf_decode(x, t, n)
        grads = tf.gradients(tf.reduce_sum(likelihood), [x, t])
        with tf.Session() as sess:
            out = sess.run([likelihood, decoded, best] + grads, {x: inputs, y: tags, n: lengths})
    names = ["log_likelihood", "decode_tags", "best_score", "d_inputs", "d_transitions"]
    return {k: v.tolist() for k, v in zip(names, out)}


def viterbi_cases(crf):
    rng = np.random.RandomState(7)
    out = []
    for steps in (1, 2, 6):
        score = rng.randn(steps, NUM_TAGS).astype(np.float32)
        transitions = rng.randn(NUM_TAGS, NUM_TAGS).astype(np.float32)
        tags, best = crf.viterbi_decode(score, transitions)
        out.append([[int(v) for v in tags], float(best)])
    return out


def run_all(tf, crf):
    return {"cases": [run_case(tf, crf, steps, lengths, seed)
                      for seed, (steps, lengths) in enumerate(CASES)],
            "viterbi": viterbi_cases(crf)}
