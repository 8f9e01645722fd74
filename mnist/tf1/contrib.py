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
tf.contrib.learn.DNNClassifier, LinearClassifier, SKCompat -> estimator.py's canned classifiers
                         with contrib.learn's fit / evaluate / predict on arrays
tf.contrib.learn.Estimator, ModelFnOps, ModeKeys, MetricSpec, RunConfig (also under
                         .python.learn.estimators and .metric_spec) -> estimator.py's LearnEstimator:
                         a model_fn of its own on arrays, as TF 1.0's layers tutorial ran it
tf.contrib.learn.Experiment, learn_runner.run -> estimator.py's Experiment, run locally
tf.contrib.training.HParams -> HParams (the module's only part with a use outside its queues)
tf.contrib.deprecated -> the TF 0.x summary ops of renames.py
tf.contrib.tensorboard.plugins.projector -> tensorboard.plugins.projector (TensorBoard 2.21 still
                         has ProjectorConfig, and its visualize_embeddings takes the FileWriter)
tf.contrib.keras      -> Keras 2 (tf-keras), the `import keras` of standalone_keras.py; also as
                         tensorflow.contrib.keras.api.keras.X and tensorflow.contrib.keras.python.keras.X
tf.contrib.distributions -> TensorFlow Probability's tfp.distributions (bijectors: tfp.bijectors;
                         kl: kl_divergence)
tf.contrib.lookup     -> tf.compat.v1.lookup and TensorFlow's lookup_ops (HashTable, index_table_from_*, ...)
tf.contrib.metrics    -> tf.compat.v1.metrics, each streaming_* function read in its own argument order
                         (predictions before labels): METRICS
tf.contrib.losses     -> tf.compat.v1.losses, each read in its own argument order (logits or
                         predictions before labels): LOSSES
tf.contrib.factorization -> KMeans, TensorFlow's own clustering_ops.KMeans (the same graph builder),
                         whose training_graph() returns TF 1.4-1.15's 7 values
tf.contrib.stateless  -> tf.random.stateless_*, read as (shape, seed, dtype, name)
tf.contrib.data, linalg, signal, lite, tpu, saved_model, distribute, autograph, feature_column,
cluster_resolver, hooks, util, proto -> their tf.compat.v1 successors (SAME_IN_CORE)
tf.contrib.layers also gives real_valued_column and infer_real_valued_columns_from_input, read as
tf.feature_column.numeric_column for the canned estimators of estimator.py.
Anything else under tf.contrib raises RemovedInTF2Error, one line naming it and, for a module
listed in WHERE_IT_WENT, where it went (the contrib sunset RFC, TensorFlow community
rfcs/20180907-contrib-sunset.md, and what became of each destination).

