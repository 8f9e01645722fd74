"""NumPy 1 habits: a NumPy integer scalar of any width where TensorFlow wants a shape or a size.

Under NumPy 1, `max(labels) + 1` on uint8 labels was an int64, which TensorFlow
takes as a shape; NumPy 2 (NEP 50) keeps it a uint8, and TensorFlow refuses it
(`Value passed to parameter 'shape' has DataType uint8 ...`, or tf.range's
bare AssertionError). install() makes a graph constant built without a dtype
read each NumPy integer scalar in it (bare, or inside a list or tuple) as the
Python int it holds, as TensorFlow reads `10`: int32, or int64 if it does not
fit. NumPy arrays keep their dtype (uint8 images stay uint8), and so does any
value given an explicit dtype.
"""
import numpy as np

_NARROW = (np.int8, np.int16, np.uint8, np.uint16, np.uint32, np.uint64)


def as_python_ints(value):
    """value with every NumPy integer scalar of a width TensorFlow refuses as a shape made a Python int."""
    if isinstance(value, _NARROW):
        return int(value)
    if type(value) in (list, tuple):  # not a namedtuple, whose fields are no shape
        return type(value)(as_python_ints(item) for item in value)
    return value


def install():
    """Wraps TensorFlow's make_tensor_proto, which every graph constant goes through."""
    from tensorflow.python.framework import tensor_util
    make_tensor_proto = tensor_util.make_tensor_proto
    if getattr(make_tensor_proto, 'reads_numpy1_scalars', False):
        return

    def make_tensor_proto_numpy1(values, dtype=None, *args, **kwargs):
        if dtype is None:
            values = as_python_ints(values)
        return make_tensor_proto(values, dtype, *args, **kwargs)

    make_tensor_proto_numpy1.reads_numpy1_scalars = True
    tensor_util.make_tensor_proto = make_tensor_proto_numpy1
