"""The module map: what `import tensorflow` and its submodule imports give inside the runner.

tensorflow (as `tf`)           -> tf.compat.v1, plus:
  tf.mul, tf.scalar_summary, ... the TF 0.x names of renames.py
  tf.nn, tf.train, tf.image    -> tf.compat.v1.nn/train/image plus their TF 0.x names (renames.py)
  tf.layers, tf.keras, tf.nn.rnn_cell -> Keras 2 (the tf-keras package, TF_USE_LEGACY_KERAS=1)
  tf.contrib                   -> contrib.py
  tf.app.flags, tf.flags, tf.app.run -> app_flags.py: a flag named as one of absl's own is the program's
  tf.estimator                 -> estimator.py: Estimator, DNNClassifier, LinearClassifier,
                                  EstimatorSpec, ModeKeys, RunConfig, inputs.numpy_input_fn, the session hooks
tensorflow.examples.tutorials.mnist.input_data -> mnist.input_data
tensorflow.examples.tutorials.mnist.mnist      -> mnist.fully_connected (Mechanics 101's mnist.py)
tensorflow.contrib.*           -> contrib.module()
tensorflow.python... and other real submodules -> themselves.
A name tf.compat.v1 lacks is TensorFlow 2's own (tf.__internal__, ...), for the libraries that read it.
keras, keras.*                 -> Keras 2, from tf-keras (standalone_keras.py); never Keras 3

tensorflow_v1() builds the `tf` namespace without changing anything else;
install() puts it and the map into sys.modules and sys.meta_path.
"""
import importlib.abc
import importlib.machinery
import sys

from mnist import fully_connected, input_data
from mnist.tf1 import app_flags, contrib, estimator, renames, standalone_keras
from mnist.tf1.namespace import Lazy, Namespace, keras2

TUTORIALS_PACKAGE = 'tensorflow.examples.tutorials.mnist'
TF2_DUNDERS = ('__internal__', '__operators__', '__compiler_version__', '__cxx11_abi_flag__',
               '__cxx_version__', '__git_version__', '__monolithic_build__')


def tensorflow_v1(real_tensorflow):
    """Returns the `tensorflow` module TF 1.x programs see, built on real_tensorflow.compat.v1."""
    v1 = real_tensorflow.compat.v1
    flags = Namespace('tensorflow.app.flags', app_flags.flags_module(v1.app.flags), lambda: (v1.app.flags,))
    app = Namespace('tensorflow.app', dict(flags=flags, run=app_flags.run(v1.app.run, flags.FLAGS)),
                    lambda: (v1.app,))
    nn = Namespace('tensorflow.nn', dict(
        renames.nn(), rnn_cell=keras2('tf.nn.rnn_cell', lambda: v1.nn.rnn_cell)), lambda: (v1.nn,))
    attributes = dict(
        renames.top_level(),
        nn=nn,
        train=Namespace('tensorflow.train', renames.train(), lambda: (v1.train,)),
        image=Namespace('tensorflow.image', renames.image(), lambda: (v1.image,)),
        app=app,
        flags=flags,
        layers=keras2('tf.layers', lambda: v1.layers),
        keras=keras2('tf.keras', lambda: v1.keras),
        estimator=Lazy(lambda: sys.modules['tensorflow.estimator']),
        contrib=Lazy(lambda: contrib.module('tensorflow.contrib')),
        examples=Lazy(lambda: sys.modules['tensorflow.examples']),
    )
    module = Namespace('tensorflow', attributes, lambda: (v1, real_tensorflow), doc=real_tensorflow.__doc__)
    for name in TF2_DUNDERS:  # what libraries built on TensorFlow 2 read (tf-keras: tf.__internal__)
        if hasattr(real_tensorflow, name):
            setattr(module, name, getattr(real_tensorflow, name))
    module.__path__ = list(real_tensorflow.__path__)  # `import tensorflow.python...` reaches the real files
    module.__file__ = real_tensorflow.__file__
    module.__version__ = real_tensorflow.__version__
    return module


def _examples_modules():
    """tensorflow.examples.tutorials.mnist and its two modules, as {full name: module}."""
    modules = {
        'tensorflow.examples': Namespace('tensorflow.examples'),
        'tensorflow.examples.tutorials': Namespace('tensorflow.examples.tutorials'),
        TUTORIALS_PACKAGE: Namespace(TUTORIALS_PACKAGE, dict(input_data=input_data, mnist=fully_connected)),
        TUTORIALS_PACKAGE + '.input_data': input_data,
        TUTORIALS_PACKAGE + '.mnist': fully_connected,
    }
    modules['tensorflow.examples'].tutorials = modules['tensorflow.examples.tutorials']
    modules['tensorflow.examples.tutorials'].mnist = modules[TUTORIALS_PACKAGE]
    return modules


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves imports of tensorflow.examples.*, tensorflow.contrib.* and keras.* from the map."""

    def __init__(self, modules):
        self._modules = modules  # full name -> module
        self._found = {}  # full name -> module, between find_spec and create_module
        self._real_specs = {}  # id(module) -> its own __spec__, which importlib overwrites

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self._modules:
            module = self._modules[fullname]
        elif fullname.startswith('tensorflow.contrib.'):
            module = contrib.module(fullname)  # raises RemovedInTF2Error, one line
        elif fullname == 'keras' or fullname.startswith('keras.'):
            module = standalone_keras.module(fullname)
        else:
            return None
        self._found[fullname] = module
        return importlib.machinery.ModuleSpec(fullname, self, is_package=hasattr(module, '__path__'))

    def create_module(self, spec):
        module = self._found.pop(spec.name)
        self._real_specs[id(module)] = getattr(module, '__spec__', None)
        return module

    def exec_module(self, module):
        # An alias of a real module (tensorflow.contrib.slim is tf_slim) keeps its own spec.
        real_spec = self._real_specs.pop(id(module), None)
        if real_spec is not None:
            module.__spec__ = real_spec


def _tf1_internals():
    """What TF 1.x's own modules had that programs use and TensorFlow 2.21's lack.

    tensorflow.python.framework.graph_util: the names of tf.compat.v1.graph_util
    (`graph_util.convert_variables_to_constants(sess, graph_def, names)` froze a graph).
    tensor_shape.Dimension: an integral float (50.0, as `z_dim / 2` gives in Python 3) is the
    int it holds, as TF 1.x's Dimension took it; TF 2 refuses any float.
    """
    import numpy as np

    from tensorflow.python.framework import graph_util, tensor_shape
    v1_graph_util = renames.v1.graph_util
    for name in ('convert_variables_to_constants', 'extract_sub_graph', 'remove_training_nodes',
                 'must_run_on_cpu', 'tensor_shape_from_node_def_name'):
        if not hasattr(graph_util, name):
            setattr(graph_util, name, getattr(v1_graph_util, name))
    init = tensor_shape.Dimension.__init__
    if getattr(init, 'takes_integral_floats', False):
        return

    def dimension_init(self, value):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        init(self, value)

    dimension_init.takes_integral_floats = True
    tensor_shape.Dimension.__init__ = dimension_init


def install(real_tensorflow):
    """Makes `import tensorflow` (and the map above) give the TF 1.x modules in this process."""
    _tf1_internals()
    modules = _examples_modules()
    modules['tensorflow.contrib'] = contrib.module('tensorflow.contrib')
    modules.update(estimator.modules())
    sys.modules.update(modules)
    sys.meta_path.insert(0, _Finder(modules))
    sys.modules['tensorflow'] = tensorflow_v1(real_tensorflow)
