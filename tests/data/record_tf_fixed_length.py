"""Records what real TF does with fixed-length record files, for tests/data/test_fixed_length.py.
Run in a throwaway venv with tensorflow-cpu (never a minitf dependency), in an empty folder:

    python record_tf_fixed_length.py CASE     (CASE: ds dsgz nohdr missing bad0-2 r0 rneg rhop
                                              rmissing rshort; r0 hangs in TF 2.21: run it
                                              under `timeout`)

The files: a.bin = "HDR" + AAAAA BBBBB CCCCC DDDDD + "FT"; b.bin = "hdr" + abcde fghij + "xy"
+ "ft"; c.bin.gz = gzip(a.bin)."""
import gzip
a = b"HDR" + b"".join(bytes([65 + i]) * 5 for i in range(4)) + b"FT"
open("a.bin", "wb").write(a)
open("b.bin", "wb").write(b"hdr" + b"abcde" + b"fghij" + b"xy" + b"ft")
open("c.bin.gz", "wb").write(gzip.compress(a))
import sys
import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
import gzip
b = open("b.bin","rb").read(); open("b.bin.gz","wb").write(gzip.compress(b))
def drain(ds):
    n = ds.make_one_shot_iterator().get_next()
    out=[]
    with tf.Session() as s:
        try:
            while True: out.append(s.run(n))
        except tf.errors.OutOfRangeError: out.append("END")
        except Exception as e: out.append((type(e).__name__, e.message))
    return out
def rdr(**kw):
  with tf.Graph().as_default(), tf.Session() as s:
    files = kw.pop("files", ["a.bin"])
    q = tf.train.string_input_producer(files, shuffle=False, num_epochs=1)
    try:
        r = tf.FixedLengthRecordReader(**kw)
        k, v = r.read(q)
    except Exception as e: return ("build", type(e).__name__, str(e)[:200])
    s.run(tf.local_variables_initializer())
    co = tf.train.Coordinator(); th = tf.train.start_queue_runners(s, co)
    out=[]
    try:
        while True: out.append(s.run([k, v], options=tf.RunOptions(timeout_in_ms=3000)))
    except tf.errors.OutOfRangeError: out.append("END")
    except Exception as e: out.append((type(e).__name__, e.message.splitlines()[-3:]))
    co.request_stop(); co.join(th, stop_grace_period_secs=2)
    return out
case = sys.argv[1]
if case == "ds": print(drain(tf.data.FixedLengthRecordDataset(["a.bin","b.bin"], 5, header_bytes=3, footer_bytes=2)))
if case == "dsgz": print(drain(tf.data.FixedLengthRecordDataset(["b.bin.gz"], 5, header_bytes=3, footer_bytes=2, compression_type="GZIP")))
if case == "nohdr": print(drain(tf.data.FixedLengthRecordDataset(["a.bin"], 4)))
if case == "missing": print(drain(tf.data.FixedLengthRecordDataset(["nope.bin"], 4)))
if case.startswith("bad"):
    bad = [dict(record_bytes=0), dict(record_bytes=5, header_bytes=-1), dict(record_bytes=5, footer_bytes=-1)][int(case[3])]
    try: print(drain(tf.data.FixedLengthRecordDataset(["a.bin"], **bad)))
    except Exception as e: print("badbuild", type(e).__name__, str(e)[:200])
if case == "r0": print(rdr(record_bytes=0))
if case == "rneg": print(rdr(record_bytes=5, header_bytes=-1))
if case == "rhop": print(rdr(record_bytes=5, header_bytes=3, footer_bytes=2, hop_bytes=7))
if case == "rmissing": print(rdr(record_bytes=5, files=["nope.bin"]))
if case == "rshort": print(rdr(record_bytes=5, header_bytes=30))
