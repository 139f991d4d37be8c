#!/bin/bash
# Issue 16's prepared device check: ONE call of the device tool runs the GPU tests and the GPU
# benchmark. The device machine has numpy, cupy, protobuf, pytest, tensorboard and mpi4py, but
# no package index: carry tensorboardX as a wheel. Here, once, in the repo root:
#   echo /.whl/ >> .git/info/exclude     (already in .gitignore)
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 -d .whl tensorboardX
# then call the device tool with: command="bash benchmarks/gpu_check.sh", carry=[".whl"],
# timeout_s=540. Results come back in $OUT (gpu_tests.log, gpu_bench.log).
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site:$PWD || exit 1
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import cupy, numpy, minitf; print('cupy', cupy.__version__, 'numpy', numpy.__version__, 'gpu usable:', minitf.test.is_gpu_available())"
# 1. Everything marked gpu (op table's cupy column, cupy random numbers), then the device
#    plumbing tests against real cupy, checkpoints and summaries from GPU variables.
timeout 280 python3 -m pytest -q -x -p no:cacheprovider -m gpu 2>&1 | tee "$OUT/gpu_tests.log" | tail -25
timeout 100 python3 -m pytest -q -p no:cacheprovider tests/train/test_saver.py tests/summary \
  tests/test_device_plumbing.py 2>&1 | tee -a "$OUT/gpu_tests.log" | tail -5
# 2. minitf-cupy vs hand-written cupy vs minitf-numpy.
timeout 140 python3 benchmarks/gpu_bench.py --repeat 5 2>&1 | tee "$OUT/gpu_bench.log" | tail -8
