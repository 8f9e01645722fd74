"""The program's own files: compiled by the runner, and its own `mnist`.

The program, and each module it imports from its own directory (its input
helpers, its model library, packages there), are compiled by compile_file():
a Python 2 file translated in memory (python2.py), then NumPy 1's removed API
read through __numpy1__ (numpy1.py). The files are never changed, and no
bytecode of a translation is cached.

A program called mnist.py, or one beside its own mnist.py or mnist/ (the
Mechanics 101 layout, the most common name for an MNIST program), imports its
own file as `mnist`: give_mnist_to_the_program() takes this package's modules
out of sys.modules. The runner's modules are all imported by then and keep
their references to each other; none imports `mnist` again. Python itself
imports `mnist` from the current directory before any code of ours runs with
`python -m mnist.tf1`: there, the console script `mnist-tf1` (or `python -P -m
mnist.tf1`, Python 3.11+) runs the program.
"""
import ast
import importlib.abc
import importlib.machinery
import sys

from mnist.tf1 import numpy1, python2


def python3_tree(source, path):
    """The module AST of `source` (the bytes or text of file `path`, or a cell's) as the runner runs it."""
    return numpy1.rewrite(ast.parse(python2.python3_source(source, path), path))


def cell_number(filename):
    """N if `filename` is the file IPython compiled cell In [N] of this kernel as, else None."""
    ipython = sys.modules.get('IPython')  # never imported for a program
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(getattr(shell, 'compile', None), '_filename_map', {}).get(filename)


def source_name(filename):
    """What a note calls the code of file `filename`: `In [N]` for a notebook cell's, else filename."""
    number = cell_number(filename)
    return filename if number is None else 'In [%d]' % number


def compile_file(path):
    """The code object of the program's file `path`, as the runner runs it (see above)."""
    with open(path, 'rb') as f:
        return compile(python3_tree(f.read(), path), path, 'exec', dont_inherit=True)


def run_globals(path):
    """What the runner adds to the globals of the program's module in file `path`."""
    return {'__numpy1__': numpy1.Numpy1Attributes(path)}


class _ProgramFileLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the program compiled by compile_file(), without bytecode caching."""

    def get_code(self, fullname):
        return compile_file(self.get_filename(fullname))

    def exec_module(self, module):
        module.__dict__.update(run_globals(module.__file__))
        super().exec_module(module)


class _ProgramModules(importlib.abc.MetaPathFinder):
    """Finds the modules in the program's directory (and in its packages there) for _ProgramFileLoader."""

    def __init__(self, directory):
        self.directory = directory
        self.packages = set()

    def find_spec(self, fullname, path=None, target=None):
        if path is None:
            spec = importlib.machinery.PathFinder.find_spec(fullname, [self.directory])
        elif fullname.rpartition('.')[0] in self.packages:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        else:
            return None
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return None
        if spec.submodule_search_locations is not None:
            self.packages.add(fullname)
        spec.loader = _ProgramFileLoader(fullname, spec.origin)
        return spec


def install_finder(directory):
    """Makes imports of the modules in `directory` load them compiled by compile_file()."""
    finder = _ProgramModules(directory)
    path_finder = importlib.machinery.PathFinder
    sys.meta_path.insert(sys.meta_path.index(path_finder) if path_finder in sys.meta_path
                         else len(sys.meta_path), finder)


def give_mnist_to_the_program(directory):
    """If `directory` (the program's) has its own mnist.py or mnist/, `import mnist` gives it from now on."""
    spec = importlib.machinery.PathFinder.find_spec('mnist', [directory])
    if spec is None or not spec.has_location:  # a directory mnist/ of data is no module of the program
        return
    for name in [name for name in sys.modules if name == 'mnist' or name.startswith('mnist.')]:
        del sys.modules[name]