tf-slim 1.1 uses TensorFlow internals that 2.21 moved; repair_tf_slim() puts
the old names back (aliases only, nothing TensorFlow itself uses changes).
"""
import functools
import importlib
import json
import re
import types
import warnings

import numpy as np

from mnist import input_data
from mnist.tf1 import estimator, renames, standalone_keras
from mnist.tf1.errors import RemovedInTF2Error, removed, require
from mnist.tf1.namespace import KERAS2, Lazy, Namespace, keras2

from tensorflow.python.util import deprecation

PROVIDED = ('it maps tf.contrib.layers, slim, framework (arg_scope, variables), rnn, keras, '
            'distributions, lookup, metrics, losses, factorization (KMeans), stateless, '
            'learn.datasets (MNIST), deprecated (summaries), tensorboard.plugins.projector and the '
            'modules TensorFlow took in as they were (data, linalg, signal, ...).')
TF_SLIM = 'tf-slim'
TFP = 'tensorflow-probability'
ESTIMATOR_PACKAGE = 'tensorflow-estimator, which no longer imports on TensorFlow 2.16 or later'
ADDONS = 'TensorFlow Addons (tfa), itself ended in 2024 and without a release for TensorFlow 2.16 or later'

# tf.contrib.X -> where it went, for the modules no library carries with their TF 1.x API. Said in
# the one line that stops the program (the RFC's fate of each, then what became of the destination).
WHERE_IT_WENT = {
    'eager': "TF 1.x's eager execution preview became TensorFlow 2's default mode, which this runner "
             "switches off to run graph-mode programs: run it with `python` on TensorFlow 2 "
             "(tf.GradientTape, tf.train.Checkpoint, tf.data iteration)",
    'tensor_forest': 'its random forests live on in TensorFlow Decision Forests '
                     '(tensorflow_decision_forests), a Keras 2 API of its own, not this graph API',
    'boosted_trees': 'its boosted trees became tf.estimator.BoostedTreesClassifier (tensorflow-estimator, '
                     'which no longer imports on TensorFlow 2.16 or later) and TensorFlow Decision Forests',
    'decision_trees': 'TensorFlow Decision Forests (tensorflow_decision_forests) carries on its work',
    'learn': 'its estimators became tf.estimator: of tf.contrib.learn this runner provides '
             'Estimator, ModelFnOps, ModeKeys, MetricSpec, RunConfig, Experiment, learn_runner.run, '
             'DNNClassifier, LinearClassifier, SKCompat, infer_real_valued_columns_from_input and datasets',
    'estimator': 'it moved to tensorflow-estimator, which no longer imports on TensorFlow 2.16 or later; '
                 'this runner provides tf.estimator.Estimator, DNNClassifier and LinearClassifier',
    'timeseries': 'it moved to %s' % ESTIMATOR_PACKAGE,
    'linear_optimizer': 'it moved to %s' % ESTIMATOR_PACKAGE,
    'kernel_methods': 'it moved to %s' % ESTIMATOR_PACKAGE,
    'bayesflow': 'it moved to TensorFlow Probability (tfp.monte_carlo, tfp.vi, tfp.mcmc), with a new API',
    'integrate': 'TensorFlow Probability has its successor, tfp.math.ode, with a new API',
    'seq2seq': 'it moved to %s' % ADDONS,
    'crf': 'it moved to %s' % ADDONS,
    'image': 'tf.image took part of it; the rest moved to %s' % ADDONS,
    'opt': 'its optimizers moved to %s' % ADDONS,
    'sparsemax': 'it moved to %s' % ADDONS,
    'resampler': 'it moved to %s' % ADDONS,
    'text': 'TensorFlow Text (tensorflow-text) carries on its work, with a new API',
    'nn': 'tf.nn took part of it; the rest moved to %s' % ADDONS,
    'legacy_seq2seq': 'it was deleted (replaced by tf.contrib.seq2seq, which moved to %s)' % ADDONS,
    'cudnn_rnn': 'it was deleted: tf.keras.layers.LSTM and GRU run on cuDNN',
    'gan': 'it moved to TF-GAN (tensorflow-gan), last released in 2021',
    'kfac': 'it moved to K-FAC (tensorflow/kfac), no longer released',
    'training': 'it was deleted: its queue-based helpers have no successor (this runner provides '
                'HParams); tf.data.experimental.bucket_by_sequence_length replaces bucket_by_sequence_length',
    'summary': 'it became TensorFlow 2\'s tf.summary, which needs eager execution or tf.function',
    'checkpoint': 'it became tf.train.Checkpoint, which needs eager execution or tf.function',
    'predictor': 'it was deleted: tf.saved_model.load replaces it',
    'quantize': 'the TensorFlow Model Optimization Toolkit (tensorflow-model-optimization) replaces it',
    'model_pruning': 'the TensorFlow Model Optimization Toolkit (tensorflow-model-optimization) replaces it',
    'mixed_precision': 'tf.keras.mixed_precision replaces it',
    'compiler': 'tf.function(jit_compile=True) replaces it',
    'tfprof': 'tf.compat.v1.profiler replaces it, with a new API',
    'graph_editor': 'it was deleted', 'copy_graph': 'it was deleted', 'ffmpeg': 'it was deleted',
    'labeled_tensor': 'it was deleted', 'specs': 'it was deleted', 'staging': 'it was deleted',
    'input_pipeline': 'it was deleted (tf.data replaces it)', 'batching': 'it was deleted',
    'libsvm': 'it was deleted', 'nearest_neighbor': 'it was deleted', 'memory_stats': 'it was deleted',
    'stat_summarizer': 'it was deleted', 'session_bundle': 'it was deleted (SavedModel replaces it)',
    'grid_rnn': 'it was deleted', 'testing': 'it was deleted',
    'hadoop': 'TensorFlow I/O (tensorflow-io) carries on its work', 'kafka': 'TensorFlow I/O (tensorflow-io) '
    'carries on its work', 'kinesis': 'TensorFlow I/O (tensorflow-io) carries on its work',
    'bigtable': 'TensorFlow I/O (tensorflow-io) carries on its work',
    'cloud': 'TensorFlow I/O (tensorflow-io) carries on its work',
}

# tf.contrib.X -> the tf.compat.v1 module TensorFlow took it in as, with the same names and arguments.
SAME_IN_CORE = {
    'data': ('data', 'data.experimental'), 'linalg': ('linalg',), 'signal': ('signal',), 'lite': ('lite',),
    'tpu': ('tpu',), 'saved_model': ('saved_model',), 'distribute': ('distribute',),
    'autograph': ('autograph',), 'feature_column': ('feature_column',),
    'cluster_resolver': ('distribute.cluster_resolver',), 'hooks': ('train',), 'proto': ('io',),
}

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
    return _where_it_went(name)


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


def real_valued_column(column_name, dimension=1, default_value=None, dtype=np.float32, normalizer=None):
    """tf.contrib.layers.real_valued_column: tf.feature_column.numeric_column of shape (dimension,)."""
    with deprecation.silence():  # numeric_column's deprecation: about this call, not the program's
        return renames.v1.feature_column.numeric_column(
            column_name, shape=(dimension,), default_value=default_value, dtype=dtype,
            normalizer_fn=normalizer)


def infer_real_valued_columns_from_input(x):
    """tf.contrib.layers.infer_real_valued_columns_from_input: one column '' of x's row size (float32).

    contrib.learn's estimators gave an array x (not a dict) as the feature named ''.
    """
    x = np.asarray(x)
    return [real_valued_column('', dimension=int(np.prod(x.shape[1:], dtype=np.int64)))]


class HParams:
    """tf.contrib.training.HParams: named hyperparameters, set as keywords, read as attributes.

    parse('name=value,...') and set_hparam keep each one's type (int, float, bool, str, or a
    list of one of them), as TF 1.x did; an int may become a float, nothing else changes type.
    """

    def __init__(self, hparam_def=None, model_structure=None, **hparams):
        if hparam_def is not None:
            raise removed('tf.contrib.training.HParams(hparam_def=...)', 'give the values as keywords.')
        self._model_structure = model_structure
        for name, value in hparams.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        if name in self.__dict__ or hasattr(type(self), name):
            raise ValueError('HParams: hyperparameter %r already exists' % name)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        if name not in self.values():
            raise ValueError('HParams: unknown hyperparameter %r' % name)
        setattr(self, name, _hparam_cast(name, getattr(self, name), value))

    def del_hparam(self, name):
        if name in self.values():
            delattr(self, name)

    def parse(self, values):
        """Sets 'name=value,name=[v1,v2],...' (commas inside brackets belong to the list); returns self."""
        for item in re.findall(r'[^,\[]+(?:\[[^\]]*\])?', values):
            name, equals, text = item.strip().partition('=')
            if not equals:
                raise ValueError('HParams.parse: %r is not name=value' % item.strip())
            name = name.strip()
            if name not in self.values():
                raise ValueError('HParams.parse: unknown hyperparameter %r' % name)
            self.set_hparam(name, _hparam_from_text(name, getattr(self, name), text.strip()))
        return self

    def override_from_dict(self, values_dict):
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def values(self):
        return {name: value for name, value in self.__dict__.items() if not name.startswith('_')}

    def get(self, key, default=None):
        return self.values().get(key, default)

    def to_json(self, indent=None, separators=None, sort_keys=False):
        return json.dumps(self.values(), indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json):
        return self.override_from_dict(json.loads(values_json))

    def get_model_structure(self):
        return self._model_structure

    def __contains__(self, key):
        return key in self.values()

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, self.__str__())


def _hparam_cast(name, current, value):
    """value as the type of the hyperparameter's current value (an int may become a float)."""
    if isinstance(current, list):
        return [_hparam_cast(name, current[0], v) if current else v for v in value]
    if isinstance(current, bool) or current is None:
        if current is not None and not isinstance(value, bool):
            raise ValueError('HParams: %s is a bool; got %r' % (name, value))
        return value
    if isinstance(current, int) and isinstance(value, float):
        if not value.is_integer():
            raise ValueError('HParams: %s is an int; got %r' % (name, value))
        return int(value)
    if isinstance(current, (int, float)) and not isinstance(value, bool) and isinstance(value, (int, float)):
        return type(current)(value)
    if isinstance(current, str) and isinstance(value, str):
        return value
    raise ValueError('HParams: %s is a %s; got %r' % (name, type(current).__name__, value))


