"""Python 2 programs: translated to Python 3 in memory by fissix (2to3's fixers), run with Python 2's meaning.

Which files are Python 2 (why_python2): one Python 3 cannot compile that
compiles once 2to3's fixers have rewritten it (print statements, `except E,
e`, ...), or one Python 3 compiles that uses what only Python 2 had: a builtin
Python 3 dropped (`xrange`, `raw_input`, `unicode`, ...) that the file never
defines or imports, `d.iteritems()` or `d.has_key(k)` on an object that is no
imported module (`six.iteritems(d)` is Python 3), or the print statement of a
file without `from __future__ import print_function` written as a call
(`print("%d") % n`, `print("a"), b`). What a file guards is not counted: both
branches of a test of the Python version (`if PY2:`, `if six.PY2:`, `if
sys.version_info[0] == 2:`, `unicode if PY2 else str`, `hasattr(d,
'iteritems')`) and the body of a `try` whose handler catches NameError,
ImportError or AttributeError. A file is read in the encoding its PEP 263
line declares (`# -*- coding: latin-1 -*-`).

A Python 2 file is translated by all of 2to3's fixers (fix_import, which makes
`import sibling` relative, only in a package's module: a program's top-level
files have no package to be relative to), and the runner then keeps what
2to3 leaves to the user (translated_tree), through the object __python2__
(Runtime) in the file's globals:
  `a / b`, `a /= b`  -> __python2__.div(a, b, line), ...idiv: Python 2's `/`, decided when
                        the line runs: the operands' own __div__ (a TensorFlow tensor's, which
                        floors integer tensors), else floor division when both are integers
                        (int, NumPy integer scalars, arrays of an integer dtype, as NumPy under
                        Python 2 did), else true division; a file with `from __future__ import
                        division` keeps its `/`
  open(name, 'w')    -> __python2__.open(...): a text file that also writes bytes as they are
                        (Python 2's str was bytes: pickles, struct records, tostring())
One note on stderr says where the first integer `/` floored. fissix is the
maintained fork of lib2to3, which Python 3.13 removed; it comes with `pip
install -e ".[tf1]"`.
"""
import ast
import builtins
import io
import operator
import re
import sys
import tokenize

import numpy as np

from mnist.tf1.errors import require

PYTHON2_BUILTINS = ('xrange', 'raw_input', 'unicode', 'basestring', 'unichr', 'long', 'execfile')
PYTHON2_DICT_METHODS = {'iteritems': 0, 'iterkeys': 0, 'itervalues': 0, 'has_key': 1}  # -> arguments
GUARDING_ERRORS = {'NameError', 'ImportError', 'ModuleNotFoundError', 'AttributeError'}
# A name or attribute that tells Python 2 from 3: PY2, PY3, six.PY2, IS_PY2, PYTHON3, sys.version_info, ...
_VERSION_NAME = re.compile(r'(?i)^(is_?)?py(thon)?_?[23k]$|^version_info$')
_OPERATORS = {ast.Mod: '%', ast.Add: '+', ast.Mult: '*'}  # a print statement's, for the note
RUNTIME = '__python2__'


def decode(source):
    """source (bytes of a file, or a str) as a str, read in the encoding its PEP 263 line declares."""
    if isinstance(source, str):
        return source
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    return source.decode(encoding)


def translate(source, path, print_statement=True, package=False):
    """source (Python 2, a str) rewritten by 2to3's fixers, as a string; fissix's ParseError if it cannot.

    With print_statement False, `print` is read as the function it is in Python 3. fix_import
    (`import sibling` made relative) runs only for a module of a package.
    """
    from fissix import refactor
    fixers = [name for name in refactor.get_fixers_from_package('fissix.fixes')
              if package or name != 'fissix.fixes.fix_import']
    tool = refactor.RefactoringTool(fixers, {'print_function': not print_statement})
    return str(tool.refactor_string(source if source.endswith('\n') else source + '\n', path))


