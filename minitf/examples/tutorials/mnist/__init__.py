"""TF1's MNIST tutorial helpers: ``input_data.read_data_sets``."""