def _hparam_from_text(name, current, text):
    """The value `text` stands for, read as the type of the hyperparameter's current value."""
    if isinstance(current, list):
        items = [t.strip() for t in text.strip('[]').split(',') if t.strip()]
        return [_hparam_from_text(name, current[0] if current else '', t) for t in items]
    try:
        if isinstance(current, bool):
            if text.lower() not in ('true', 'false', '1', '0'):
                raise ValueError(text)
            return text.lower() in ('true', '1')
        if isinstance(current, int):
            return int(text)
        if isinstance(current, float):
            return float(text)
    except ValueError:
        expected = type(current).__name__
        raise ValueError('HParams.parse: %s=%s: expected a %s' % (name, text, expected)) from None
    return text


def _learn_modules():
    """tf.contrib.learn, .python, .python.learn, .datasets, .datasets.mnist, by full name."""
    learn = 'tensorflow.contrib.learn'
    mnist = Namespace(learn + '.python.learn.datasets.mnist', dict(load_mnist=load_mnist),
                      lambda: (input_data,), _missing)
    datasets = Namespace(learn + '.python.learn.datasets',
                         dict(load_dataset=load_dataset, load_mnist=load_mnist, mnist=mnist),
                         missing=_missing)
    estimators = learn + '.python.learn.estimators'
    model_fn = Namespace(estimators + '.model_fn', dict(ModelFnOps=estimator.ModelFnOps,
                                                        ModeKeys=estimator.LearnModeKeys), missing=_missing)
    estimator_module = Namespace(estimators + '.estimator', dict(
        Estimator=estimator.LearnEstimator, SKCompat=estimator.SKCompat), missing=_missing)
    run_config = Namespace(estimators + '.run_config', dict(RunConfig=estimator.RunConfig), missing=_missing)
    estimators_package = Namespace(estimators, dict(
        model_fn=model_fn, estimator=estimator_module, run_config=run_config,
        Estimator=estimator.LearnEstimator,
        ModelFnOps=estimator.ModelFnOps, ModeKeys=estimator.LearnModeKeys, SKCompat=estimator.SKCompat,
        DNNClassifier=estimator.LearnDNNClassifier, LinearClassifier=estimator.LearnLinearClassifier,
        RunConfig=estimator.RunConfig), missing=_missing)
    metric_spec = Namespace(learn + '.python.learn.metric_spec', dict(MetricSpec=estimator.MetricSpec),
                            missing=_missing)
    learn_runner = Namespace(learn + '.python.learn.learn_runner', dict(run=estimator.learn_runner_run),
                             missing=_missing)
    experiment = Namespace(learn + '.python.learn.experiment', dict(Experiment=estimator.Experiment),
                           missing=_missing)
    python_learn = Namespace(learn + '.python.learn', dict(
        datasets=datasets, estimators=estimators_package, metric_spec=metric_spec, learn_runner=learn_runner,
        experiment=experiment, Experiment=estimator.Experiment), missing=_missing)
    python = Namespace(learn + '.python', dict(learn=python_learn), missing=_missing)
    return {
        learn: Namespace(learn, dict(
            datasets=datasets, python=python, DNNClassifier=estimator.LearnDNNClassifier,
            LinearClassifier=estimator.LearnLinearClassifier, SKCompat=estimator.SKCompat,
            Estimator=estimator.LearnEstimator, ModelFnOps=estimator.ModelFnOps,
            ModeKeys=estimator.LearnModeKeys, MetricSpec=estimator.MetricSpec, RunConfig=estimator.RunConfig,
            Experiment=estimator.Experiment, learn_runner=learn_runner,
            infer_real_valued_columns_from_input=infer_real_valued_columns_from_input), missing=_missing),
        learn + '.python': python,
        learn + '.python.learn': python_learn,
        estimators: estimators_package,
        estimators + '.model_fn': model_fn,
        estimators + '.estimator': estimator_module,
        estimators + '.run_config': run_config,
        learn + '.python.learn.metric_spec': metric_spec,
        learn + '.python.learn.learn_runner': learn_runner,
        learn + '.learn_runner': learn_runner,
        learn + '.python.learn.experiment': experiment,
        learn + '.python.learn.datasets': datasets,
        learn + '.python.learn.datasets.mnist': mnist,
        learn + '.datasets': datasets,
        learn + '.datasets.mnist': mnist,
    }


