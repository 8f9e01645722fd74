"""NumPy 1 habits: the NumPy 1 API that NumPy 2 removed, and integer scalars as shapes and sizes.

The removed API. NumPy 1.20 to 2.3 removed names old programs call: the aliases
np.float, np.int, np.bool, np.object, np.str (of Python's types; np.bool is
numpy.bool_ again from NumPy 2 on, so only NumPy 1.24 to 1.26 lack it),
np.float_, np.NaN, np.Inf, ...; np.asscalar, np.product, np.alltrue, ...;
ndarray.tostring, itemset, newbyteorder and ptp; np.fromstring's binary mode;
and NumPy 2 took out of numpy.lib the functions numpy itself has (np.lib.pad
is numpy.pad). NumPy 1.18 also stopped taking a float as the number of
points of np.linspace, logspace and geomspace (`num=len(values) / 2`), which
NumPy 1.17 and before took as int(num), warning. ndarray is a C
type whose methods cannot be added, and setting the names on the numpy module
would change them for every library in the process. So the runner rewrites
the program's own files as it compiles them (program.py), the files untouched:
each attribute read `E.name` with one of those names becomes
`__numpy1__(E, 'name', line).name`, where __numpy1__ (an Numpy1Attributes of
that file) gives E itself unless E is the numpy module, an array or a NumPy
scalar lacking the name, or numpy.lib lacking it; then it gives the NumPy 1
meaning (MODULE, ARRAY, fromstring, FLOAT_COUNTS, numpy's own for numpy.lib), with one note
on stderr naming the program's line, the first time each name is used.
`from numpy import asscalar` is read the same way: it becomes
`asscalar = __numpy1__(numpy, 'asscalar', line).asscalar`; `np.lib.pad` and
`from numpy.lib import pad` likewise. Names the installed NumPy has are its own, but for
linspace, logspace and geomspace, which take a float count (FLOAT_COUNTS).
__numpy1__ also reads the old APIs of matplotlib, scikit-learn and SciPy (libraries.py).

Integer scalars. Under NumPy 1, `max(labels) + 1` on uint8 labels was an int64, which TensorFlow
takes as a shape; NumPy 2 (NEP 50) keeps it a uint8, and TensorFlow refuses it
(`Value passed to parameter 'shape' has DataType uint8 ...`, or tf.range's
bare AssertionError). install() makes a graph constant built without a dtype
read each NumPy integer scalar in it (bare, or inside a list or tuple) as the
Python int it holds, as TensorFlow reads `10`: int32, or int64 if it does not
fit. NumPy arrays keep their dtype (uint8 images stay uint8), and so does any
value given an explicit dtype.
"""
import ast
import functools
import sys
import types

import numpy as np

from mnist.tf1 import libraries

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


def asscalar(a):
    """np.asscalar(a), NumPy 1's a.item()."""
    return a.item()


def asfarray(a, dtype=np.float64):
    """np.asfarray: a as an array of a floating-point dtype (float64 unless dtype is one)."""
    dtype = np.dtype(dtype)
    return np.asarray(a, dtype if np.issubdtype(dtype, np.inexact) else np.float64)


def msort(a):
    """np.msort: a sorted along its first axis."""
    return np.sort(a, axis=0)


def in1d(ar1, ar2, assume_unique=False, invert=False):
    """np.in1d: np.isin on ar1 flattened."""
    return np.isin(np.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert)


