"""File formats TF programs read and write (TFRecord)."""
