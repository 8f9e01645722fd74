"""tf.contrib, which TensorFlow 2 removed, as far as MNIST programs used it.

tf.contrib.layers     -> tf_slim.layers (tf-slim): fully_connected, conv2d, max_pool2d, flatten,
                         batch_norm, dropout, xavier_initializer, l2_regularizer, optimize_loss, ...
tf.contrib.slim       -> tf_slim, and tensorflow.contrib.slim.X -> tf_slim.X
tf.contrib.framework  -> tf_slim.ops.arg_scope and tf_slim.ops.variables: arg_scope,
                         add_arg_scope, get_variables, get_or_create_global_step, ...
tf.contrib.rnn        -> tf.compat.v1.nn.rnn_cell (BasicLSTMCell, GRUCell, MultiRNNCell,
                         DropoutWrapper, LSTMStateTuple, ...; Keras 2) and tf.compat.v1.nn.static_rnn,
                         static_bidirectional_rnn, static_state_saving_rnn
tf.contrib.learn.datasets, alias tf.contrib.learn.python.learn.datasets -> load_dataset('mnist'),
                         and .mnist: mnist.input_data plus load_mnist(train_dir='MNIST-data')
tf.contrib.deprecated -> the TF 0.x summary ops of renames.py
tf.contrib.tensorboard.plugins.projector -> tensorboard.plugins.projector (TensorBoard 2.21 still
                         has ProjectorConfig, and its visualize_embeddings takes the FileWriter)
Anything else under tf.contrib raises RemovedInTF2Error, one line naming it.

tf-slim 1.1 uses TensorFlow internals that 2.21 moved; repair_tf_slim() puts
the old names back (aliases only, nothing TensorFlow itself uses changes).
"""
import importlib
import types
import warnings

from mnist import input_data
from mnist.tf1 import renames
from mnist.tf1.errors import removed, require
from mnist.tf1.namespace import KERAS2, Lazy, Namespace, keras2

PROVIDED = ('it maps only tf.contrib.layers, slim, framework (arg_scope, variables), rnn, '
            'learn.datasets (MNIST), deprecated (summaries) and tensorboard.plugins.projector.')
TF_SLIM = 'tf-slim'

# (module, old name, module that has it now, its name there): what tf-slim 1.1 reads and TF 2.21 moved.
_TF_SLIM_ALIASES = (
    ('tensorflow.python.framework.ops', 'Tensor', 'tensorflow.python.framework.tensor', 'Tensor'),
    ('tensorflow.python.framework.ops', 'IndexedSlices',
     'tensorflow.python.framework.indexed_slices', 'IndexedSlices'),
    ('tensorflow.python.ops.array_ops', 'stack', 'tensorflow.python.ops.array_ops_stack', 'stack'),
    ('tensorflow.python.ops.array_ops', 'unstack', 'tensorflow.python.ops.array_ops_stack', 'unstack'),
    ('tensorflow.python.ops.control_flow_ops', 'Assert',
     'tensorflow.python.ops.control_flow_assert', 'Assert'),
    ('tensorflow.python.ops.control_flow_ops', 'case', 'tensorflow.python.ops.control_flow_case', 'case'),
    ('tensorflow.python.ops.control_flow_ops', 'cond', 'tensorflow.python.ops.cond', 'cond'),
    ('tensorflow.python.ops.control_flow_ops', 'while_loop',
     'tensorflow.python.ops.while_loop', 'while_loop'),
    ('tensorflow.python.ops.variable_scope', 'variable', 'tensorflow.python.ops.variable_v1', 'VariableV1'),
)