# numpy.<name> removed by NumPy 1.20 to 2.x -> (its NumPy 1 value, what that is, for the note).
MODULE = {
    'float': (float, 'float'), 'int': (int, 'int'), 'object': (object, 'object'), 'str': (str, 'str'),
    'bool': (bool, 'bool'),
    'complex': (complex, 'complex'), 'unicode': (str, 'str'), 'long': (int, 'int'),
    'float_': (np.float64, 'numpy.float64'), 'complex_': (np.complex128, 'numpy.complex128'),
    'unicode_': (np.str_, 'numpy.str_'), 'string_': (np.bytes_, 'numpy.bytes_'),
    'longfloat': (np.longdouble, 'numpy.longdouble'), 'singlecomplex': (np.complex64, 'numpy.complex64'),
    'cfloat': (np.complex128, 'numpy.complex128'), 'longcomplex': (np.clongdouble, 'numpy.clongdouble'),
    'clongfloat': (np.clongdouble, 'numpy.clongdouble'), 'int0': (np.intp, 'numpy.intp'),
    'uint0': (np.uintp, 'numpy.uintp'), 'bool8': (np.bool_, 'numpy.bool_'),
    'object0': (np.object_, 'numpy.object_'), 'str0': (np.str_, 'numpy.str_'),
    'bytes0': (np.bytes_, 'numpy.bytes_'), 'void0': (np.void, 'numpy.void'),
    'NaN': (np.nan, 'numpy.nan'), 'Inf': (np.inf, 'numpy.inf'), 'Infinity': (np.inf, 'numpy.inf'),
    'infty': (np.inf, 'numpy.inf'), 'PINF': (np.inf, 'numpy.inf'), 'NINF': (-np.inf, '-numpy.inf'),
    'PZERO': (0.0, '0.0'), 'NZERO': (-0.0, '-0.0'),
    'asscalar': (asscalar, 'a.item()'), 'alltrue': (np.all, 'numpy.all'), 'sometrue': (np.any, 'numpy.any'),
    'product': (np.prod, 'numpy.prod'), 'cumproduct': (np.cumprod, 'numpy.cumprod'),
    'round_': (np.round, 'numpy.round'), 'asfarray': (asfarray, 'numpy.asarray with a float dtype'),
    'msort': (msort, 'numpy.sort(a, axis=0)'), 'in1d': (in1d, 'numpy.isin on the flattened array'),
    'trapz': (getattr(np, 'trapezoid', None), 'numpy.trapezoid'), 'mat': (np.asmatrix, 'numpy.asmatrix'),
    'rank': (np.ndim, 'numpy.ndim'),
}


def _itemset(a):
    """a.itemset of NumPy 1: (value) of a one-item array, (flat index or index tuple, value), (i, j, value)"""
    def itemset(*args):
        *index, value = args
        if not index:
            if a.size != 1:
                raise ValueError('can only convert an array of size 1 to a Python scalar')  # NumPy 1's words
            a.flat[0] = value
        elif len(index) == 1 and not isinstance(index[0], tuple):
            a.flat[index[0]] = value
        else:
            a[index[0] if len(index) == 1 else tuple(index)] = value
    return itemset


# ndarray.<name> (and the same method of a NumPy scalar) removed by NumPy 2 -> (array -> NumPy 1 bound
# method, what that is).
ARRAY = {
    'tostring': (lambda a: a.tobytes, 'ndarray.tobytes()'),
    'itemset': (_itemset, 'an assignment to the item'),
    'newbyteorder': (lambda a: lambda order='S': a.view(a.dtype.newbyteorder(order)),
                     'a.view(a.dtype.newbyteorder(order))'),
    'ptp': (lambda a: lambda *args, **kwargs: np.ptp(a, *args, **kwargs), 'numpy.ptp(a)'),
}
# numpy.<name> whose count of points NumPy 1.17 and before took as a float: the parameter, its position.
FLOAT_COUNTS = {'linspace': ('num', 2), 'logspace': ('num', 2), 'geomspace': ('num', 2)}
NAMES = frozenset(MODULE) | frozenset(ARRAY) | {'fromstring'} | frozenset(FLOAT_COUNTS)
FROMSTRING_BINARY_REMOVED = int(np.__version__.split('.')[0]) >= 2  # NumPy 1 only warned
_noted = set()  # the names already noted


def _note(path, line, name, how):
    if name not in _noted:
        _noted.add(name)
        print('note: %s, line %d: %s is not in NumPy %s; run as NumPy 1 ran it: %s'
              % (path, line, name, np.__version__, how), file=sys.stderr)


def _fromstring(path, line):
    """np.fromstring, whose binary mode (no sep) NumPy 2 removed: np.frombuffer, copied as NumPy 1 did."""
    def fromstring(string, dtype=float, count=-1, sep='', **kwargs):
        if sep:
            return np.fromstring(string, dtype, count, sep=sep, **kwargs)
        _note(path, line, 'numpy.fromstring(bytes) (binary mode)', 'numpy.frombuffer(bytes).copy()')
        return np.frombuffer(string, dtype, count).copy()
    return fromstring


def _float_count(name):
    """numpy.<name> taking a float count of points as NumPy 1.17 did: int(num), with a note naming
    the caller's line. One function per name, kept on this module (pickle finds it there)."""
    function = getattr(np, name)
    parameter, position = FLOAT_COUNTS[name]

    def numpy1(*args, **kwargs):
        positional = len(args) > position
        count = args[position] if positional else kwargs.get(parameter)
        if isinstance(count, (float, np.floating)):
            from mnist.tf1 import program  # which imports this module
            caller = sys._getframe(1)
            _note(program.source_name(caller.f_code.co_filename), caller.f_lineno,
                  'numpy.%s(%s=<a float>)' % (name, parameter), '%s=int(%s)' % (parameter, parameter))
            if positional:
                args = args[:position] + (int(count),) + args[position + 1:]
            else:
                kwargs[parameter] = int(count)
        return function(*args, **kwargs)
    functools.update_wrapper(numpy1, function)
    numpy1.__module__, numpy1.__qualname__ = __name__, name
    return numpy1


