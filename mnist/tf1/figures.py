"""matplotlib under the runner: pyplot.show as old programs call it, and no picture lost without a display.

- plt.show(fig), plt.show(True): matplotlib 1.x and 2.x read a positional argument
  as `block` (a figure meant block, as by default); matplotlib 3 refuses it
  (`_Backend.show() takes 1 positional argument but 2 were given`). The
  runner's show() takes it as old matplotlib did.
- Where the backend cannot show a figure (no DISPLAY, MPLBACKEND=Agg, ...),
  show() saves each open figure as PROGRAM_figure<N>.png next to the program
  (or in the directory `--figures DIR` names), numbering them across the run,
  prints one line `note: figure saved: PATH` on stderr for each, and closes
  them, as closing their windows would. A --figures DIR that is a file or cannot be
  made is one line before the program starts (make_directory()).
install() patches pyplot when the program first imports it; nothing is imported before.
"""
import importlib.abc
import importlib.util
import os
import sys

from mnist.tf1.errors import FiguresDirectoryError


def _non_interactive(matplotlib):
    """True if matplotlib's backend cannot show a figure on a screen (Agg, PDF, SVG, ...)."""
    backend = matplotlib.get_backend().lower()
    try:
        from matplotlib.backends import BackendFilter, backend_registry
        return backend in backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)
    except ImportError:  # matplotlib before 3.9
        return backend in [name.lower() for name in matplotlib.rcsetup.non_interactive_bk]


def make_directory(directory):
    """Makes `directory` (and its parents) if missing; FiguresDirectoryError, one line, if it cannot be."""
    try:
        os.makedirs(directory, exist_ok=True)
    except FileExistsError:
        raise FiguresDirectoryError('--figures %s: that is a file; a directory is expected'
                                    % directory) from None
    except OSError as e:
        raise FiguresDirectoryError('--figures %s: cannot make that directory (%s)'
                                    % (directory, e.strerror or e)) from None


class FigureSaver:
    """Saves shown figures as <directory>/<program name>_figure<N>.png."""

    def __init__(self, program_path, directory=None):
        self.directory = directory or os.path.dirname(os.path.abspath(program_path))
        self.prefix = os.path.splitext(os.path.basename(program_path))[0] + '_figure'
        self.saved = 0

    def save_open_figures(self, pyplot):
        make_directory(self.directory)
        for number in pyplot.get_fignums():
            self.saved += 1
            path = os.path.join(self.directory, '%s%d.png' % (self.prefix, self.saved))
            pyplot.figure(number).savefig(path)
            print('note: figure saved: %s' % path, file=sys.stderr)
        pyplot.close('all')

    def patch(self, pyplot):
        """Replaces pyplot.show by one that takes old positional arguments and saves without a display."""
        import matplotlib
        show = pyplot.show

        def show_as_before(*args, **kwargs):
            if args and isinstance(args[0], bool):
                kwargs.setdefault('block', args[0])
            if _non_interactive(matplotlib):
                self.save_open_figures(pyplot)
            else:
                show(**kwargs)

        show_as_before.__doc__ = show.__doc__
        pyplot.show = show_as_before


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    """Lets `name` be imported as usual, then calls patch(module)."""

    def __init__(self, name, patch):
        self.name = name
        self.patch = patch

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)  # from here on the real finders find it
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_patch(module):
            exec_module(module)
            self.patch(module)
        spec.loader.exec_module = exec_then_patch
        return spec


def install(program_path, directory=None):
    """Patches matplotlib.pyplot (now, or when the program imports it) for the program at program_path."""
    saver = FigureSaver(program_path, directory)
    if 'matplotlib.pyplot' in sys.modules:
        saver.patch(sys.modules['matplotlib.pyplot'])
    else:
        sys.meta_path.insert(0, _PatchAfterImport('matplotlib.pyplot', saver.patch))
    return saver