def _v1_modules(*paths):
    """sources() of the tf.compat.v1 modules at `paths` ('data', 'data.experimental', ...)."""
    def sources():
        found = []
        for path in paths:
            module = renames.v1
            for part in path.split('.'):
                module = getattr(module, part)
            found.append(module)
        return found
    return sources


def _reordered(function, old_name, old_parameters):
    """function called with keywords, its positional arguments read as `old_parameters` names them.

    tf.contrib.metrics and losses took (predictions, labels); tf.compat.v1's take
    (labels, predictions) under the same parameter names, so naming each argument keeps its meaning.
    """
    names = old_parameters.split()

    @functools.wraps(function)
    def call(*args, **kwargs):
        if len(args) > len(names):
            raise TypeError('%s takes at most %d positional arguments (%s), got %d'
                            % (old_name, len(names), ', '.join(names), len(args)))
        for name, value in zip(names, args):
            if name in kwargs:
                raise TypeError('%s got multiple values for argument %r' % (old_name, name))
            kwargs[name] = value
        return function(**kwargs)
    call.__name__ = call.__qualname__ = old_name
    return call


# tf.contrib.metrics.<name> -> (tf.compat.v1.metrics.<name>, the contrib function's own leading
# parameters in order; all of them end with metrics_collections, updates_collections, name).
METRICS = {
    'streaming_accuracy': ('accuracy', 'predictions labels weights'),
    'streaming_mean': ('mean', 'values weights'),
    'streaming_mean_tensor': ('mean_tensor', 'values weights'),
    'streaming_precision': ('precision', 'predictions labels weights'),
    'streaming_recall': ('recall', 'predictions labels weights'),
    'streaming_auc': ('auc', 'predictions labels weights num_thresholds metrics_collections '
                             'updates_collections curve name'),
    'streaming_true_positives': ('true_positives', 'predictions labels weights'),
    'streaming_false_positives': ('false_positives', 'predictions labels weights'),
    'streaming_true_negatives': ('true_negatives', 'predictions labels weights'),
    'streaming_false_negatives': ('false_negatives', 'predictions labels weights'),
    'streaming_mean_absolute_error': ('mean_absolute_error', 'predictions labels weights'),
    'streaming_mean_squared_error': ('mean_squared_error', 'predictions labels weights'),
    'streaming_root_mean_squared_error': ('root_mean_squared_error', 'predictions labels weights'),
    'streaming_mean_relative_error': ('mean_relative_error', 'predictions labels normalizer weights'),
    'streaming_mean_cosine_distance': ('mean_cosine_distance', 'predictions labels dim weights'),
    'streaming_mean_iou': ('mean_iou', 'predictions labels num_classes weights'),
    'streaming_percentage_less': ('percentage_below', 'values threshold weights'),
    'streaming_sparse_precision_at_k': ('precision_at_k', 'predictions labels k class_id weights'),
    'streaming_sparse_recall_at_k': ('recall_at_k', 'predictions labels k class_id weights'),
}
METRIC_TAIL = ' metrics_collections updates_collections name'

