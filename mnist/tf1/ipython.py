"""`%load_ext mnist.tf1`: the runner in a Jupyter kernel, for an old TF 1.x notebook's cells.

load_ipython_extension() does in the kernel what the runner does for a program:
install() (the module map, TF 2 behaviour off), matplotlib's plt.show(fig), the
notebook's directory for its own modules (compiled as the runner compiles a
program's modules), and sys.argv without the kernel's own arguments (a
notebook's tf.app.flags would read `-f KERNEL.json`). Each cell then runs as the
runner runs a program's file:
  - an IPython input transformer translates a Python 2 cell to Python 3 (python2.py), and
    every cell after the first Python 2 one (the notebook is then a Python 2 program);
    it runs after IPython's own, so magics and `!ls` lines are IPython's;
  - an AST transformer reads NumPy 1's removed names through __numpy1__ (numpy1.py) and,
    in a translated cell, gives `/` and open Python 2's meaning through __python2__;
  - the runner's own errors (a removed API, data that cannot be read) are one line
    `error: In [N], line L: ...`; every other exception is IPython's traceback;
  - `%tensorflow_version 1.x` (Colab's magic, which refuses 1.x) is accepted with a note.
The notes name the cell as `In [N]`. If TensorFlow was already imported in the
kernel, nothing is installed and the one line says to restart the kernel.
"""
import os
import sys

from mnist.tf1 import figures, numpy1, program, python2, runner
from mnist.tf1.errors import RunnerError

ARGV_VARIABLE = 'MNIST_TF1_ARGV'  # the notebook's sys.argv[1:], as JSON, from `mnist-tf1 NOTEBOOK.ipynb`
NOTEBOOK_VARIABLE = 'MNIST_TF1_NOTEBOOK'  # the notebook's path, from `mnist-tf1 NOTEBOOK.ipynb`


def notebook_path(shell):
    """The notebook's path as the front end tells it (mnist-tf1, Jupyter Server, VS Code), else None."""
    return (os.environ.get(NOTEBOOK_VARIABLE) or os.environ.get('JPY_SESSION_NAME')
            or shell.user_ns.get('__vsc_ipynb_file__'))


class ImportedBeforeError(RunnerError):
    """TensorFlow was imported in the kernel before the runner was loaded: one line, and nothing installed."""

    def _render_traceback_(self):  # IPython shows an exception that has this as the lines it returns
        return ['error: %s' % self]


class Cells:
    """The transformers that run each cell as the runner runs a program's file."""

    def __init__(self, shell):
        self.shell = shell
        self.numpy1 = numpy1.Numpy1Attributes('a cell')
        self.translated = (None, None)  # (cell, its lines): ipykernel transforms each cell twice
        self.python2 = False  # a cell was Python 2: the notebook is a Python 2 program from then on
        self.true_division = False  # a translated cell had `from __future__ import division`
        self.cell_translated = False

    def label(self):
        return 'In [%d]' % self.shell.execution_count

    def translate_python2(self, lines):
        """IPython's input_transformers_post: a Python 2 cell translated (python2.py), else as it is."""
        source = ''.join(lines)
        if self.translated[0] != source:
            try:
                translated = python2.python3_source(source.encode('utf-8'), self.label(), self.python2)
            except SyntaxError:
                translated = None  # neither Python 3 nor 2: IPython shows Python 3's SyntaxError
            self.cell_translated = isinstance(translated, str)
            if self.cell_translated:
                self.python2 = True
                self.true_division = self.true_division or python2.true_division(source)
            self.translated = (source, lines if not self.cell_translated
                               else translated.splitlines(keepends=True))
        return self.translated[1]

    def visit(self, tree):
        """IPython's AST transformer: NumPy 1's removed names read through __numpy1__; Python 2's `/`."""
        self.numpy1.path = self.label()
        self.shell.user_ns['__numpy1__'] = self.numpy1
        if self.cell_translated:
            self.shell.user_ns[python2.RUNTIME] = python2.Runtime(self.label())
            tree = python2.python2_operators(tree, self.true_division)
        return numpy1.rewrite(tree)

    def cell_line(self, traceback_):
        """'In [N], line L: ' for the innermost frame of a cell in traceback_, else ''."""
        where = ''
        while traceback_ is not None:
            number = program.cell_number(traceback_.tb_frame.f_code.co_filename)
            if number is not None:
                where = 'In [%d], line %d: ' % (number, traceback_.tb_lineno)
            traceback_ = traceback_.tb_next
        return where

    def show_one_line(self, shell, etype, value, traceback_, tb_offset=None):
        """IPython's custom exception handler for runner.ONE_LINE_ERRORS: `error: In [N], line L: message`."""
        line = 'error: %s%s' % (self.cell_line(traceback_), value)
        value._render_traceback_ = lambda: [line]
        shell.showtraceback((etype, value, traceback_))


def tensorflow_version(line):
    """%tensorflow_version 1.x: accepted, the runner gives TF 1.x's API; anything else is one line."""
    from IPython.core.error import UsageError

    import tensorflow
    version = line.strip()
    if version not in ('1.x', '1', '1.15', '1.15.x'):
        raise UsageError('%%tensorflow_version %s: this kernel runs TF 1.x code through mnist.tf1 '
                         '(%%tensorflow_version 1.x); for TensorFlow 2, restart without %%load_ext mnist.tf1'
                         % version)
    print('note: %%tensorflow_version 1.x: TensorFlow %s runs this notebook with the TF 1.x API '
          '(mnist.tf1)' % tensorflow.__version__, file=sys.stderr)


def _program_argv(path):
    """sys.argv for the notebook: its path, then the arguments `mnist-tf1 NOTEBOOK.ipynb ARGS` gave."""
    import json
    return [path or ''] + json.loads(os.environ.get(ARGV_VARIABLE, '[]'))


def load_ipython_extension(shell):
    """`%load_ext mnist.tf1`: see the module docstring."""
    if 'tensorflow' in sys.modules and not runner.installed():
        raise ImportedBeforeError(
            'TensorFlow was imported in this kernel before %load_ext mnist.tf1, so it runs TensorFlow 2: '
            'restart the kernel (Jupyter: Kernel > Restart; Colab: Runtime > Restart session), then run '
            '%load_ext mnist.tf1 before anything imports TensorFlow.')
    runner.install()
    path = notebook_path(shell)
    figures.install(path or 'notebook.ipynb')
    sys.argv = _program_argv(path)
    directory = os.getcwd()
    program.install_finder(directory)
    program.give_mnist_to_the_program(directory)
    cells = Cells(shell)
    shell.input_transformers_post.append(cells.translate_python2)
    shell.ast_transformers.append(cells)
    shell.set_custom_exc(runner.ONE_LINE_ERRORS, cells.show_one_line)
    shell.register_magic_function(tensorflow_version, 'line')

