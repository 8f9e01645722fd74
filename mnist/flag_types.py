"""argparse types for the scripts' numeric flags and --data_dir.

Imports no TensorFlow (the cluster launcher uses them).

Each accepts every value the original tutorial programs could run with, and
refuses with one line the values that cannot work.
"""
import argparse
import math


def _number(cast, accept, expected):
    """An argparse type: `cast(text)`, if `accept` takes it; otherwise an error saying what was expected."""
    def parse(text):
        try:
            value = cast(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError('expected %s, got %r' % (expected, text))
        return value
    return parse


positive_int = _number(int, lambda value: value >= 1, 'a positive integer')
non_negative_int = _number(int, lambda value: value >= 0, 'an integer >= 0')
positive_float = _number(float, lambda value: value > 0 and math.isfinite(value),
                         'a finite positive number')
# 0 is a learning rate the originals accepted (upstream's own test trains with it:
# the whole pipeline runs and the weights stay put); inf and NaN can only diverge.
learning_rate = _number(float, lambda value: value >= 0 and math.isfinite(value),
                        'a finite number >= 0')
keep_probability = _number(float, lambda value: 0 < value <= 1, 'a keep probability in (0, 1]')
# numpy's and TensorFlow's seeds are non-negative.
seed = _number(int, lambda value: 0 <= value < 2 ** 63, 'an integer from 0 to 2**63 - 1')


def data_dir(text):
    """An argparse type for --data_dir: any path but the empty one."""
    if not text:
        raise argparse.ArgumentTypeError(
            "expected the directory that holds the MNIST files or is to receive them "
            "(the default is MNIST_data), got ''")
    return text
