"""Python 2 programs: translated to Python 3 in memory by fissix (2to3's fixers), the file untouched.

A file is Python 2 when Python 3 cannot compile it and it compiles once 2to3's
fixers have rewritten it (print statements, `except E, e`, ...), or when
Python 3 compiles it but it uses what only Python 2 had: a builtin Python 3
dropped (`xrange`, `raw_input`, `unicode`, ...) that the file never defines or
imports, a dict's `iteritems()` or `has_key()`, or the print statement of a
file without `from __future__ import print_function` written as a call
(`print("%d") % n`, `print("a"), b`), which Python 3 runs as something else.
The runner runs the translation and says so in one note on stderr naming the
first Python 2 construct and its line. fissix is the maintained fork of
lib2to3, which Python 3.13 removed; it comes with `pip install -e ".[tf1]"`.
What 2to3 does not change, neither does the runner: `/` between integers
gives a float in Python 3.
"""
import ast
import sys

from mnist.tf1.errors import require

PYTHON2_BUILTINS = ('xrange', 'raw_input', 'unicode', 'basestring', 'unichr', 'long', 'execfile')
PYTHON2_DICT_METHODS = ('iteritems', 'iterkeys', 'itervalues', 'has_key')
_OPERATORS = {ast.Mod: '%', ast.Add: '+', ast.Mult: '*'}  # a print statement's, for the note


def translate(source, path, print_statement=True):
    """source (Python 2) rewritten by all of 2to3's fixers, as a string; fissix's ParseError if it cannot.

    With print_statement False, `print` is read as the function it is in Python 3.
    """
    from fissix import refactor
    tool = refactor.RefactoringTool(refactor.get_fixers_from_package('fissix.fixes'),
                                    {'print_function': not print_statement})
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


def _is_print_call(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'print'


def python2_idioms(tree):
    """The Python 2 constructs of a module that Python 3 compiles: (line, what), in the order of the file."""
    found = []
    bound = _bound_names(tree)
    print_function = any(isinstance(node, ast.ImportFrom) and node.module == '__future__'
                         and any(alias.name == 'print_function' for alias in node.names)
                         for node in tree.body)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in PYTHON2_BUILTINS
                and bound is not None and node.id not in bound):
            found.append((node.lineno, node.id))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in PYTHON2_DICT_METHODS):
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



def _translation(source, path, where, print_statement=True):
    """source translated by fissix (see translate) if the translation compiles, else None."""
    require('fissix', where, 'fissix')
    from fissix.pgen2.parse import ParseError
    from fissix.pgen2.tokenize import TokenError
    try:
        translation = translate(source.decode('utf-8'), path, print_statement)
        compile(translation, path, 'exec', dont_inherit=True)
    except (ParseError, TokenError, SyntaxError, UnicodeDecodeError):
        return None
    print("note: %s: running it translated to Python 3 in memory by fissix (2to3's fixers); "
          'the file is unchanged' % where, file=sys.stderr)
    return translation


def python3_source(source, path):
    """source (the bytes of file `path`) if it is Python 3, else its translation (a str), with a note.

    Raises Python 3's SyntaxError if the file compiles neither as it is nor translated.
    """
    try:
        tree = compile(source, path, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python3_error:
        translation = _translation(source, path, '%s, line %d: Python 2 (%s)'
                                   % (path, python3_error.lineno, python3_error.msg))
        if translation is None:
            raise  # not Python 2 either: Python 3's own message
        return translation
    idioms = python2_idioms(tree)
    if not idioms:
        return source
    line, what = idioms[0]
    print_statement = any(what.startswith('a print statement') for _, what in idioms)
    where = '%s, line %d: Python 2 (%s)' % (path, line, what)
    translation = _translation(source, path, where, print_statement)
    return source if translation is None else translation  # else Python 3 as it stands, run so