# tf.contrib.losses.<name> -> (tf.compat.v1.losses.<name>, the contrib function's own parameters in order).
LOSSES = {
    'softmax_cross_entropy': ('softmax_cross_entropy', 'logits onehot_labels weights label_smoothing scope'),
    'sparse_softmax_cross_entropy': ('sparse_softmax_cross_entropy', 'logits labels weights scope'),
    'sigmoid_cross_entropy': ('sigmoid_cross_entropy',
                              'logits multi_class_labels weights label_smoothing scope'),
    'mean_squared_error': ('mean_squared_error', 'predictions labels weights scope'),
    'absolute_difference': ('absolute_difference', 'predictions labels weights scope'),
    'log_loss': ('log_loss', 'predictions labels weights epsilon scope'),
    'hinge_loss': ('hinge_loss', 'logits labels scope'),
    'cosine_distance': ('cosine_distance', 'predictions labels dim weights scope'),
    'mean_pairwise_squared_error': ('mean_pairwise_squared_error', 'predictions labels weights scope'),
    'compute_weighted_loss': ('compute_weighted_loss', 'losses weights scope'),
    'add_loss': ('add_loss', 'loss loss_collection'),
    'get_losses': ('get_losses', 'scope loss_collection'),
    'get_regularization_losses': ('get_regularization_losses', 'scope'),
    'get_total_loss': ('get_total_loss', 'add_regularization_losses name'),
}

