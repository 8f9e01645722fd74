"""The program's own files: compiled by the runner, its own `mnist`, and the tutorials' `input_data`.

The program, and each module it imports from its own directory (its input
helpers, its model library, packages and namespace folders there), are
compiled by compile_file(): NumPy 1's removed API read through __numpy1__
(numpy1.py), and, in a Python 2 program, translated in memory with Python 2's
`/` and files (python2.py). A program is Python 2 as a whole
(python2_program()): when its file, or any module of its own it imports
(followed through their imports), is Python 2, all of them are translated, as
2to3 translates a project. The files are never changed, and no bytecode of a
translation is cached.

The tutorials' `input_data`: TF 0.x's tutorial had readers download
input_data.py beside their program. `import input_data` with no such module
gives mnist.input_data, and a module of the program, under any name, that is
a copy of the tutorials' (is_tutorials_input_data: its functions, DataSet's
methods and read_data_sets' parameters and defaults are the tutorials', of
any release 2015-2018; or, named input_data, it only imports read_data_sets
from TensorFlow, as the tutorials' file did from 2016 on) is replaced by
mnist.input_data, each with one note naming the file.
A different loader of the program's own stays its own.

A program called mnist.py, or one beside its own mnist.py or mnist/ (the
Mechanics 101 layout, the most common name for an MNIST program), imports its
own file as `mnist`: give_mnist_to_the_program() takes this package's `mnist`
out of sys.modules (and its submodules the program's own package also has).
The runner's modules stay in sys.modules under their names, so the program's
objects of mnist.input_data pickle. Python itself imports `mnist` from the
current directory before any code of ours runs with `python -m mnist.tf1`:
there, the console script `mnist-tf1` (or `python -P -m mnist.tf1`, Python
3.11+) runs the program.
"""
import ast
import importlib.abc
import importlib.machinery
import os
import sys

from mnist import input_data
from mnist.tf1 import numpy1
from mnist.tf1.python2 import NOTE, RUNTIME, Runtime, decode, guarded, translate, translated_tree, why_python2


def python3_tree(source, path, python2=False, package=False):
    """The module AST of `source` (bytes or text of file `path`, or of a notebook cell) as the runner runs it.

    python2=True: part of a Python 2 program, translated whatever it holds. Otherwise it is
    translated if it is Python 2 itself (python2.why_python2), with a note. `tree.python2` says
    whether it was. package: the file is a module of a package (see python2.translate).
    """
    if not python2:
        why = why_python2(source, path)
        if why:
            print(NOTE % why, file=sys.stderr)
            python2 = True
    tree = translated_tree(source, path, package) if python2 else ast.parse(source, path)
    tree = numpy1.rewrite(tree)
    tree.python2 = python2
    return tree


def cell_number(filename):
    """N if `filename` is the file IPython compiled cell In [N] of this kernel as, else None."""
    ipython = sys.modules.get('IPython')  # never imported for a program
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(getattr(shell, 'compile', None), '_filename_map', {}).get(filename)


def source_name(filename):
    """What a note calls the code of file `filename`: `In [N]` for a notebook cell's, else filename."""
    number = cell_number(filename)
    return filename if number is None else 'In [%d]' % number


def compile_file(path, python2=False, package=False):
    """The code object of the program's file `path`, as the runner runs it (see python3_tree)."""
    with open(path, 'rb') as f:
        return compile(python3_tree(f.read(), path, python2, package), path, 'exec', dont_inherit=True)


def run_globals(path):
    """What the runner adds to the globals of the program's module in file `path`."""
    return {'__numpy1__': numpy1.Numpy1Attributes(path), RUNTIME: Runtime(path)}


def _inside(path, directory):
    """Whether `path` is in `directory` or below it."""
    path, directory = os.path.abspath(path), os.path.abspath(directory)
    try:
        return os.path.commonpath([path, directory]) == directory
    except ValueError:  # on two Windows drives
        return False


def _own_modules(fullname, directory):
    """(file, package) of each module on the way to `fullname` that is a file of the program's `directory`."""
    found = []
    locations = [directory]
    parts = fullname.split('.')
    if parts[0] in sys.stdlib_module_names:
        return found
    for i in range(len(parts)):
        name = '.'.join(parts[:i + 1])
        spec = importlib.machinery.PathFinder.find_spec(name, locations)
        if spec is None:
            break
        is_package = spec.submodule_search_locations is not None
        if spec.origin and spec.origin.endswith('.py') and _inside(spec.origin, directory):
            found.append((spec.origin, name if is_package else name.rpartition('.')[0]))
        if not is_package:
            break
        locations = [location for location in spec.submodule_search_locations if _inside(location, directory)]
    return found


