"""TF1's ``tensorflow.examples`` helpers that tutorials import (``tutorials.mnist.input_data``)."""