# tf.contrib.stateless.<name> -> tf.compat.v1.random.<name>: contrib's took (shape, seed, dtype, name).
STATELESS = {'stateless_random_uniform': 'stateless_uniform', 'stateless_random_normal': 'stateless_normal',
             'stateless_truncated_normal': 'stateless_truncated_normal'}


def _missing_in(module_name, table_name):
    def missing(name):
        return removed(name, 'of tf.contrib.%s it maps %s.' % (module_name, table_name))
    return missing


def _streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None,
                           updates_collections=None, name=None):
    """tf.contrib.metrics.streaming_recall_at_k: the mean of in_top_k(predictions, labels, k)."""
    v1 = renames.v1
    hits = v1.cast(v1.nn.in_top_k(predictions, labels, k), v1.float32)
    return v1.metrics.mean(hits, weights, metrics_collections, updates_collections, name or 'recall_at_k')


def _accuracy(predictions, labels, weights=None, name=None):
    """tf.contrib.metrics.accuracy: the (weighted) fraction of predictions equal to labels, one batch."""
    v1 = renames.v1
    with v1.name_scope(name, 'accuracy', [predictions, labels]):
        correct = v1.cast(v1.equal(predictions, labels), v1.float32)
        if weights is None:
            return v1.reduce_mean(correct)
        weights = v1.cast(weights, v1.float32)
        return v1.reduce_sum(correct * weights) / v1.reduce_sum(weights)


def aggregate_metrics(*value_update_tuples):
    """tf.contrib.metrics.aggregate_metrics: ([values], [update ops]) of (value, update) pairs."""
    return [value for value, _ in value_update_tuples], [update for _, update in value_update_tuples]


def aggregate_metric_map(names_to_tuples):
    """tf.contrib.metrics.aggregate_metric_map: ({name: value}, {name: update op})."""
    return ({name: value for name, (value, _) in names_to_tuples.items()},
            {name: update for name, (_, update) in names_to_tuples.items()})


