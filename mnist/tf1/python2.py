"""Python 2 programs: translated to Python 3 in memory by fissix (2to3's fixers), the file untouched.

A program that Python 3 cannot compile, and that compiles once 2to3's fixers
have rewritten it (print statements, xrange, dict.iteritems, `except E, e`,
...), is Python 2: the runner runs the translation and says so in one note on
stderr naming the first Python 2 construct and its line. fissix is the
maintained fork of lib2to3, which Python 3.13 removed; it comes with
`pip install -e ".[tf1]"`. What 2to3 does not change, neither does the
runner: `/` between integers gives a float in Python 3.
"""
import sys

from mnist.tf1.errors import require


def translate(source, path):
    """source (Python 2) rewritten by all of 2to3's fixers, as a string; fissix's ParseError if it cannot."""
    from fissix import refactor
    tool = refactor.RefactoringTool(refactor.get_fixers_from_package('fissix.fixes'))
    return str(tool.refactor_string(source if source.endswith('\n') else source + '\n', path))


def python3_source(source, path):
    """source (the bytes of file `path`) if it compiles as Python 3, else its translation (a str) and a note.

    Raises Python 3's SyntaxError if the translation does not compile either.
    """
    try:
        compile(source, path, 'exec', dont_inherit=True)
        return source
    except SyntaxError as e:
        python3_error = e
    where = '%s, line %d: Python 2 (%s)' % (path, python3_error.lineno, python3_error.msg)
    require('fissix', where, 'fissix')
    from fissix.pgen2.parse import ParseError
    from fissix.pgen2.tokenize import TokenError
    try:
        translation = translate(source.decode('utf-8'), path)
        compile(translation, path, 'exec', dont_inherit=True)
    except (ParseError, TokenError, SyntaxError, UnicodeDecodeError):
        raise python3_error from None  # not Python 2 either: Python 3's own message
    print("note: %s: running it translated to Python 3 in memory by fissix (2to3's fixers); "
          'the file is unchanged' % where, file=sys.stderr)
    return translation