linspace, logspace, geomspace = (_float_count(name) for name in ('linspace', 'logspace', 'geomspace'))
FLOAT_COUNT_FUNCTIONS = {'linspace': linspace, 'logspace': logspace, 'geomspace': geomspace}


def _removed(name):
    """Whether numpy.name needs __numpy1__: a removed name, fromstring (its binary mode), or one of
    FLOAT_COUNTS."""
    return (name == 'fromstring' and FROMSTRING_BINARY_REMOVED or name in FLOAT_COUNTS
            or name in MODULE and name not in vars(np))


def _moved_out_of_lib(name):
    """Whether numpy.lib.name is one of the names NumPy 2 took out of numpy.lib and keeps in numpy."""
    return not name.startswith('_') and not hasattr(np.lib, name) and name in vars(np)


class Numpy1Attributes:
    """__numpy1__ of the program's file `path`: see the module docstring."""

    def __init__(self, path):
        self.path = path

    def __call__(self, value, name, line):
        if value is np:
            if not _removed(name):  # vars(np): hasattr would warn of np.object's future
                return value
            if name == 'fromstring':
                return types.SimpleNamespace(fromstring=_fromstring(self.path, line))
            if name in FLOAT_COUNTS:
                return types.SimpleNamespace(**{name: FLOAT_COUNT_FUNCTIONS[name]})
            numpy1, how = MODULE[name]
            _note(self.path, line, 'numpy.' + name, how)
        elif value is np.lib and _moved_out_of_lib(name):
            numpy1 = getattr(np, name)
            _note(self.path, line, 'numpy.lib.' + name, 'numpy.' + name)
        elif isinstance(value, (np.ndarray, np.generic)) and name in ARRAY and not hasattr(value, name):
            method, how = ARRAY[name]
            numpy1 = method(value)
            _note(self.path, line, 'ndarray.' + name, how)
        else:
            return libraries.attribute(self.path, value, name, line)
        return types.SimpleNamespace(**{name: numpy1})

    def call(self, function, line):
        """function, taking the keywords libraries.KEYWORDS renamed under their old names."""
        return libraries.call(self.path, function, line)


def _read(value, name, line):
    """The expression __numpy1__(value, 'name', line).name."""
    call = ast.Call(ast.Name('__numpy1__', ast.Load()), [value, ast.Constant(name), ast.Constant(line)], [])
    return ast.Attribute(call, name, ast.Load())


class _Rewrite(ast.NodeTransformer):
    """E.name, read, for a name in NAMES (or any name, for E.lib.name) -> __numpy1__(E, 'name', line).name;
    and `from numpy import name`, `from numpy.lib import name`."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        of_lib = isinstance(node.value, ast.Attribute) and node.value.attr == 'lib'
        if not (node.attr in NAMES or of_lib) or not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(_read(node.value, node.attr, node.lineno), node)

    def visit_ImportFrom(self, node):
        removed = {'numpy': _removed, 'numpy.lib': _moved_out_of_lib}.get(node.module)
        if removed is None or node.level or not any(removed(alias.name) for alias in node.names):
            return node
        kept = [alias for alias in node.names if not removed(alias.name)]
        statements = [ast.ImportFrom(node.module, kept, 0)] if kept else []
        # __import__('numpy.lib') gives numpy; with a fromlist it gives numpy.lib itself.
        module = ast.Call(ast.Name('__import__', ast.Load()), [ast.Constant(node.module)],
                          [ast.keyword('fromlist', ast.Constant(('__name__',)))])
        statements += [ast.Assign([ast.Name(alias.asname or alias.name, ast.Store())],
                                  _read(module, alias.name, node.lineno))
                       for alias in node.names if removed(alias.name)]
        return [ast.copy_location(statement, node) for statement in statements]


def rewrite(tree):
    """The module AST `tree` with NumPy 1's removed names, and the other libraries' old APIs
    (libraries.py), read through __numpy1__ (see above)."""
    return libraries.rewrite(ast.fix_missing_locations(_Rewrite().visit(tree)))