def _metrics():
    v1 = renames.v1
    names = {old: _reordered(getattr(v1.metrics, new), old,
                             parameters if parameters.endswith(' name') else parameters + METRIC_TAIL)
             for old, (new, parameters) in METRICS.items()}
    names.update(streaming_recall_at_k=_streaming_recall_at_k, accuracy=_accuracy,
                 confusion_matrix=v1.confusion_matrix, aggregate_metrics=aggregate_metrics,
                 aggregate_metric_map=aggregate_metric_map)
    return Namespace('tensorflow.contrib.metrics', names,
                     missing=_missing_in('metrics', 'the streaming_* metrics of tf.compat.v1.metrics, '
                                         'accuracy, confusion_matrix and aggregate_metric(s|_map)'))


def _losses():
    v1 = renames.v1
    names = {old: _reordered(getattr(v1.losses, new), old, parameters)
             for old, (new, parameters) in LOSSES.items()}
    return Namespace('tensorflow.contrib.losses', names,
                     missing=_missing_in('losses', 'the losses tf.compat.v1.losses took in'))


def _stateless():
    v1 = renames.v1
    names = {old: _reordered(getattr(v1.random, new), old, 'shape seed dtype name')
             for old, new in STATELESS.items()}
    return Namespace('tensorflow.contrib.stateless', names,
                     missing=_missing_in('stateless', 'stateless_random_uniform, _normal and '
                                         'stateless_truncated_normal'))


def _factorization():
    from tensorflow.python.ops import clustering_ops

    class KMeans(clustering_ops.KMeans):
        """tf.contrib.factorization.KMeans of TF 1.4 to 1.15: training_graph() gives the centers too.

        (all_scores, cluster_idx, scores, cluster_centers_initialized, cluster_centers_var, init_op,
        training_op), as programs of those releases unpack it; TensorFlow's own returns the
        first four, init_op and training_op.
        """

        def _create_variables(self, num_clusters):
            created = super()._create_variables(num_clusters)
            self.cluster_centers_var = created[0]
            return created

        def training_graph(self):
            *first, init_op, training_op = super().training_graph()
            return (*first, self.cluster_centers_var, init_op, training_op)

    names = {name: getattr(clustering_ops, name) for name in (
        'RANDOM_INIT', 'KMEANS_PLUS_PLUS_INIT', 'KMC2_INIT', 'SQUARED_EUCLIDEAN_DISTANCE',
        'COSINE_DISTANCE')}
    names['KMeans'] = KMeans
    return Namespace('tensorflow.contrib.factorization', names, missing=lambda name: removed(
        name, 'of tf.contrib.factorization it maps KMeans (TensorFlow\'s own clustering_ops.KMeans); '
        'KMeansClustering, GMM and WALS went to tensorflow-estimator, which no longer imports on '
        'TensorFlow 2.16 or later.'))


def _distributions():
    def sources():
        tfp = require('tensorflow_probability', 'tf.contrib.distributions', TFP)
        return (tfp.distributions,)
    bijectors = Lazy(lambda: require('tensorflow_probability', 'tf.contrib.distributions.bijectors',
                                     TFP).bijectors)
    names = dict(bijectors=bijectors, kl=Lazy(lambda: sources()[0].kl_divergence))
    return Namespace('tensorflow.contrib.distributions', names, sources, missing=lambda name: removed(
        name, "TensorFlow Probability's tfp.distributions, which stands for tf.contrib.distributions, "
        "has no such name."))


def _lookup():
    from tensorflow.python.ops import lookup_ops
    return Namespace('tensorflow.contrib.lookup', sources=lambda: (renames.v1.lookup, lookup_ops),
                     missing=_missing_in('lookup', "tf.compat.v1.lookup and TensorFlow's lookup_ops"))


