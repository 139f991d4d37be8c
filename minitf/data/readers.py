"""tf.data.experimental's CSV readers: CsvDataset (lines of text files through decode_csv)
and make_csv_dataset (TF's column-type inference, batches of feature dicts and a label)."""

import collections
import csv
import glob
import os

from minitf import dtypes
from minitf.data.dataset_ops import AUTOTUNE, Dataset, TextLineDataset, _UnaryDataset


class CsvDataset(_UnaryDataset):
    """tf.data.experimental.CsvDataset: one tuple of columns per record of the CSV files;
    `record_defaults` gives each column's type and default (a DType: the field is required)."""

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None):
        from minitf.ops.array_ops import reshape
        from minitf.ops.constant_op import convert_to_tensor
        from minitf.ops.core import constant
        from minitf.ops.parsing_ops import decode_csv
        defaults = [constant([], dtype=d) if isinstance(d, dtypes.DType) else d
                    for d in record_defaults]
        if header:
            names = convert_to_tensor(filenames, dtype=dtypes.string)
            files = Dataset.from_tensor_slices(reshape(names, [-1]))
            lines = files.flat_map(lambda f: TextLineDataset(f, compression_type).skip(1))
        else:
            lines = TextLineDataset(filenames, compression_type)
        records = lines.map(lambda line: tuple(decode_csv(
            line, defaults, field_delim=field_delim, use_quote_delim=use_quote_delim,
            na_value=na_value, select_cols=select_cols)))
        super().__init__(records)

    def _cursor(self, env):
        return self._input._cursor(env)


_INFERENCE_ORDER = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string)


def _parses_as(value, dtype):
    if dtype is dtypes.string:
        return True
    try:
        if dtype.is_integer:
            n = int(value, 10)
            return dtype.min <= n <= dtype.max
        float(value)
        return True
    except ValueError:
        return False


def _infer_types(files, num_cols, delim, na_value, header, rows, select):
    """TF's inference: each column's type the first of int32, int64, float32, float64, string
    that parses every non-missing field of the first `rows` records (string if none seen)."""
    found = [None] * num_cols
    for name in files:
        with open(name, newline="") as f:
            reader = csv.reader(f, delimiter=delim)
            if header:
                next(reader, None)
            for row in reader:
                if rows <= 0:
                    break
                rows -= 1
                for i in select:
                    value = row[i] if i < len(row) else ""
                    if value in ("", na_value):
                        continue
                    start = _INFERENCE_ORDER.index(found[i]) if found[i] is not None else 0
                    found[i] = next(t for t in _INFERENCE_ORDER[start:] if _parses_as(value, t))
        if rows <= 0:
            break
    return [t or dtypes.string for t in found]


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=AUTOTUNE, num_parallel_reads=1, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False):
    """Batches of (features dict[, label]) read from the CSV files `file_pattern` matches, as
    TF's: column names from the header, types inferred unless `column_defaults` are given,
    `num_epochs` passes (None: for ever, with whole batches only), shuffled unless told not."""
    patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
    files = sorted(n for p in patterns for n in glob.glob(os.fsdecode(p)))
    if not files:
        raise ValueError("No files match `file_pattern` %s." % (file_pattern,))
    if column_names is None:
        if not header:
            raise ValueError("Cannot infer column names without a header line.")
        with open(files[0], newline="") as f:
            column_names = next(csv.reader(f, delimiter=field_delim), [])
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Cannot have duplicate column names.")
    if select_columns is not None:
        if all(isinstance(c, int) for c in select_columns):
            select = sorted(select_columns)
        else:
            missing = [c for c in select_columns if c not in column_names]
            if missing:
                raise ValueError("Value(s) %s in `select_columns` are not column names %s."
                                 % (missing, column_names))
            select = sorted(column_names.index(c) for c in select_columns)
        if select[-1] >= len(column_names):
            raise ValueError("Column index %d specified in `select_columns` should be > 0 and "
                             "< %d (number of columns)" % (select[-1], len(column_names)))
    else:
        select = list(range(len(column_names)))
    names = [column_names[i] for i in select]
    if label_name is not None and label_name not in names:
        raise ValueError("`label_name` provided must be one of the columns: %s. Received: %s."
                         % (names, label_name))
    if column_defaults is None:
        types = _infer_types(files, len(column_names), field_delim, na_value, header,
                             num_rows_for_inference, select)
        defaults = [[""] if types[i] is dtypes.string else _typed_zero(types[i])
                    for i in select]
    else:
        defaults = list(column_defaults)
        if len(defaults) == len(column_names) and len(select) != len(column_names):
            defaults = [defaults[i] for i in select]
        defaults = [d if isinstance(d, (list, tuple, dtypes.DType)) or hasattr(d, "dtype")
                    else [d] for d in defaults]
    if len(defaults) != len(names):
        raise ValueError("The number of `column_defaults` (%d) does not match the number of "
                         "columns (%d)." % (len(defaults), len(names)))

    dataset = Dataset.from_tensor_slices(files)
    if shuffle:
        dataset = dataset.shuffle(len(files), seed=shuffle_seed)
    dataset = dataset.interleave(
        lambda f: CsvDataset(f, defaults, compression_type, header=header,
                             field_delim=field_delim, use_quote_delim=use_quote_delim,
                             na_value=na_value, select_cols=select
                             if len(select) != len(column_names) else None),
        cycle_length=num_parallel_reads)
    if ignore_errors:
        from minitf.data.transformations import _IgnoreErrorsDataset
        dataset = _IgnoreErrorsDataset(dataset)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)

    def to_features(*columns):
        features = collections.OrderedDict(zip(names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label
    return dataset.map(to_features).prefetch(prefetch_buffer_size)


def _typed_zero(dtype):
    from minitf.ops.core import constant
    return constant([0], dtype=dtype)


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None,
                                  label_key=None, reader_args=None, num_epochs=None,
                                  shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                                  prefetch_buffer_size=AUTOTUNE, reader_num_threads=1,
                                  parser_num_threads=2, sloppy_ordering=False,
                                  drop_final_batch=False):
    """Batches of dicts of the `features` (tf.io.parse_example's) of the tf.train.Example
    records in the files `file_pattern` matches (TFRecord files unless `reader` says
    otherwise), as TF 1.15 builds it: files listed (shuffled unless told not), read
    `reader_num_threads` at a time, repeated `num_epochs` times (None: for ever, whole batches
    only), shuffled, batched, parsed, the `label_key` feature apart."""
    from minitf.data.dataset_ops import TFRecordDataset
    from minitf.ops.parsing_ops import parse_example
    if label_key is not None and label_key not in features:
        raise ValueError("The `label_key` provided (%s) must be one of the `features` keys: "
                         "dict_keys(%s)." % (label_key, list(features)))
    reader = reader or TFRecordDataset
    reader_args = list(reader_args or [])
    dataset = Dataset.list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    dataset = dataset.interleave(lambda name: reader(name, *reader_args),
                                 cycle_length=reader_num_threads)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    dataset = dataset.map(lambda records: parse_example(records, features),
                          num_parallel_calls=parser_num_threads)
    if label_key is not None:
        dataset = dataset.map(lambda parsed: _split_label(parsed, label_key))
    return dataset.prefetch(prefetch_buffer_size)


def _split_label(parsed, label_key):
    parsed = dict(parsed)
    return parsed, parsed.pop(label_key)
