"""Records TF 1.x's tf.matching_files and tf.train.match_filenames_once on a small tree of
files, into tests/fixtures/tf_matching_files.json (for tests/data/test_matching_files.py):
results relative to the tree's root, op and variable names, and the pipeline's records.
Run with a Python that has TensorFlow: python tests/record_tf_matching_files.py (only
__main__ imports TensorFlow; the test runs `record` on minitf)."""

import json
import os
import tempfile

FILES = {"d/b.csv": "5,6\n", "d/a.csv": "1,2\n3,4\n", "d/c.txt": "x\n", "e/a.csv": "7,8\n"}
PATTERNS = [["d/*.csv"], ["d/*.csv", "d/*.txt"], ["*/a.csv"], ["d/a.csv"], ["nothing/*"],
            ["d/?.csv"], ["d/[ab].*"]]


def make_tree(root):
    for name, text in FILES.items():
        os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(root, name), "w") as f:
            f.write(text)


def record(tf, root):
    def rel(values):
        return [os.path.relpath(v.decode(), root) for v in values]
    out = {"matches": {}}
    with tf.Graph().as_default(), tf.Session() as s:
        for patterns in PATTERNS:
            full = [os.path.join(root, p) for p in patterns]
            out["matches"][" ".join(patterns)] = rel(s.run(tf.matching_files(
                full if len(full) > 1 else full[0])))
    with tf.Graph().as_default():
        files = tf.train.match_filenames_once(os.path.join(root, "d/*.csv"))
        out["variable"] = {"name": files.name, "local": [v.name for v in tf.local_variables()],
                           "initial_value": files.initial_value.name,
                           "op_name": tf.matching_files("x").name}
        queue = tf.train.string_input_producer(files, num_epochs=1, shuffle=False)
        _, line = tf.TextLineReader().read(queue)
        a, b = tf.decode_csv(line, [[0], [0]])
        with tf.Session() as s:
            s.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(s, coord)
            records = []
            try:
                while True:
                    records.append([int(v) for v in s.run([a, b])])
            except tf.errors.OutOfRangeError:
                pass
            coord.request_stop()
            coord.join(threads)
        out["records"] = records
    return out


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    with tempfile.TemporaryDirectory() as root:
        make_tree(root)
        rec = record(tf, root)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                        "tf_matching_files.json")
    with open(path, "w") as f:
        json.dump({"tf_version": tf.__version__, "files": FILES, "patterns": PATTERNS, **rec}, f,
                  indent=1, sort_keys=True)
    print("wrote", path)