def _imports(tree, package):
    """The full names of the modules a module of `package` ('' for a top-level one) imports, but
    for those it imports only under a version test (`if sys.version_info[0] == 2:`)."""
    guarded_nodes = guarded(tree, try_bodies=False)
    for node in ast.walk(tree):
        if id(node) in guarded_nodes:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split('.') if package else []
                if node.level - 1 >= len(parts):
                    continue
                base = '.'.join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            yield base
            yield from (base + '.' + alias.name for alias in node.names if alias.name != '*')


def _python3_finds(name, directory):
    """Whether Python 3 imports `name` as it stands: from the standard library, the program's
    directory or an installed package (a top-level name, found without importing it)."""
    top = name.partition('.')[0]
    return top in sys.stdlib_module_names or importlib.machinery.PathFinder.find_spec(
        top, [directory] + sys.path) is not None


def python2_program(path):
    """python2.why_python2 of the first Python 2 file of the program at `path` and the own modules it imports.

    None if there is none. Raises Python 3's SyntaxError for the program's file itself if it
    compiles neither as it is nor translated; a module of its that does not compile is left
    to its import.
    """
    directory = os.path.dirname(os.path.abspath(path))
    pending, seen = [(path, '')], set()
    while pending:
        file, package = pending.pop(0)
        if os.path.abspath(file) in seen:
            continue
        seen.add(os.path.abspath(file))
        with open(file, 'rb') as f:
            source = f.read()
        try:
            why = why_python2(source, file)
        except SyntaxError:
            if file == path:
                raise
            continue
        if why:
            return why
        names = list(_imports(ast.parse(source, file), package))
        if package:  # Python 2's implicit relative imports: `import sibling` that Python 3 cannot find
            names += [package + '.' + name for name in names if not _python3_finds(name, directory)]
        for name in names:
            for own in _own_modules(name, directory):
                if not is_tutorials_input_data(own[0]):
                    pending.append(own)
    return None


# The tutorials' input_data.py (TF 0.5 to 1.x, and contrib.learn's datasets/mnist.py it became):
# the names it defines, those every release had, DataSet's methods, and read_data_sets' defaults.
TUTORIALS_INPUT_DATA = {'maybe_download', '_maybe_download', '_read32', 'extract_images', 'extract_labels',
                        'dense_to_one_hot', 'DataSet', 'read_data_sets', 'load_mnist'}
TUTORIALS_INPUT_DATA_CORE = {'_read32', 'extract_images', 'extract_labels', 'DataSet', 'read_data_sets'}
TUTORIALS_DATASET_METHODS = {'__init__', 'images', 'labels', 'num_examples', 'epochs_completed', 'next_batch'}
TUTORIALS_PARAMETERS = {
    'read_data_sets': {'train_dir', 'fake_data', 'one_hot', 'dtype', 'reshape', 'validation_size', 'seed',
                       'source_url'},
    'next_batch': {'self', 'batch_size', 'fake_data', 'shuffle'},
}
TUTORIALS_READ_DATA_SETS_DEFAULTS = {'fake_data': False, 'one_hot': False, 'reshape': True,
                                     'validation_size': 5000, 'seed': None}


def _parse_any(source, path):
    """The module AST of source, Python 3 or 2; None if it is neither."""
    try:
        return ast.parse(source, path)
    except SyntaxError:
        pass
    try:
        return ast.parse(translate(decode(source), path))
    except Exception:  # noqa: BLE001 (any parse error of fissix's, or fissix missing: not a copy we can read)
        return None


def _parameters(function):
    """The names of the parameters of an ast.FunctionDef."""
    arguments = function.args
    return {arg.arg for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}


def _defaults(function):
    """{parameter: its default, where that is a literal} of an ast.FunctionDef."""
    positional = function.args.posonlyargs + function.args.args
    pairs = list(zip(positional[len(positional) - len(function.args.defaults):], function.args.defaults))
    pairs += [(arg, default) for arg, default in zip(function.args.kwonlyargs, function.args.kw_defaults)
              if default is not None]
    defaults = {}
    for arg, default in pairs:
        try:
            defaults[arg.arg] = ast.literal_eval(default)
        except ValueError:
            continue
    return defaults


def _reexports_read_data_sets(tree):
    """Whether a module only imports, read_data_sets from TensorFlow among them (input_data.py, 2016-2018)."""
    body = [node for node in tree.body
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]  # its docstring
    return all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in body) and any(
        isinstance(node, ast.ImportFrom) and (node.module or '').startswith('tensorflow.')
        and any(alias.name == 'read_data_sets' for alias in node.names) for node in body)