def _bound_names(tree):
    """Every name the module binds: assigned, defined, imported, a parameter; None after `import *`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == '*':
                    return None
                names.add(alias.asname or alias.name.partition('.')[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _imported_names(tree):
    """The names the module's imports bind (modules, and names imported from them)."""
    return {alias.asname or alias.name.partition('.')[0]
            for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names}


def _tests_the_version(test):
    """Whether an `if` test tells Python 2 from 3: PY2, sys.version_info, ...; `str is bytes`;
    hasattr(x, 'iteritems')."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and {'str', 'bytes'} <= {
                operand.id for operand in [node.left, *node.comparators] if isinstance(operand, ast.Name)}:
            return True
        if isinstance(node, ast.Name) and _VERSION_NAME.match(node.id):
            return True
        if isinstance(node, ast.Attribute) and (
                _VERSION_NAME.match(node.attr)
                or node.attr == 'version' and isinstance(node.value, ast.Name) and node.value.id == 'sys'):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'hasattr'
                and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in PYTHON2_BUILTINS + tuple(PYTHON2_DICT_METHODS)):
            return True
    return False


def _catches(handler):
    """The names of the exceptions an `except` clause catches (empty for a bare `except:`)."""
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {node.id if isinstance(node, ast.Name) else getattr(node, 'attr', None) for node in caught}


def guarded(tree, try_bodies=True):
    """The ids of the nodes a file guards: both branches of a version test; a try body catching
    NameError (GUARDING_ERRORS), unless try_bodies is False."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp)) and _tests_the_version(node.test):
            regions = [node]
        elif try_bodies and isinstance(node, ast.Try) and any(
                handler.type is None or _catches(handler) & GUARDING_ERRORS for handler in node.handlers):
            regions = node.body
        else:
            continue
        for region in regions:
            guarded.update(id(child) for child in ast.walk(region))
    return guarded


def _is_print_call(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'print'


def _future_imports(tree):
    return {alias.name for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == '__future__' for alias in node.names}


def python2_idioms(tree):
    """The Python 2 constructs of a module that Python 3 compiles: (line, what), in the order of the file."""
    found = []
    bound = _bound_names(tree)
    imported = _imported_names(tree)
    guarded_nodes = guarded(tree)
    print_function = 'print_function' in _future_imports(tree)
    for node in ast.walk(tree):
        if id(node) in guarded_nodes:
            continue
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in PYTHON2_BUILTINS
                and bound is not None and node.id not in bound):
            found.append((node.lineno, node.id))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in PYTHON2_DICT_METHODS
              and len(node.args) == PYTHON2_DICT_METHODS[node.func.attr] and not node.keywords
              and not (isinstance(node.func.value, ast.Name) and node.func.value.id in imported)
              and (bound is None or node.func.attr not in bound)):
            found.append((node.lineno, 'dict.%s' % node.func.attr))
        elif print_function:
            continue
        elif isinstance(node, ast.BinOp) and _is_print_call(node.left):
            found.append((node.lineno, 'a print statement: print(...) %s ...' % _OPERATORS.get(
                type(node.op), 'with an operator')))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Tuple) and node.value.elts \
                and _is_print_call(node.value.elts[0]):
            found.append((node.lineno, 'a print statement: print(...), ...'))
    return sorted(found)


