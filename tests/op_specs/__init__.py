"""The op test table: one OpSpec per op and interesting input case, one file per op family.

tests/test_op_table.py runs every entry four ways (value vs numpy, inferred vs actual
shape/dtype, float64 numerical gradient check, numpy vs cupy when a GPU is there) and fails
when a registered op type appears in no entry and is not in TESTED_ELSEWHERE.
"""

from tests.op_specs import (array_specs, box_specs, complex_specs, control_specs, conv_specs,
                            ctc_specs, image_specs, linalg_specs, math_specs, nn_specs, nnops_specs,
                            scalar_specs,
                            sparse_specs, special_specs)

SPECS = (array_specs.SPECS + math_specs.SPECS + nn_specs.SPECS + conv_specs.SPECS
         + image_specs.SPECS + box_specs.SPECS + control_specs.SPECS + sparse_specs.SPECS
         + linalg_specs.SPECS + scalar_specs.SPECS + ctc_specs.SPECS + special_specs.SPECS
         + nnops_specs.SPECS + complex_specs.SPECS)

# Stateful ops cannot be checked against a pure numpy reference; each is tested in the file named.
TESTED_ELSEWHERE = {
    "Placeholder": "tests/test_session.py",
    "VariableV2": "tests/test_variables.py",
    "Assign": "tests/test_variables.py",
    "AssignAdd": "tests/test_variables.py",
    "AssignSub": "tests/test_variables.py",
    "IsVariableInitialized": "tests/test_variables.py",
    "InitializedValue": "tests/test_variables.py",
    "UninitializedNames": "tests/test_variables.py",  # string inputs: no table generator
    "RandomStandardNormal": "tests/test_random_ops.py",
    "TruncatedNormal": "tests/test_random_ops.py",
    "RandomUniform": "tests/test_random_ops.py",
    "RandomUniformInt": "tests/test_random_ops.py",
    "RandomShuffle": "tests/test_random_ops.py",
    "Multinomial": "tests/test_random_ops.py",
    # TF's stateless draws: bytes against TF's recorded ones, no gradient.
    **dict.fromkeys(("StatelessRandomGetKeyCounter", "StatelessRandomUniformV2",
                     "StatelessRandomUniformIntV2", "StatelessRandomUniformFullIntV2",
                     "StatelessRandomNormalV2", "StatelessTruncatedNormalV2",
                     "StatelessMultinomial", "StatelessRandomUniform",
                     "StatelessRandomUniformInt", "StatelessRandomNormal",
                     "StatelessTruncatedNormal"), "tests/test_stateless_random.py"),
    "SampleDistortedBoundingBoxV2": "tests/nn/test_image_boxes.py",
    "RandomGamma": "tests/test_special_math.py",
    # Random window sizes: TF's pooling and gradients given TF's recorded sequences, the
    # sequences' rules, and a float64 gradient check with fixed seeds.
    **dict.fromkeys(("FractionalMaxPool", "FractionalAvgPool", "FractionalMaxPoolGrad",
                     "FractionalAvgPoolGrad"), "tests/nn/test_nnops2.py"),
    "RandomPoissonV2": "tests/test_special_math.py",
    "NoOp": "tests/test_graph.py",
    "TensorArrayCloseV3": "tests/test_tensor_array.py",  # no output: nothing to compare
    "Print": "tests/test_logging_ops.py",
    "PrintV2": "tests/test_logging_ops.py",
    "Assert": "tests/test_logging_ops.py",
    "CheckNumerics": "tests/test_logging_ops.py",
    "ApplyGradientDescent": "tests/train/test_optimizers.py",
    "ApplyMomentum": "tests/train/test_optimizers.py",
    "ApplyAdam": "tests/train/test_optimizers.py",
    "ApplyAdagrad": "tests/train/test_optimizers.py",
    **dict.fromkeys(("ApplyFtrl", "ApplyFtrlV2", "SparseApplyFtrl", "SparseApplyFtrlV2"),
                    "tests/train/test_ftrl.py"),
    **dict.fromkeys(("ApplyProximalGradientDescent", "SparseApplyProximalGradientDescent",
                     "ApplyProximalAdagrad", "SparseApplyProximalAdagrad"),
                    "tests/train/test_proximal.py"),
    **dict.fromkeys(("ApplyAdagradDA", "SparseApplyAdagradDA"), "tests/train/test_adagrad_da.py"),
    "ApplyKerasMomentum": "tests/train/test_optimizers.py",
    "ApplyAdagradV2": "tests/train/test_optimizers.py",
    "ApplyRMSProp": "tests/train/test_optimizers.py",
    "ApplyCenteredRMSProp": "tests/train/test_optimizers.py",
    "ApplyAdadelta": "tests/train/test_optimizers.py",
    # tf.contrib.opt's updates: every bit against TF's recorded kernels.
    **dict.fromkeys(("ApplyAdaMax", "ApplyAddSign", "ApplyPowerSign"),
                    "tests/test_contrib_opt_more.py"),
    # Sparse updates of variables: checked against TF's recorded values.
    **dict.fromkeys(("SparseApplyMomentum", "SparseApplyAdagrad", "SparseApplyRMSProp",
                     "SparseApplyCenteredRMSProp", "SparseApplyAdadelta", "ScatterAdd",
                     "ScatterSub", "ScatterUpdate"),
                    "tests/test_sparse_gradients.py, tests/test_tf1_rnn_parity.py"),
    # The other updates of variables at indices: checked against TF's recorded values.
    **dict.fromkeys(("ScatterMul", "ScatterDiv", "ScatterMax", "ScatterMin", "ScatterNdUpdate",
                     "ScatterNdAdd", "ScatterNdSub"), "tests/test_array_ops_tf1.py"),
    # Random candidate samplers: seeded draws and expected counts (vs TF's) tested there.
    "LogUniformCandidateSampler": "tests/test_sparse_gradients.py, tests/test_tf1_rnn_parity.py",
    "UniformCandidateSampler": "tests/test_sparse_gradients.py, tests/test_tf1_rnn_parity.py",
    # Checkpoint I/O: files on disk, checked against TensorFlow's own checkpoints.
    "SaveV2": "tests/train/test_saver.py",
    "RestoreV2": "tests/train/test_saver.py",
    # TF's sharded Saver's ops (string inputs, files): checked against TF's recorded values.
    **dict.fromkeys(("StringJoin", "StaticRegexFullMatch", "ShardedFilename",
                     "MergeV2Checkpoints"), "tests/saved_model/test_sharded_saver_ops.py"),
    # TF1's string ops (string inputs or outputs, no gradient): values, names, static shapes
    # and errors against TF's recording.
    **dict.fromkeys(("StringStrip", "StringLower", "StringUpper", "StringLength",
                     "EncodeBase64", "DecodeBase64", "StaticRegexReplace", "RegexReplace",
                     "StringToNumber", "AsString", "Substr", "ReduceJoin", "StringSplit",
                     "StringSplitV2", "ReadFile", "WriteFile", "StringToHashBucketFast",
                     "RegexFullMatch"),
                    "tests/test_tf1_string_ops.py"),
    # Feature crosses (string and int64 inputs, string or hashed outputs): TF's recorded
    # strings and 64-bit hashes, through tf.sparse.cross(_hashed) and crossed_column.
    "SparseCross": "tests/test_feature_column.py",
    # Image codecs (string inputs or outputs): TF's decoded arrays, names, static shapes and
    # errors for files of every variant, recorded.
    **dict.fromkeys(("DecodePng", "EncodePng", "DecodeJpeg", "DecodeAndCropJpeg", "DecodeBmp",
                     "EncodeJpeg", "EncodeJpegVariableQuality", "DecodeGif", "DecodeImage",
                     "ExtractJpegShape"),
                    "tests/test_image_codecs.py"),
    # Summary ops return serialized protocol buffers, checked field by field against TF's.
    "ScalarSummary": "tests/summary/test_summary_ops.py",
    "HistogramSummary": "tests/summary/test_summary_ops.py",
    "ImageSummary": "tests/summary/test_summary_ops.py",
    "AudioSummaryV2": "tests/summary/test_summary_ops.py",
    "TensorSummaryV2": "tests/summary/test_summary_ops.py",
    "MergeSummary": "tests/summary/test_summary_ops.py",
    # tf.data iterators: resources of the session, driven by whole pipelines.
    "IteratorV2": "tests/data/test_dataset.py",
    "OneShotIterator": "tests/data/test_dataset.py",
    "MakeIterator": "tests/data/test_dataset.py",
    "IteratorGetNext": "tests/data/test_dataset.py",
    "IteratorToStringHandle": "tests/data/test_dataset.py",
    "IteratorFromStringHandle": "tests/data/test_dataset.py",
    # Ops that run a whole dataset in a step: against TF's recorded results.
    "ReduceDataset": "tests/data/test_tfdata_more.py",
    "DatasetToSingleElement": "tests/data/test_tfdata_more.py",
    "DatasetCardinality": "tests/data/test_tfdata_more.py",
    # Collectives need several processes: run as MPI jobs of 2 and 3 ranks.
    "HorovodAllreduce": "tests/horovod/test_horovod.py",
    "HorovodGroupedAllreduce": "tests/horovod/test_horovod.py",
    "HorovodAllgather": "tests/horovod/test_horovod.py",
    "HorovodBroadcast": "tests/horovod/test_horovod.py",
    # String inputs (no table generator): checked against what TF parsed from the same bytes.
    "ParseExampleV2": "tests/data/test_tfrecord.py",
    # SequenceExamples and JSON Examples: against what TF parsed from the same protos.
    "ParseSequenceExampleV2": "tests/test_seqex.py",
    "DecodeJSONExample": "tests/test_seqex.py",
    "DecodeCSV": "tests/data/test_tfrecord.py",
    "DecodeRaw": "tests/data/test_tfrecord.py",
    # Queues and readers: session resources, exercised by threads.
    "FIFOQueueV2": "tests/data/test_queues.py",
    "PaddingFIFOQueueV2": "tests/data/test_queues.py",
    "RandomShuffleQueueV2": "tests/data/test_queues.py",
    "QueueEnqueueV2": "tests/data/test_queues.py",
    "QueueEnqueueManyV2": "tests/data/test_queues.py",
    "QueueDequeueV2": "tests/data/test_queues.py",
    "QueueDequeueManyV2": "tests/data/test_queues.py",
    "QueueCloseV2": "tests/data/test_queues.py",
    "QueueSizeV2": "tests/data/test_queues.py",
    "QueueIsClosedV2": "tests/data/test_queues.py",
    "CountUpTo": "tests/data/test_queues.py",
    "TextLineReaderV2": "tests/data/test_queues.py",
    "WholeFileReaderV2": "tests/data/test_queues.py",
    "TFRecordReaderV2": "tests/data/test_queues.py",
    "PyFunc": "tests/test_py_func.py", "PyFuncStateless": "tests/test_py_func.py",
    "EagerPyFunc": "tests/test_py_function.py",
    "FixedLengthRecordReaderV2": "tests/data/test_fixed_length.py",
    "ReaderReadUpToV2": "tests/data/test_queues.py",
    "ReaderResetV2": "tests/data/test_queues.py",
    "ReaderNumRecordsProducedV2": "tests/data/test_queues.py",
    "MatchingFiles": "tests/data/test_matching_files.py",
    **dict.fromkeys(("HashTableV2", "MutableHashTableV2", "MutableHashTableOfTensorsV2",
                     "InitializeTableFromTextFileV2", "LookupTableExportV2", "LookupTableFindV2",
                     "LookupTableImportV2", "LookupTableInsertV2", "LookupTableRemoveV2",
                     "LookupTableSizeV2"), "tests/test_lookup_tables.py"),
    **dict.fromkeys(("StringToHashBucket", "StringToHashBucketStrong", "Fingerprint",
                     "DecodeCompressed", "Timestamp", "SerializeTensor", "ParseTensor",
                     "SerializeSparse", "SerializeManySparse", "DeserializeManySparse",
                     "PriorityQueueV2"), "tests/test_io_names.py"),
}
