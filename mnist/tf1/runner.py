"""The runner: `python -m mnist.tf1 PROGRAM.py [args]` runs a TF 1.x program as __main__.

install() sets TF_USE_LEGACY_KERAS=1 (tf.keras, tf.layers, tf.nn.rnn_cell are
then Keras 2, from tf-keras), imports TensorFlow, switches TF 2 behaviour off
without printing TensorFlow's deprecation warnings about that, and installs the
module map of modules.py, and reads NumPy integer scalars as NumPy 1 programs
expect (numpy1.py). run_script() runs the program with its own sys.argv, it and
its own modules compiled by program.py (a Python 2 program translated, NumPy 1's
removed API provided), its own mnist.py as its `mnist`, and multiprocessing's
children started as the runner starts it.
main() reports the runner's errors (RunnerError) and data that cannot be
read or downloaded (input_data's DataFileError and DownloadError: the
environment's problem, not the program's) as one line `error: ...` naming the
program's line, and the program's own exceptions as `python PROGRAM.py` would:
its traceback, without the runner's frames, and exit status 1.
"""
import builtins
import json
import os
import sys
import traceback
import types

from mnist import input_data
from mnist.tf1 import figures, program, python2
from mnist.tf1.errors import ProgramNotFoundError, RunnerError

USAGE = ('usage: mnist-tf1 [--figures DIR] PROGRAM.py [program args...]  (or python -m mnist.tf1 ...)\n'
         '       mnist-tf1 [--output OUT.ipynb] NOTEBOOK.ipynb [notebook args...]\n'
         '       mnist-tf1 --install-kernel [--user | --sys-prefix | --prefix DIR] [--name NAME] '
         '[--display-name NAME]\n'
         '  --figures DIR  where figures the program shows are saved when there is no display '
         '(default: next to the program)\n'
         '  --output OUT.ipynb  where the executed notebook is written (default: NOTEBOOK.tf1.ipynb)\n'
         '  --install-kernel  registers the Jupyter kernel "TensorFlow 1.x (mnist-tf1)" '
         '(as `python -m ipykernel install`)')
OPTIONS = ('--figures', '--output')
# The runner's own errors and the data's: one `error:` line, not a traceback.
ONE_LINE_ERRORS = (RunnerError, input_data.DataFileError, input_data.DownloadError)
_installed = []


def install():
    """Makes `import tensorflow` give the TF 1.x API in this process, and maps the removed modules.

    Call it before the program's first `import tensorflow` (in a notebook, before
    the notebook's own). It switches TF 2 behaviour off for the whole process.
    """
    if _installed:
        return
    # Read when tf.keras / tf.layers are first used; set before TensorFlow loads to be sure.
    os.environ['TF_USE_LEGACY_KERAS'] = '1'
    from mnist.tf1 import modules, numpy1

    import tensorflow
    from tensorflow.python.util import deprecation
    with deprecation.silence():  # the warnings would be about this call, not about the program
        tensorflow.compat.v1.disable_v2_behavior()
    modules.install(tensorflow)
    numpy1.install()
    _installed.append(True)


def installed():
    """True once install() has run in this process."""
    return bool(_installed)


def run_script(path, args, figures_dir=None):
    """Runs the program at `path` as __main__ with sys.argv = [path] + args, under install().

    The program and the modules it imports from its own directory run as program.py
    compiles them (a Python 2 file translated, NumPy 1's removed API provided), and its
    own mnist.py or mnist/ is its `mnist`. Figures it shows where there is no display
    are saved in figures_dir, default next to it (figures.py).
    """
    if not os.path.isfile(path):
        raise ProgramNotFoundError('%s: no such program file' % path)
    if figures_dir is not None:
        figures.make_directory(figures_dir)
    why_python2 = program.python2_program(path)
    if why_python2:
        print(python2.NOTE % why_python2, file=sys.stderr)
    code = _prepare(path, figures_dir, bool(why_python2))
    sys.argv = [path] + list(args)
    _start_children_as_the_runner(path, figures_dir, bool(why_python2))
    _run_as_main(code, path)


def _prepare(path, figures_dir, python2):
    """install(), the program's own modules, mnist and figures as run_script() sets them; returns its code."""
    code = program.compile_file(path, python2)
    install()
    figures.install(path, figures_dir)
    directory = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, directory)
    program.install_finder(directory, python2)
    program.give_mnist_to_the_program(directory)
    return code


CHILD_ENVIRONMENT = 'MNIST_TF1_PROGRAM'  # [program path, figures_dir, python2] for the children (JSON)


def _start_children_as_the_runner(path, figures_dir, python2):
    """Makes multiprocessing's 'spawn' and 'forkserver' children run the program's module under the runner.

    Python starts such a child with the parent's __main__ file run again (as __mp_main__,
    by runpy) in a plain interpreter: a TF 1.x or Python 2 program stops there. Its
    preparation data names mnist.tf1.child instead, which does what run_script() does and
    runs the program as __mp_main__; 'fork' children are copies of the runner's process.
    """
    from multiprocessing import spawn
    os.environ[CHILD_ENVIRONMENT] = json.dumps([os.path.abspath(path), figures_dir, python2])
    directory = os.path.dirname(os.path.abspath(path))
    get_preparation_data = spawn.get_preparation_data

    def preparation_data(name):
        data = get_preparation_data(name)
        if getattr(sys.modules['__main__'], '__file__', None) == path and 'init_main_from_path' in data:
            del data['init_main_from_path']
            data['init_main_from_name'] = 'mnist.tf1.child'
            # the program's directory comes back in the child after this package is imported: it may
            # hold the program's own mnist.py
            data['sys_path'] = [entry for entry in data['sys_path'] if entry != directory]
        return data

    spawn.get_preparation_data = preparation_data