def _keras(fullname):
    """tensorflow.contrib.keras[.api.keras|.python.keras][.X]: Keras 2, as `import keras[.X]` gives it."""
    rest = fullname[len('tensorflow.contrib.keras'):]
    if rest in ('.api', '.python'):
        return Namespace('tensorflow.contrib.keras' + rest,
                         dict(keras=Lazy(lambda: standalone_keras.module('keras'))))
    for inner in ('.api.keras', '.python.keras'):
        if rest == inner or rest.startswith(inner + '.'):
            rest = rest[len(inner):]
    try:
        return standalone_keras.module('keras' + rest)
    except RemovedInTF2Error:
        raise removed(fullname, 'tf.contrib.keras is Keras 2 (tf-keras), which has no such module.') from None


def _where_it_went(name):
    """RemovedInTF2Error for tensorflow.contrib.<module>..., saying where that module went if known."""
    module_name = name.split('.')[2] if name.count('.') >= 2 else ''
    if module_name not in WHERE_IT_WENT:
        return removed(name, PROVIDED)
    shown = name.replace('tensorflow.', 'tf.', 1)
    within = '' if name.count('.') == 2 else ' with tf.contrib.' + module_name
    return RemovedInTF2Error('%s was removed in TensorFlow 2%s; %s'
                             % (shown, within, WHERE_IT_WENT[module_name]))


def _rnn():
    v1 = renames.v1
    cells = keras2('tf.contrib.rnn', lambda: v1.nn.rnn_cell)
    return Namespace('tensorflow.contrib.rnn',
                     dict(static_rnn=v1.nn.static_rnn,
                          static_bidirectional_rnn=v1.nn.static_bidirectional_rnn,
                          static_state_saving_rnn=v1.nn.static_state_saving_rnn,
                          rnn_cell=cells),  # tf.contrib.rnn.rnn_cell.BasicLSTMCell: the same cells
                     lambda: (cells.compute(),), _missing)


_modules = {}  # full name -> module, built on first use


def _build():
    contrib = 'tensorflow.contrib'
    _modules.update(_learn_modules())
    _modules[contrib + '.training'] = Namespace(contrib + '.training', dict(HParams=HParams),
                                                missing=_missing)
    _modules[contrib + '.layers'] = Namespace(
        contrib + '.layers', missing=_missing, attributes=dict(
            real_valued_column=real_valued_column,
            infer_real_valued_columns_from_input=infer_real_valued_columns_from_input),
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
    for name, build in (('metrics', _metrics), ('losses', _losses), ('stateless', _stateless),
                        ('factorization', _factorization), ('distributions', _distributions),
                        ('lookup', _lookup)):
        _modules[contrib + '.' + name] = Lazy(build)
    for name, paths in SAME_IN_CORE.items():
        _modules[contrib + '.' + name] = Namespace(contrib + '.' + name, sources=_v1_modules(*paths),
                                                   missing=_missing)
    _modules[contrib + '.util'] = Namespace(contrib + '.util', dict(
        make_tensor_proto=renames.v1.make_tensor_proto, make_ndarray=renames.v1.make_ndarray,
        constant_value=Lazy(lambda: importlib.import_module('tensorflow.python.framework.tensor_util')
                            .constant_value)), missing=_missing)
    children = {name[len(contrib) + 1:]: Lazy(functools.partial(module, name)) if isinstance(value, Lazy)
                else value for name, value in _modules.items() if name.count('.') == 2}
    children['slim'] = Lazy(lambda: repair_tf_slim('tf.contrib.slim'))
    children['keras'] = Lazy(lambda: _keras(contrib + '.keras'))
    _modules[contrib] = Namespace(contrib, children, missing=_missing)


def module(fullname):
    """The module tensorflow.contrib... `fullname` stands for; RemovedInTF2Error if not provided."""
    if not _modules:
        _build()
    if fullname in _modules:
        if isinstance(_modules[fullname], Lazy):
            _modules[fullname] = _modules[fullname].compute()
        return _modules[fullname]
    if fullname == 'tensorflow.contrib.keras' or fullname.startswith('tensorflow.contrib.keras.'):
        return _keras(fullname)
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
