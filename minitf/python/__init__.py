"""TF1's `tensorflow.python` paths that programs import directly (`from tensorflow.python.client
import device_lib`), under `minitf.python`."""