def run_child_main(namespace):
    """Runs the program as the module whose globals are `namespace` (__mp_main__) in a child (see above)."""
    path, figures_dir, python2 = json.loads(os.environ[CHILD_ENVIRONMENT])
    code = _prepare(path, figures_dir, python2)
    for name in [name for name in namespace if not name.startswith('__')]:
        del namespace[name]
    namespace.update(__file__=path, __doc__=None, __builtins__=builtins, **program.run_globals(path))
    sys.argv[0] = path  # runpy gave it the name of mnist/tf1/child.py; it restores the parent's after
    exec(code, namespace)


def _run_as_main(code, path):
    """Runs code as the module __main__ of file `path`, as runpy.run_path runs a file."""
    main_module = types.ModuleType('__main__')
    main_module.__file__ = path
    main_module.__builtins__ = builtins
    main_module.__dict__.update(program.run_globals(path))
    previous = sys.modules['__main__']
    sys.modules['__main__'] = main_module
    try:
        exec(code, main_module.__dict__)
    finally:
        sys.modules['__main__'] = previous


def _program_frames(traceback_, path):
    """The traceback from the program's first frame on (None if it has none): the runner's frames cut."""
    path = os.path.abspath(path)
    while traceback_ is not None and os.path.abspath(traceback_.tb_frame.f_code.co_filename) != path:
        traceback_ = traceback_.tb_next
    return traceback_


def _where(traceback_, path):
    """'PROGRAM.py, line N: ' for the innermost frame of the program in traceback_, else ''."""
    line = None
    for frame, lineno in traceback.walk_tb(_program_frames(traceback_, path)):
        if os.path.abspath(frame.f_code.co_filename) == os.path.abspath(path):
            line = lineno
    return '' if line is None else '%s, line %d: ' % (path, line)


def install_kernel_main(argv):
    """mnist-tf1 --install-kernel [options]: registers the kernel; returns the exit status."""
    import argparse

    from mnist.tf1 import notebook
    parser = argparse.ArgumentParser(prog='mnist-tf1 --install-kernel',
                                     description='Registers the Jupyter kernel that runs TF 1.x notebooks.')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--user', action='store_true', help='for this user only (default: system-wide)')
    where.add_argument('--sys-prefix', action='store_true', help='in this Python environment (sys.prefix)')
    where.add_argument('--prefix', help='under this prefix (PREFIX/share/jupyter/kernels)')
    parser.add_argument('--name', default=notebook.KERNEL_NAME, help='the kernel name (default: %(default)s)')
    parser.add_argument('--display-name', default=notebook.DISPLAY_NAME,
                        help='the name Jupyter shows (default: %(default)s)')
    options = parser.parse_args(argv)
    try:
        path = notebook.install_kernel(options.name, options.display_name, user=options.user,
                                       prefix=sys.prefix if options.sys_prefix else options.prefix)
    except (RunnerError, OSError) as e:
        print('error: --install-kernel: %s' % e, file=sys.stderr)
        return 1
    print('Installed kernelspec %s in %s' % (options.name, path))
    return 0


def _options(argv):
    """({option: value} of the leading options, the rest of argv); None for an option without its value."""
    options = {}
    while argv and argv[0] in OPTIONS:
        if len(argv) < 3:
            return None, argv
        options[argv[0]], argv = argv[1], argv[2:]
    return options, argv


def main(argv=None):
    """Runs argv[0] with arguments argv[1:]; returns the exit status (SystemExit passes through)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ('-h', '--help'):
        import mnist.tf1
        print(USAGE + '\n\n' + mnist.tf1.__doc__)
        return 0 if argv else 2
    if argv[0] == '--install-kernel':
        return install_kernel_main(argv[1:])
    options, argv = _options(argv)
    if options is None:
        print(USAGE, file=sys.stderr)
        return 2
    path = argv[0]
    is_notebook = path.endswith('.ipynb')
    misplaced = '--figures' if is_notebook else '--output'
    if misplaced in options:
        print('error: %s is for %s; %s' % (misplaced, 'programs' if is_notebook else 'notebooks',
              "a notebook's figures are in its executed copy" if is_notebook
              else 'a program writes its own files'), file=sys.stderr)
        return 2
    try:
        if is_notebook:
            from mnist.tf1 import notebook
            notebook.run_notebook(path, argv[1:], options.get('--output'))
        else:
            run_script(path, argv[1:], options.get('--figures'))
    except ONE_LINE_ERRORS as e:
        print('error: %s%s' % (_where(e.__traceback__, path), e), file=sys.stderr)
        return getattr(e, 'exit_status', 1)
    except (Exception, KeyboardInterrupt) as e:
        traceback.print_exception(type(e), e, _program_frames(e.__traceback__, path))
        return 130 if isinstance(e, KeyboardInterrupt) else 1
    return 0