def _translation(text, path, package):
    """text translated by fissix (see translate) if the translation compiles, else None."""
    from fissix.pgen2.parse import ParseError
    from fissix.pgen2.tokenize import TokenError
    try:
        translation = translate(text, path, package=package)
        compile(translation, path, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
    except (ParseError, TokenError, SyntaxError):
        return None
    return translation


def why_python2(source, path):
    """'PATH, line N: Python 2 (what)' if source (bytes or str of file `path`) is Python 2, else None.

    Raises Python 3's SyntaxError if the file compiles neither as it is nor translated.
    """
    try:
        tree = compile(source, path, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python3_error:
        where = '%s, line %d: Python 2 (%s)' % (path, python3_error.lineno, python3_error.msg)
        require('fissix', where, 'fissix')
        try:
            text = decode(source)
        except (SyntaxError, UnicodeDecodeError):
            raise python3_error from None
        if _translation(text, path, package=False) is None:
            raise  # not Python 2 either: Python 3's own message
        return where
    idioms = python2_idioms(tree)
    if not idioms:
        return None
    line, what = idioms[0]
    return '%s, line %d: Python 2 (%s)' % (path, line, what)


NOTE = ("note: %s: running it translated to Python 3 in memory by fissix (2to3's fixers), with Python 2's "
        "`/` and file writes, and the program's own modules with it; the files are unchanged")


def python3_source(source, path, python2=False):
    """source (bytes or str of file `path`, or of a notebook cell) if Python 3, else its translation (a str).

    A Python 2 source (why_python2) is translated with the note NOTE; with python2=True (a
    part of a Python 2 program) any source is, without a note, unless fissix cannot
    translate it (Python 3 only syntax): that is returned as it is. Raises Python 3's
    SyntaxError if the source compiles neither as it is nor translated.
    """
    if not python2:
        why = why_python2(source, path)
        if why is None:
            return source
        print(NOTE % why, file=sys.stderr)
    require('fissix', '%s: Python 2' % path, 'fissix')
    translation = _translation(decode(source), path, package=False)
    return source if translation is None else translation


def true_division(source):
    """Whether source (Python 2) has `from __future__ import division` (which 2to3's fix_future drops)."""
    from fissix.refactor import _detect_future_features
    return 'division' in _detect_future_features(decode(source))


def python2_operators(tree, true_division=False):
    """The AST of a translated file with Python 2's `/` (unless true_division) and open, via __python2__."""
    return ast.fix_missing_locations(_Python2Operators(tree, true_division).visit(tree))


def translated_tree(source, path, package=False):
    """The module AST of source (Python 2: bytes or str of file `path`) translated, keeping `/` and open.

    A file that fissix cannot translate but Python 3 compiles (Python 3 only syntax, in a
    program of Python 2 files) is Python 3's own tree, unchanged.
    """
    require('fissix', '%s: Python 2' % path, 'fissix')
    translation = _translation(decode(source), path, package)
    if translation is None:
        return ast.parse(source, path)
    return python2_operators(ast.parse(translation, path), true_division(source))


def _runtime(name):
    return ast.Attribute(ast.Name(RUNTIME, ast.Load()), name, ast.Load())


def _simple(node):
    return isinstance(node, (ast.Name, ast.Constant))


class _Python2Operators(ast.NodeTransformer):
    """`a / b` -> __python2__.div(a, b, line); `t /= b` -> t = __python2__.idiv(t, b, line); open."""

    def __init__(self, tree, true_division):
        self.division = not true_division
        bound = _bound_names(tree)
        self.open = bound is not None and 'open' not in bound
        self.temporaries = 0

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if not (self.division and isinstance(node.op, ast.Div)):
            return node
        return ast.copy_location(ast.Call(_runtime('div'), [node.left, node.right, ast.Constant(node.lineno)],
                                          []), node)

    def visit_Name(self, node):
        if self.open and node.id == 'open' and isinstance(node.ctx, ast.Load):
            return ast.copy_location(_runtime('open'), node)
        return node

    def _temporary(self, value, statements):
        """value if it has no side effects, else a fresh name, its assignment added to statements."""
        if _simple(value):
            return value
        self.temporaries += 1
        name = '__python2_target%d__' % self.temporaries
        statements.append(ast.Assign([ast.Name(name, ast.Store())], value))
        return ast.Name(name, ast.Load())

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if not (self.division and isinstance(node.op, ast.Div)):
            return node
        statements = []
        target = node.target
        if isinstance(target, ast.Attribute):
            value = self._temporary(target.value, statements)
            load = ast.Attribute(value, target.attr, ast.Load())
            store = ast.Attribute(value, target.attr, ast.Store())
        elif isinstance(target, ast.Subscript):
            value = self._temporary(target.value, statements)
            index = self._temporary(target.slice, statements)
            load = ast.Subscript(value, index, ast.Load())
            store = ast.Subscript(value, index, ast.Store())
        else:
            load, store = ast.Name(target.id, ast.Load()), target
        call = ast.Call(_runtime('idiv'), [load, node.value, ast.Constant(node.lineno)], [])
        statements.append(ast.Assign([store], call))
        return [ast.copy_location(statement, node) for statement in statements]


def _integral(value):
    """Whether value divided as an integer in Python 2: an int (bool too), NumPy integer or integer array."""
    return isinstance(value, (int, np.integer)) or isinstance(value, np.ndarray) and value.dtype.kind in 'iu'


_noted = []  # the one division note of the process


def _own_operator(a, b, name, reflected):
    """a.<name>(b), else b.<reflected>(a), as Python 2 tried them; NotImplemented if neither has one."""
    for x, y, method in ((a, b, name), (b, a, reflected)):
        function = getattr(type(x), method, None) if method else None
        if function is None:
            continue
        if type(x).__module__.startswith('tensorflow'):
            # TF 1.x's __div__ was not deprecated; TF 2's says it is, about a call the program does not make
            from tensorflow.python.util import deprecation
            with deprecation.silence():
                result = function(x, y)
        else:
            result = function(x, y)
        if result is not NotImplemented:
            return result
    return NotImplemented


class Runtime:
    """__python2__ of a translated file `path`: Python 2's `/`, `/=` and open (see above)."""

    def __init__(self, path):
        self.path = path

    def _note(self, line, a, b):
        if not _noted:
            _noted.append(line)
            print('note: %s, line %d: `/` between integers (%s, %s) floors, as in Python 2; the runner keeps '
                  "Python 2's `/` in this Python 2 program (`from __future__ import division` in a file "
                  'makes it true division there)' % (self.path, line, _kind(a), _kind(b)), file=sys.stderr)

    def div(self, a, b, line):
        """a / b as Python 2 computed it."""
        result = _own_operator(a, b, '__div__', '__rdiv__')
        if result is not NotImplemented:
            if getattr(getattr(result, 'dtype', None), 'is_integer', False):
                self._note(line, a, b)
            return result
        if _integral(a) and _integral(b):
            self._note(line, a, b)
            return a // b
        return a / b

    def idiv(self, a, b, line):
        """a /= b as Python 2 computed it: in place where `a` is an array."""
        result = _own_operator(a, b, '__idiv__', None)
        if result is not NotImplemented:
            return result
        if not isinstance(a, np.ndarray):
            return self.div(a, b, line)
        if _integral(a) and _integral(b):
            self._note(line, a, b)
            return operator.ifloordiv(a, b)
        return operator.itruediv(a, b)

    @staticmethod
    def open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
             opener=None):
        """open() whose text files for writing also take bytes, as Python 2's files took its str."""
        f = builtins.open(file, mode, buffering, encoding, errors, newline, closefd, opener)
        if not isinstance(f, io.TextIOWrapper) or not f.writable():
            return f
        text_file = BytesWritingTextFile(f.buffer, f.encoding, f.errors, newline, f.line_buffering,
                                         f.write_through)
        text_file.mode = f.mode
        f.detach()
        return text_file


def _kind(value):
    return type(value).__name__ if not isinstance(value, np.ndarray) else 'an array of %s' % value.dtype


class BytesWritingTextFile(io.TextIOWrapper):
    """A text file that writes bytes too, as they are, after the text written before them."""

    def write(self, data):
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.flush()
            return self.buffer.write(data)
        return super().write(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)