def is_tutorials_input_data(path):
    """Whether the file at `path` is a copy of the tutorials' input_data.py (see the module docstring)."""
    with open(path, 'rb') as f:
        source = f.read()
    if b'read_data_sets' not in source:
        return False
    tree = _parse_any(source, path)
    if tree is None:
        return False
    if _reexports_read_data_sets(tree):
        return os.path.basename(path) == 'input_data.py'
    defined = {node.name: node for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    if not TUTORIALS_INPUT_DATA_CORE <= set(defined) <= TUTORIALS_INPUT_DATA:
        return False
    methods = {node.name: node for node in defined['DataSet'].body if isinstance(node, ast.FunctionDef)}
    if not set(methods) <= TUTORIALS_DATASET_METHODS or 'next_batch' not in methods:
        return False
    read_data_sets = defined['read_data_sets']
    for function in (read_data_sets, methods['next_batch']):
        if not isinstance(function, ast.FunctionDef) or not _parameters(function) <= TUTORIALS_PARAMETERS[
                function.name]:
            return False
    if read_data_sets.args.args[0].arg != 'train_dir':
        return False
    defaults = _defaults(read_data_sets)
    return all(defaults[name] == value for name, value in TUTORIALS_READ_DATA_SETS_DEFAULTS.items()
               if name in defaults)


class _ExistingModule(importlib.abc.Loader):
    """Loads an existing module (mnist.input_data) under the name a program imports, its own spec kept."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        self.spec = self.module.__spec__
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.spec  # importlib set it to the program's name's spec


def _tutorials_input_data_spec(fullname, note):
    print(note, file=sys.stderr)
    return importlib.machinery.ModuleSpec(fullname, _ExistingModule(input_data))


class _ProgramFileLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the program compiled by compile_file(), without bytecode caching."""

    def __init__(self, fullname, path, python2):
        super().__init__(fullname, path)
        self.python2 = python2

    def get_code(self, fullname):
        in_a_package = '.' in fullname or self.is_package(fullname)
        return compile_file(self.get_filename(fullname), self.python2, in_a_package)

    def exec_module(self, module):
        module.__dict__.update(run_globals(module.__file__))
        super().exec_module(module)


class _ProgramModules(importlib.abc.MetaPathFinder):
    """Finds the modules of the program's directory (packages, namespace folders) for _ProgramFileLoader."""

    def __init__(self, directory, python2):
        self.directory = directory
        self.python2 = python2
        self.packages = set()

    def find_spec(self, fullname, path=None, target=None):
        if path is None:
            spec = importlib.machinery.PathFinder.find_spec(fullname, [self.directory])
        elif fullname.rpartition('.')[0] in self.packages:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        else:
            return None
        if spec is None:
            return None
        if spec.origin is None and spec.submodule_search_locations is not None:  # a namespace folder
            if any(_inside(location, self.directory) for location in spec.submodule_search_locations):
                self.packages.add(fullname)
            return None  # Python's own import makes the namespace package
        if (type(spec.loader) is not importlib.machinery.SourceFileLoader
                or not _inside(spec.origin, self.directory)):
            return None
        if spec.submodule_search_locations is None and is_tutorials_input_data(spec.origin):
            return _tutorials_input_data_spec(fullname, (
                "note: %s: a copy of the TF tutorials' input_data.py; running mnist.input_data in its place "
                '(the same functions, reading the same files)' % spec.origin))
        if spec.submodule_search_locations is not None:
            self.packages.add(fullname)
        spec.loader = _ProgramFileLoader(fullname, spec.origin, self.python2)
        return spec


def _importing_line():
    """'FILE, line N' of the code running the import statement now being served."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename.startswith('<frozen')
                                 or frame.f_code.co_filename == __file__):
        frame = frame.f_back
    return 'an import' if frame is None else '%s, line %d' % (frame.f_code.co_filename, frame.f_lineno)


class _TutorialsInputData(importlib.abc.MetaPathFinder):
    """`import input_data` where no input_data module is found: the tutorials' (mnist.input_data)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != 'input_data':
            return None
        return _tutorials_input_data_spec(fullname, (
            "note: %s: import input_data: the program has no input_data.py; using the TF tutorials' "
            'input_data, mnist.input_data' % _importing_line()))


def install_finder(directory, python2=False):
    """Makes imports of the modules in `directory` load them as compile_file() compiles them (python2: all).

    Also makes `import input_data` give the tutorials' where the program has none.
    """
    finder = _ProgramModules(directory, python2)
    path_finder = importlib.machinery.PathFinder
    sys.meta_path.insert(sys.meta_path.index(path_finder) if path_finder in sys.meta_path
                         else len(sys.meta_path), finder)
    if not any(isinstance(finder, _TutorialsInputData) for finder in sys.meta_path):
        sys.meta_path.append(_TutorialsInputData())


def give_mnist_to_the_program(directory):
    """If `directory` (the program's) has its own mnist.py or mnist/, `import mnist` gives it from now on."""
    spec = importlib.machinery.PathFinder.find_spec('mnist', [directory])
    if spec is None or not spec.has_location:  # a directory mnist/ of data is no module of the program
        return
    own = spec.submodule_search_locations  # the program's package's folders; None for its mnist.py
    for name in [name for name in sys.modules if name.startswith('mnist.')]:
        child = '.'.join(name.split('.')[:2])
        if own is not None and importlib.machinery.PathFinder.find_spec(child, list(own)) is not None:
            del sys.modules[name]
    del sys.modules['mnist']
