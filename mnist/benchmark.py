"""Side-by-side timing and memory figures, on real data: `python -m mnist.benchmark`.

Each figure is the median over --repeats runs. The machine is shared and
noisy, so read the ratios, not the absolute times.
"""
import argparse
import json
import statistics
import subprocess
import sys

FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist'

# Run in a fresh interpreter per repeat, so its peak RSS is this call's alone.
_READ_DATA_SETS_CHILD = '''
import json, resource, sys, time
import tensorflow as tf
from mnist import input_data
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
data_sets = input_data.read_data_sets(sys.argv[1])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_rss_mb_above_import": (peak - before) / 1024}))
'''


def measure_read_data_sets(data_dir, repeats):
    """Median wall seconds of read_data_sets(data_dir) and its peak RSS above the TF import (MB)."""
    runs = []
    for _ in range(repeats):
        child = subprocess.run([sys.executable, '-c', _READ_DATA_SETS_CHILD, data_dir],
                               capture_output=True, text=True, check=True)
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--data_dir', default=FASHION_MNIST_DIR,
                        help='Directory with the four MNIST-format .gz files.')
    parser.add_argument('--repeats', type=int, default=5, help='Runs per figure; medians are shown.')
    parser.add_argument('--json', default=None, help='Also write the figures to this JSON file.')
    args = parser.parse_args(argv)
    results = {'read_data_sets': measure_read_data_sets(args.data_dir, args.repeats)}
    read = results['read_data_sets']
    print('read_data_sets(%s): %.3f s, peak RSS %.0f MB above the TensorFlow import (median of %d)'
          % (args.data_dir, read['seconds'], read['peak_rss_mb_above_import'], args.repeats))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
