"""tf.feature_column: TF 1.x's feature columns, input_layer, linear_model and
make_parse_example_spec."""

from minitf.feature_column.feature_column import (
    bucketized_column, categorical_column_with_hash_bucket, categorical_column_with_identity,
    categorical_column_with_vocabulary_file, categorical_column_with_vocabulary_list,
    crossed_column, embedding_column, indicator_column, input_layer, linear_model,
    make_parse_example_spec, numeric_column, shared_embedding_columns,
    weighted_categorical_column)

__all__ = ["bucketized_column", "categorical_column_with_hash_bucket",
           "categorical_column_with_identity", "categorical_column_with_vocabulary_file",
           "categorical_column_with_vocabulary_list", "crossed_column", "embedding_column",
           "indicator_column", "input_layer", "linear_model", "make_parse_example_spec",
           "numeric_column", "shared_embedding_columns", "weighted_categorical_column"]
