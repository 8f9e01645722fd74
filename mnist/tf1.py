"""Run an unmodified TF 1.x MNIST program on TensorFlow 2: `python -m mnist.tf1 SCRIPT.py [args]`.

Inside the runner (or after `mnist.tf1.install()` in a notebook):
- `import tensorflow as tf` gives the TF 1.x API: tf.compat.v1, with TF 2
  behaviour (eager execution, v2 control flow, ...) switched off;
- `tensorflow.examples.tutorials.mnist.input_data` is mnist.input_data, and
  `tensorflow.examples.tutorials.mnist.mnist` is mnist.fully_connected (the
  Mechanics 101 mnist.py);
- `tensorflow.contrib.learn.python.learn.datasets.mnist` is mnist.input_data;
  any other tf.contrib use fails with one line saying it was removed in TF 2;
- `tensorflow.python...` and other submodules are the real ones.
Nothing changes until install() is called.
"""
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import types

_TUTORIALS_PACKAGE = 'tensorflow.examples.tutorials.mnist'
_CONTRIB_MNIST = 'tensorflow.contrib.learn.python.learn.datasets.mnist'


class RemovedInTF2Error(ImportError):
    """A TF 1.x API that TensorFlow 2 no longer has (tf.contrib)."""


def _contrib_error(name):
    return RemovedInTF2Error(
        '%s was removed in TensorFlow 2 (all of tf.contrib was), and this runner does not '
        'provide it; only %s (read_data_sets, DataSet) is mapped.'
        % (name.replace('tensorflow.', 'tf.', 1), _CONTRIB_MNIST.replace('tensorflow.', 'tf.', 1)))


class _Contrib(types.ModuleType):
    """tf.contrib: its MNIST datasets module is ours; everything else raises RemovedInTF2Error."""

    def __getattr__(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        raise _contrib_error('%s.%s' % (self.__name__, attr))


class TF1Module(types.ModuleType):
    """`tensorflow` as TF 1.x programs see it: tf.compat.v1 plus the removed namespaces we map."""

    def __init__(self, real_tensorflow):
        super().__init__('tensorflow', real_tensorflow.__doc__)
        self.__path__ = list(real_tensorflow.__path__)  # submodule imports reach the real files
        self.__file__ = real_tensorflow.__file__
        self._v1 = real_tensorflow.compat.v1

    def __getattr__(self, attr):
        if attr == 'contrib':
            return sys.modules['tensorflow.contrib']
        if attr == 'examples':
            return sys.modules['tensorflow.examples']
        return getattr(self._v1, attr)

    def __dir__(self):
        return sorted(set(dir(self._v1)) | {'contrib', 'examples'})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves tensorflow.examples.* and tensorflow.contrib.* imports from this package."""

    def __init__(self, modules):
        self._modules = modules  # full name -> module

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self._modules:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if fullname.startswith('tensorflow.contrib.'):
            raise _contrib_error(fullname)
        return None

    def create_module(self, spec):
        return self._modules[spec.name]

    def exec_module(self, module):
        pass


def _package(name, **attributes):
    module = types.ModuleType(name)
    module.__path__ = []
    module.__dict__.update(attributes)
    return module


def install():
    """Makes `import tensorflow` give the TF 1.x API in this process, and maps the removed modules.

    Call it before the program's own `import tensorflow`. It also switches off
    TF 2 behaviour for the whole process (tf.compat.v1.disable_v2_behavior).
    """
    if isinstance(sys.modules.get('tensorflow'), TF1Module):
        return
    import tensorflow as real_tensorflow
    # Imported now, while `tensorflow` is still the real package they are written against.
    from mnist import fully_connected, input_data
    real_tensorflow.compat.v1.disable_v2_behavior()

    contrib_chain = _CONTRIB_MNIST.split('.')
    modules = {
        'tensorflow.examples': _package('tensorflow.examples'),
        'tensorflow.examples.tutorials': _package('tensorflow.examples.tutorials'),
        _TUTORIALS_PACKAGE: _package(_TUTORIALS_PACKAGE, input_data=input_data,
                                     mnist=fully_connected),
        _TUTORIALS_PACKAGE + '.input_data': input_data,
        _TUTORIALS_PACKAGE + '.mnist': fully_connected,
        _CONTRIB_MNIST: input_data,
    }
    for depth in range(2, len(contrib_chain)):  # tensorflow.contrib ... datasets
        name = '.'.join(contrib_chain[:depth])
        modules[name] = _Contrib(name)
        modules[name].__path__ = []
    for name, module in list(modules.items()):  # parent.child attributes, as imports would set
        parent, _, child = name.rpartition('.')
        if parent in modules:
            object.__setattr__(modules[parent], child, module)
    sys.modules.update(modules)
    sys.meta_path.insert(0, _Finder(modules))
    sys.modules['tensorflow'] = TF1Module(real_tensorflow)


def run_script(path, args):
    """Runs the program at `path` as __main__ with sys.argv = [path] + args, under install()."""
    if not os.path.isfile(path):
        raise FileNotFoundError('%s: no such program file' % path)
    install()
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name='__main__')


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ('-h', '--help'):
        print('usage: python -m mnist.tf1 SCRIPT.py [script args...]\n\n' + __doc__)
        return 0 if argv else 2
    try:
        run_script(argv[0], argv[1:])
    except (RemovedInTF2Error, FileNotFoundError) as e:
        print('error: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
