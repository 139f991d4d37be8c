#!/bin/bash
# Issue 16's prepared device check: ONE call of the device tool runs the GPU tests, the GPU
# benchmark and the whole suite with cupy present. The device machine has numpy, cupy, protobuf,
# pytest (with xdist and timeout), tensorboard and mpi4py, but no package index: carry
# tensorboardX as a wheel. Here, once, in the repo root (/.whl/ is in .gitignore):
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 -d .whl tensorboardX
# then call the device tool with: command="bash benchmarks/gpu_check.sh", carry=[".whl"],
# timeout_s=540 (about 6 minutes of work). Logs come back in $OUT; stages can be chosen:
# STAGES="bench gpu suite mpi" (each with its limit: BENCH_S, GPU_S, SUITE_S, MPI_S).
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
STAGES=${STAGES:-"bench gpu suite mpi"}  # the figures first: they are what a session most needs
# (into the machine's Python itself: the tests' own subprocesses and MPI ranks import it too)
python3 -m pip install -q --no-index --no-deps --no-compile .whl/*.whl && export PYTHONPATH=$PWD \
  || exit 1
export PYTHONUNBUFFERED=1
{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv,noheader
  nproc
  python3 -c "import cupy, numpy, minitf; print('cupy', cupy.__version__, 'numpy', numpy.__version__,
'cuda runtime', cupy.cuda.runtime.runtimeGetVersion(), 'gpu usable:', minitf.test.is_gpu_available())"
} 2>&1 | tee "$OUT/env.txt"
skip_here="--ignore=tests/test_notebooks.py --ignore=tests/test_docs_site.py --ignore=tests/horovod"
for stage in $STAGES; do
  case $stage in
  gpu)  # every test marked gpu: the op table's cupy column, cupy random numbers
    timeout ${GPU_S:-100} python3 -m pytest -q -p no:cacheprovider -n 8 -rf --timeout 60 -m gpu \
      2>&1 | tee "$OUT/gpu_tests.log" | tail -40 ;;
  bench)  # minitf-cupy vs hand-written cupy vs minitf-numpy, each in its own process
    timeout ${BENCH_S:-150} python3 benchmarks/gpu_bench.py --repeat 5 ${BENCH_ARGS:-} \
      2>&1 | tee "$OUT/gpu_bench.log" | tail -12 ;;
  suite)  # the whole suite with cupy present (ops land on the GPU by default), then the
          # failures again on numpy, to tell GPU failures from this machine's numpy version
    # (--dist loadfile: a file's tests run in order in one process, as the parity programs
    # that share a module-level random state were recorded)
    timeout ${SUITE_S:-130} python3 -m pytest -q -p no:cacheprovider -n 14 --dist loadfile -rf \
      --timeout 100 $skip_here ${SUITE_ARGS:-} > "$OUT/suite.log" 2>&1
    tail -3 "$OUT/suite.log"
    grep '^FAILED\|^ERROR' "$OUT/suite.log" | sed 's/^[A-Z]* //; s/ - .*//' | sort -u > /tmp/failed
    echo "$(wc -l < /tmp/failed) failed with cupy present"
    if [ -s /tmp/failed ]; then
      head -300 /tmp/failed | MINITF_DISABLE_GPU=1 xargs -d '\n' timeout ${RERUN_S:-40} \
        python3 -m pytest -q -p no:cacheprovider -n 14 -rf --timeout 30 > "$OUT/suite_cpu.log" 2>&1
      tail -2 "$OUT/suite_cpu.log"
    fi ;;
  mpi)  # issue 13: which MPI is here, whether it is CUDA-aware, and the 2-rank tests with
        # cupy present (the machine runs commands as root: Open MPI wants to be told)
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    { which mpiexec mpirun; python3 -c "from mpi4py import MPI; print(MPI.Get_library_version())
q = getattr(MPI, 'Query_cuda_support', None); print('Query_cuda_support:', q and q())"
      ompi_info --parsable --all 2>/dev/null | grep -i "cuda_support\|built_with_cuda" | head -5
      timeout ${MPI_S:-150} python3 -m pytest -v -p no:cacheprovider -rf --timeout 50 tests/horovod
    } > "$OUT/mpi.log" 2>&1; tail -6 "$OUT/mpi.log" ;;
  esac
done
