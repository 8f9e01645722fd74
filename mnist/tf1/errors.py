"""The runner's own errors: each is printed as one line `error: ...` and exits 1.

RunnerError is their common base. The subclasses also derive from the
built-in error a TF 1.x program would expect (ImportError for a module it
cannot have), so a program's own `except ImportError:` still works. require() imports an optional package
of the runner or raises MissingPackageError naming the construct that needs it.
"""
import importlib

PIP_EXTRA = 'pip install -e ".[tf1]"'


class RunnerError(Exception):
    """An error of the runner, not of the program: one line, exit status 1."""


class ProgramNotFoundError(RunnerError, FileNotFoundError):
    """The program file given to the runner does not exist."""


class FiguresDirectoryError(RunnerError, OSError):
    """The directory --figures names is a file, or cannot be made."""


class RemovedInTF2Error(RunnerError, ImportError):
    """A TF 1.x API that TensorFlow 2 removed and the runner does not provide."""


class MissingPackageError(RunnerError, ImportError):
    """A construct needs an optional package (tf-keras, tf-slim) that is not installed."""


def removed(name, provided):
    """Returns RemovedInTF2Error for `name` (a tensorflow.* or tf.* name); `provided` says what is mapped."""
    return RemovedInTF2Error('%s was removed in TensorFlow 2 and this runner does not provide it; %s'
                             % (name.replace('tensorflow.', 'tf.', 1), provided))


def require(module_name, construct, package):
    """Imports and returns module_name, or raises MissingPackageError naming construct and package."""
    try:
        return importlib.import_module(module_name)
    except ImportError as e:
        if (e.name or '').split('.')[0] != module_name.split('.')[0]:
            raise  # the package is there but broken: its own traceback says more
        raise MissingPackageError('%s needs the %s package, which is not installed: %s'
                                  % (construct, package, PIP_EXTRA)) from None
