"""ImageDataGenerator.flow: ms per batch of 128 CIFAR-sized images (rotation, shifts, flip,
rescale), minitf's batch-vectorised numpy against tf-keras (scipy, one image at a time), each in
its own process. tf-keras is skipped when /work/tfvenv (or $TF_PYTHON) is absent.

    python benchmarks/keras_image_augmentation.py
"""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TF_PYTHON = os.environ.get('TF_PYTHON', '/work/tfvenv/bin/python')


def worker(which, repeats=5, batches=4):
    import numpy as np
    if which == 'keras':
        from tf_keras.preprocessing.image import ImageDataGenerator
    else:
        sys.path.insert(0, ROOT)
        from minitf.keras.preprocessing.image import ImageDataGenerator
    x = np.random.RandomState(0).randint(0, 256, (512, 32, 32, 3)).astype(np.float32)
    gen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1,
                             horizontal_flip=True, rescale=1 / 255.)
    it = gen.flow(x, batch_size=128, seed=0)
    next(it)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(batches):
            next(it)
        times.append((time.perf_counter() - t) / batches * 1000)
    print(' '.join('%.1f' % v for v in sorted(times)))


def run(which, python):
    env = dict(os.environ, TF_USE_LEGACY_KERAS='1', TF_CPP_MIN_LOG_LEVEL='3')
    out = subprocess.run([python, os.path.abspath(__file__), '--worker', which], env=env,
                         capture_output=True, text=True, check=True).stdout.split('\n')
    return [float(v) for v in [line for line in out if line.strip()][-1].split()]


def main(rounds=3):
    """Alternates the two processes `rounds` times (the machine's load changes), then reports
    each side's per-round medians and the ratio of the best ones."""
    sides = [('minitf', sys.executable)] + ([('tf-keras', TF_PYTHON)]
                                            if os.path.exists(TF_PYTHON) else [])
    medians = {name: [] for name, _ in sides}
    for _ in range(rounds):
        for name, python in sides:
            times = run('minitf' if name == 'minitf' else 'keras', python)
            medians[name].append(times[len(times) // 2])
    for name, _ in sides:
        print('%-8s ms per batch of 128, per-round medians: %s'
              % (name, ' '.join('%.1f' % v for v in medians[name])))
    if len(sides) == 2:
        print('ratio minitf / tf-keras (best medians): %.2f'
              % (min(medians['minitf']) / min(medians['tf-keras'])))


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--worker':
        worker(sys.argv[2])
    else:
        main()