class _LegacyNormalization(types.ModuleType):
    """tf_keras's legacy tf.layers normalization module, which TF 2.21 looks for at a path tf-keras moved.

    TensorFlow's tensorflow/python/layers/normalization.py (tf-slim's batch_norm
    uses it) loads tf_keras.legacy_tf_layers.normalization; tf-keras 2.21 has it
    under tf_keras.src. Loaded at first use, or one line if tf-keras is missing.
    """

    def __getattr__(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        module = require('tf_keras.src.legacy_tf_layers.normalization', 'batch_norm (tf-slim)', KERAS2)
        return getattr(module, attr)


def repair_tf_slim(construct):
    """Gives TF 2.21 the old names tf-slim 1.1 uses and returns tf_slim (MissingPackageError if missing)."""
    for module_name, name, new_module_name, new_name in _TF_SLIM_ALIASES:
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            setattr(module, name, getattr(importlib.import_module(new_module_name), new_name))
    # tf-slim builds on TensorFlow's bundled legacy layers (the program's tf.layers are tf-keras'):
    # their deprecation warnings would be about tf-slim's calls, not about the program.
    warnings.filterwarnings('ignore', category=UserWarning, module=r'tensorflow\.python\.keras\.')
    from tensorflow.python.layers import normalization
    if not isinstance(normalization.normalization, _LegacyNormalization):
        normalization.normalization = _LegacyNormalization('tf_keras.legacy_tf_layers.normalization')
    return require('tf_slim', construct, TF_SLIM)


def _tf_slim_modules(construct, *names):
    """sources() of the Namespace `construct`: the tf_slim modules `names`, once tf-slim is repaired."""
    def sources():
        repair_tf_slim(construct)
        return [importlib.import_module(name) for name in names]
    return sources


def _missing(name):
    return removed(name, PROVIDED)


def _missing_from_tensorboard(name):
    return removed(name, 'of tf.contrib.tensorboard it maps only plugins.projector.')


def load_mnist(train_dir='MNIST-data'):
    """tf.contrib.learn.datasets.mnist.load_mnist: read_data_sets(train_dir), labels as class indices."""
    return input_data.read_data_sets(train_dir)


def load_dataset(name, size='small', test_with_fake_data=False):
    """tf.contrib.learn.datasets.load_dataset: only 'mnist' is provided."""
    if name != 'mnist':
        raise removed("tf.contrib.learn.datasets.load_dataset(%r)" % (name,),
                      "only load_dataset('mnist') is provided.")
    return load_mnist()


def _learn_modules():
    """tf.contrib.learn, .python, .python.learn, .datasets, .datasets.mnist, by full name."""
    learn = 'tensorflow.contrib.learn'
    mnist = Namespace(learn + '.python.learn.datasets.mnist', dict(load_mnist=load_mnist),
                      lambda: (input_data,), _missing)
    datasets = Namespace(learn + '.python.learn.datasets',
                         dict(load_dataset=load_dataset, load_mnist=load_mnist, mnist=mnist),
                         missing=_missing)
    python_learn = Namespace(learn + '.python.learn', dict(datasets=datasets), missing=_missing)
    python = Namespace(learn + '.python', dict(learn=python_learn), missing=_missing)
    return {
        learn: Namespace(learn, dict(datasets=datasets, python=python), missing=_missing),
        learn + '.python': python,
        learn + '.python.learn': python_learn,
        learn + '.python.learn.datasets': datasets,
        learn + '.python.learn.datasets.mnist': mnist,
        learn + '.datasets': datasets,
        learn + '.datasets.mnist': mnist,
    }


def _rnn():
    v1 = renames.v1
    cells = keras2('tf.contrib.rnn', lambda: v1.nn.rnn_cell)
    return Namespace('tensorflow.contrib.rnn',
                     dict(static_rnn=v1.nn.static_rnn,
                          static_bidirectional_rnn=v1.nn.static_bidirectional_rnn,
                          static_state_saving_rnn=v1.nn.static_state_saving_rnn),
                     lambda: (cells.compute(),), _missing)


_modules = {}  # full name -> module, built on first use


def _build():
    contrib = 'tensorflow.contrib'
    _modules.update(_learn_modules())
    _modules[contrib + '.layers'] = Namespace(
        contrib + '.layers', missing=_missing,
        sources=_tf_slim_modules('tf.contrib.layers', 'tf_slim.layers'))
    _modules[contrib + '.framework'] = Namespace(
        contrib + '.framework', missing=_missing,
        sources=_tf_slim_modules('tf.contrib.framework', 'tf_slim.ops.arg_scope', 'tf_slim.ops.variables'))
    _modules[contrib + '.rnn'] = _rnn()
    _modules[contrib + '.deprecated'] = Namespace(contrib + '.deprecated', renames.SUMMARIES,
                                                  missing=_missing)
    plugins = Namespace(contrib + '.tensorboard.plugins', missing=_missing_from_tensorboard, attributes=dict(
        projector=Lazy(lambda: importlib.import_module('tensorboard.plugins.projector'))))
    _modules[contrib + '.tensorboard.plugins'] = plugins
    _modules[contrib + '.tensorboard'] = Namespace(contrib + '.tensorboard', dict(plugins=plugins),
                                                   missing=_missing_from_tensorboard)
    children = {name: _modules[contrib + '.' + name]
                for name in ('layers', 'framework', 'rnn', 'deprecated', 'learn', 'tensorboard')}
    children['slim'] = Lazy(lambda: repair_tf_slim('tf.contrib.slim'))
    _modules[contrib] = Namespace(contrib, children, missing=_missing)


def module(fullname):
    """The module tensorflow.contrib... `fullname` stands for; RemovedInTF2Error if not provided."""
    if not _modules:
        _build()
    if fullname in _modules:
        return _modules[fullname]
    parent_name, _, child = fullname.rpartition('.')
    parent = module(parent_name)
    if isinstance(parent, Namespace):
        value = getattr(parent, child)  # RemovedInTF2Error if not provided
    else:  # tensorflow.contrib.slim.X: tf_slim.X
        value = importlib.import_module('%s.%s' % (parent.__name__, child))
    if not isinstance(value, types.ModuleType):
        raise ModuleNotFoundError('No module named %r (%r is not a module)' % (fullname, value),
                                  name=fullname)
    return value
