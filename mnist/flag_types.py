"""argparse types for the scripts' numeric flags. Imports no TensorFlow (the cluster launcher uses them)."""
import argparse


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
positive_float = _number(float, lambda value: value > 0, 'a positive number')
keep_probability = _number(float, lambda value: 0 < value <= 1, 'a keep probability in (0, 1]')
