"""tf.estimator as MNIST programs of TF 1.x used it, built on tf.compat.v1 graph mode.

TensorFlow 2.16 removed tf.estimator, and the last tensorflow-estimator (2.15)
does not import on TensorFlow 2.21 (it needs tensorflow.python.distribute.
estimator_training and tf_export.ESTIMATOR_API_NAME, both gone). What exists:
  Estimator(model_fn, model_dir=None, config=None, params=None)
    train(input_fn, hooks, steps, max_steps)   MonitoredTrainingSession on model_dir: resumes
        from its checkpoint, saves model.ckpt-<step> checkpoints and summaries (loss, the
        model_fn's own, global_step/sec) there; logs loss and step every log_step_count_steps
    evaluate(input_fn, steps, hooks, checkpoint_path, name)   runs eval_metric_ops (and the mean
        loss) over the input, writes them to model_dir/eval (eval_<name>), returns them with
        global_step
    predict(input_fn, predict_keys, hooks, checkpoint_path, yield_single_examples)   a generator
    latest_checkpoint(), get_variable_names(), get_variable_value(name), model_dir, params, config
  EstimatorSpec, ModeKeys, RunConfig, inputs.numpy_input_fn, export.PredictOutput (kept, not exported)
  the session hooks of tf.train: LoggingTensorHook, StopAtStepHook, SessionRunHook, ...
  DNNClassifier(hidden_units, feature_columns, model_dir, n_classes, ..., optimizer, activation_fn,
      dropout, config) and LinearClassifier(feature_columns, model_dir, n_classes, ..., optimizer,
      config): the canned classifiers, each an Estimator with its own model_fn (classifier_model_fn)
      over tf.feature_column.input_layer or linear_model, with TF 1.x's heads: softmax cross
      entropy summed over the batch (sigmoid for n_classes=2), predictions {'logits',
      'probabilities', 'class_ids', 'classes'}, and accuracy and average_loss among the metrics
  feature_column: tf.compat.v1.feature_column (numeric_column, ...)
evaluate and predict restore the newest checkpoint that reads through mnist.checkpoints
(found from the files, a clear error if none). Anything else (export_savedmodel,
train_and_evaluate, the regressors, weight_column, label_vocabulary) stops with one line.
"""
import collections
import functools
import inspect
import os
import tempfile
import warnings

import numpy as np

from mnist import checkpoints
from mnist.tf1.errors import removed
from mnist.tf1.namespace import Namespace

import tensorflow as tf
from tensorflow.python.util import deprecation

v1 = tf.compat.v1

PROVIDED = ('it provides Estimator (train, evaluate, predict), DNNClassifier, LinearClassifier, '
            'EstimatorSpec, ModeKeys, RunConfig, inputs.numpy_input_fn, feature_column and the tf.train '
            'session hooks.')
HOOKS = ('SessionRunHook', 'SessionRunArgs', 'SessionRunContext', 'SessionRunValues', 'LoggingTensorHook',
         'StopAtStepHook', 'CheckpointSaverHook', 'CheckpointSaverListener', 'SummarySaverHook',
         'NanTensorHook', 'StepCounterHook', 'FinalOpsHook', 'FeedFnHook', 'GlobalStepWaiterHook',
         'ProfilerHook', 'SecondOrStepTimer')


class ModeKeys:
    TRAIN = 'train'
    EVAL = 'eval'
    PREDICT = 'infer'


_REQUIRED = {ModeKeys.TRAIN: ('loss', 'train_op'), ModeKeys.EVAL: ('loss',),
             ModeKeys.PREDICT: ('predictions',)}


class EstimatorSpec(collections.namedtuple('EstimatorSpec', [
        'mode', 'predictions', 'loss', 'train_op', 'eval_metric_ops', 'export_outputs',
        'training_chief_hooks', 'training_hooks', 'scaffold', 'evaluation_hooks', 'prediction_hooks'])):
    """What a model_fn returns: for TRAIN loss and train_op, for EVAL loss, for PREDICT predictions."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None, scaffold=None,
                evaluation_hooks=None, prediction_hooks=None):
        given = dict(predictions=predictions, loss=loss, train_op=train_op)
        if mode not in _REQUIRED:
            raise ValueError('EstimatorSpec: mode must be a tf.estimator.ModeKeys value, got %r' % (mode,))
        missing = [name for name in _REQUIRED[mode] if given[name] is None]
        if missing:
            raise ValueError('EstimatorSpec(mode=%r) needs %s' % (mode, ' and '.join(missing)))
        return super().__new__(cls, mode, predictions, loss, train_op, dict(eval_metric_ops or {}),
                               export_outputs, tuple(training_chief_hooks or ()), tuple(training_hooks or ()),
                               scaffold, tuple(evaluation_hooks or ()), tuple(prediction_hooks or ()))


class RunConfig:
    """Where and how often an Estimator saves: checkpoints, summaries, the loss log line."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=None, save_checkpoints_secs=None, session_config=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000, log_step_count_steps=100):
        if save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError('RunConfig: give save_checkpoints_steps or save_checkpoints_secs, not both')
        if save_checkpoints_steps is None and save_checkpoints_secs is None:
            save_checkpoints_secs = 600  # TF 1.x's default
        self.model_dir = model_dir
        self.tf_random_seed = tf_random_seed
        self.save_summary_steps = save_summary_steps
        self.save_checkpoints_steps = save_checkpoints_steps
        self.save_checkpoints_secs = save_checkpoints_secs
        self.session_config = session_config
        self.keep_checkpoint_max = keep_checkpoint_max
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.log_step_count_steps = log_step_count_steps
        self.is_chief = True
        self.num_worker_replicas = 1

    def replace(self, **changes):
        """A copy with `changes` (RunConfig's own arguments) applied."""
        arguments = {name: getattr(self, name) for name in inspect.signature(RunConfig).parameters}
        if 'save_checkpoints_steps' in changes and 'save_checkpoints_secs' not in changes:
            arguments['save_checkpoints_secs'] = None
        if 'save_checkpoints_secs' in changes and 'save_checkpoints_steps' not in changes:
            arguments['save_checkpoints_steps'] = None
        unknown = set(changes) - set(arguments)
        if unknown:
            raise ValueError('RunConfig.replace: unknown or unsupported %s' % ', '.join(sorted(unknown)))
        arguments.update(changes)
        return RunConfig(**arguments)


class PredictOutput:
    """tf.estimator.export.PredictOutput: kept on the EstimatorSpec (this runner exports no SavedModel)."""

    def __init__(self, outputs):
        self.outputs = outputs


def _next_batch(dataset):
    """The get_next() of an iterator over dataset, initialized with the session's local init op."""
    iterator = v1.data.make_initializable_iterator(dataset)
    # The Scaffold's default local_init_op runs the TABLE_INITIALIZERS: the iterator starts with the session.
    v1.add_to_collection(v1.GraphKeys.TABLE_INITIALIZERS, iterator.initializer)
    return iterator.get_next()


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """tf.estimator.inputs.numpy_input_fn: an input_fn of batches of x (a dict of arrays, or an array) and y.

    num_epochs=None repeats forever. The last batch of an epoch may be smaller.
    queue_capacity and num_threads are accepted and not needed: batches come from NumPy.
    """
    if shuffle is None:
        raise ValueError('numpy_input_fn: shuffle must be given, True or False (TF 1.x required it too)')
    columns = dict(x) if isinstance(x, dict) else {'x': x}
    columns = {key: np.asarray(array) for key, array in columns.items()}
    if y is not None:
        columns['__labels'] = np.asarray(y)
    lengths = {key: len(array) for key, array in columns.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError('numpy_input_fn: x and y must have as many rows each, got %s' % lengths)
    count = lengths.popitem()[1]

    def batches():
        epoch = 0
        while num_epochs is None or epoch < num_epochs:
            order = np.random.permutation(count) if shuffle else np.arange(count)
            for start in range(0, count, batch_size):
                rows = order[start:start + batch_size]
                yield {key: array[rows] for key, array in columns.items()}
            epoch += 1

    def input_fn():
        signature = {key: tf.TensorSpec((None,) + array.shape[1:], tf.as_dtype(array.dtype))
                     for key, array in columns.items()}
        batch = _next_batch(tf.data.Dataset.from_generator(batches, output_signature=signature))
        labels = batch.pop('__labels', None)
        features = batch if isinstance(x, dict) else batch['x']
        return features if y is None else (features, labels)
    return input_fn


def _call_with(function, available):
    """function(**the entries of `available` its signature names)."""
    names = inspect.signature(function).parameters
    return function(**{name: value for name, value in available.items() if name in names})


def _features_and_labels(input_result):
    """(features, labels) from what an input_fn returned: a tuple, features alone, or a tf.data.Dataset."""
    if isinstance(input_result, tf.data.Dataset):
        input_result = _next_batch(input_result)
    if isinstance(input_result, tuple) and len(input_result) == 2:
        return input_result
    return input_result, None


class Estimator:
    """tf.estimator.Estimator: model_fn(features, labels, mode, params, config) -> EstimatorSpec."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None, warm_start_from=None):
        if warm_start_from is not None:
            raise removed('tf.estimator.Estimator(warm_start_from=...)', PROVIDED)
        config = config or RunConfig()
        if model_dir and config.model_dir and model_dir != config.model_dir:
            raise ValueError('Estimator: model_dir %r and config.model_dir %r differ'
                             % (model_dir, config.model_dir))
        model_dir = model_dir or config.model_dir or tempfile.mkdtemp()
        self.model_dir = os.path.expanduser(model_dir)
        self.config = config.replace(model_dir=self.model_dir)
        self.params = dict(params) if isinstance(params, dict) else {} if params is None else params
        self.model_fn = model_fn

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        raise removed('tf.estimator.Estimator.%s' % name, PROVIDED)

    def _build(self, input_fn, mode):
        """Builds input and model in the default graph; returns the EstimatorSpec and its features."""
        if self.config.tf_random_seed is not None:
            v1.set_random_seed(self.config.tf_random_seed)
        v1.train.get_or_create_global_step()
        features, labels = _features_and_labels(
            _call_with(input_fn, dict(mode=mode, params=self.params, config=self.config)))
        return self._model(features, labels, mode)

    def _model(self, features, labels, mode):
        """The EstimatorSpec of model_fn."""
        spec = _call_with(self.model_fn, dict(features=features, labels=labels, mode=mode,
                                              params=self.params, config=self.config))
        if not isinstance(spec, EstimatorSpec):
            raise ValueError('model_fn must return a tf.estimator.EstimatorSpec, got %r' % (spec,))
        return spec

    def latest_checkpoint(self):
        """The newest readable checkpoint in model_dir, or None."""
        try:
            return checkpoints.newest(self.model_dir)
        except checkpoints.CheckpointError:
            return None

    def get_variable_names(self):
        return sorted(checkpoints.variables(checkpoints.newest(self.model_dir)))

    def get_variable_value(self, name):
        return checkpoints.read_tensor(checkpoints.newest(self.model_dir), name)

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains until input_fn ends, `steps` more steps, or global step `max_steps`; returns self."""
        if saving_listeners:
            raise removed('tf.estimator.Estimator.train(saving_listeners=...)', PROVIDED)
        if steps is not None and max_steps is not None:
            raise ValueError('Estimator.train: give steps or max_steps, not both')
        latest = self.latest_checkpoint()
        if max_steps is not None and latest and checkpoints.read_tensor(latest, 'global_step') >= max_steps:
            return self  # as TF 1.x: already trained that far
        with tf.Graph().as_default():
            spec = self._build(input_fn, ModeKeys.TRAIN)
            global_step = v1.train.get_global_step()
            v1.summary.scalar('loss', spec.loss)
            all_hooks = list(hooks or []) + list(spec.training_hooks) + list(spec.training_chief_hooks)
            all_hooks += [v1.train.NanTensorHook(spec.loss),
                          v1.train.LoggingTensorHook({'loss': spec.loss, 'step': global_step},
                                                     every_n_iter=self.config.log_step_count_steps)]
            if steps is not None or max_steps is not None:
                all_hooks.append(v1.train.StopAtStepHook(num_steps=steps, last_step=max_steps))
            scaffold = spec.scaffold or v1.train.Scaffold(saver=v1.train.Saver(
                sharded=True, max_to_keep=self.config.keep_checkpoint_max,
                keep_checkpoint_every_n_hours=self.config.keep_checkpoint_every_n_hours))
            with v1.train.MonitoredTrainingSession(
                    checkpoint_dir=self.model_dir, scaffold=scaffold, hooks=all_hooks,
                    save_checkpoint_steps=self.config.save_checkpoints_steps,
                    save_checkpoint_secs=self.config.save_checkpoints_secs,
                    save_summaries_steps=self.config.save_summary_steps,
                    log_step_count_steps=self.config.log_step_count_steps,
                    config=self.config.session_config) as session:
                while not session.should_stop():
                    session.run(spec.train_op)
        return self

    def _restoring_session(self, checkpoint_path, hooks):
        """A MonitoredSession whose variables come from checkpoint_path (default: the newest readable)."""
        path = checkpoint_path or checkpoints.newest(self.model_dir)

        def restore(scaffold, session):
            checkpoints.restore(session, path, 'Estimator model_fn', saver=scaffold.saver)
        creator = v1.train.ChiefSessionCreator(scaffold=v1.train.Scaffold(init_fn=restore),
                                               config=self.config.session_config)
        return v1.train.MonitoredSession(session_creator=creator, hooks=hooks)

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Runs the metrics over input_fn (or `steps` batches); returns them, with loss and global_step."""
        with tf.Graph().as_default():
            spec = self._build(input_fn, ModeKeys.EVAL)
            metrics = dict(spec.eval_metric_ops, loss=v1.metrics.mean(spec.loss))
            values = {key: value for key, (value, _) in metrics.items()}
            values['global_step'] = v1.train.get_global_step()
            update = tf.group(*[update for _, update in metrics.values()])
            final = v1.train.FinalOpsHook(values)
            all_hooks = list(hooks or []) + list(spec.evaluation_hooks) + [final]
            with self._restoring_session(checkpoint_path, all_hooks) as session:
                done = 0
                while not session.should_stop() and (steps is None or done < steps):
                    session.run(update)
                    done += 1
        results = final.final_ops_values
        self._write_eval_summaries(results, name)
        return results

    def _write_eval_summaries(self, results, name):
        v1.logging.info('Saving dict for global step %d: %s', int(results['global_step']),
                        ', '.join('%s = %s' % item for item in sorted(results.items())))
        summary = v1.Summary()
        for key, value in sorted(results.items()):
            if key != 'global_step' and np.ndim(value) == 0:
                summary.value.add(tag=key, simple_value=float(value))
        with tf.Graph().as_default():  # a FileWriter needs graph mode, also where the caller runs eagerly
            writer = v1.summary.FileWriter(os.path.join(self.model_dir, 'eval_' + name if name else 'eval'))
            writer.add_summary(summary, int(results['global_step']))
            writer.close()

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields the predictions of each example (each batch if not yield_single_examples)."""
        with tf.Graph().as_default():
            spec = self._build(input_fn, ModeKeys.PREDICT)
            predictions = spec.predictions
            if predict_keys and isinstance(predictions, dict):
                predictions = {key: predictions[key] for key in predict_keys}
            all_hooks = list(hooks or []) + list(spec.prediction_hooks)
            with self._restoring_session(checkpoint_path, all_hooks) as session:
                while not session.should_stop():
                    batch = session.run(predictions)
                    if not yield_single_examples:
                        yield batch
                    elif isinstance(batch, dict):
                        for row in range(len(next(iter(batch.values())))):
                            yield {key: value[row] for key, value in batch.items()}
                    else:
                        yield from batch


# The optimizers a canned estimator takes by name, as TF 1.x's did.
OPTIMIZERS = {'Adagrad': v1.train.AdagradOptimizer, 'Adam': v1.train.AdamOptimizer,
              'Ftrl': v1.train.FtrlOptimizer, 'RMSProp': v1.train.RMSPropOptimizer,
              'SGD': v1.train.GradientDescentOptimizer}


def _optimizer(optimizer, learning_rate):
    """The Optimizer a canned estimator's `optimizer` gives: a name of OPTIMIZERS, an instance, a callable."""
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError('optimizer %r: expected one of %s, an Optimizer or a function returning one'
                             % (optimizer, ', '.join(sorted(OPTIMIZERS))))
        return OPTIMIZERS[optimizer](learning_rate)
    if callable(optimizer) and not isinstance(optimizer, v1.train.Optimizer):
        optimizer = optimizer()
    if not isinstance(optimizer, v1.train.Optimizer):
        raise ValueError('optimizer must be a tf.train.Optimizer, its name or a function returning one; '
                         'got %r' % (optimizer,))
    return optimizer


def _as_feature_dict(features):
    """Features as a dict: a bare tensor is the feature named '' (as contrib.learn's x was)."""
    return features if isinstance(features, dict) else {'': features}


def _dnn_logits(features, params, mode):
    """logits: float32 [batch, head units], after the hidden layers dnn/hiddenlayer_N and dnn/logits."""
    net = v1.feature_column.input_layer(features, params['feature_columns'])
    for index, units in enumerate(params['hidden_units']):
        with v1.variable_scope('dnn/hiddenlayer_%d' % index):
            net = _dense(net, units, params['activation_fn'])
            if params['dropout'] is not None and mode == ModeKeys.TRAIN:
                net = v1.nn.dropout(net, rate=params['dropout'])  # dropout: the fraction dropped
    with v1.variable_scope('dnn/logits'):
        return _dense(net, params['logits_units'], None)


def _dense(inputs, units, activation):
    """activation(inputs @ kernel + bias): kernel Glorot-uniform and bias zero, as tf.layers.dense made."""
    kernel = v1.get_variable('kernel', [inputs.shape[-1], units], initializer=v1.glorot_uniform_initializer())
    bias = v1.get_variable('bias', [units], initializer=v1.zeros_initializer())
    outputs = tf.matmul(inputs, kernel) + bias
    return activation(outputs) if activation is not None else outputs


def _linear_logits(features, params, mode):
    """logits: float32 [batch, head units], tf.feature_column.linear_model (weights and bias per column)."""
    with v1.variable_scope('linear'):
        return v1.feature_column.linear_model(features, params['feature_columns'],
                                              units=params['logits_units'])


def classifier_model_fn(features, labels, mode, params):
    """The model_fn of the canned classifiers: params['logits_fn'] under TF 1.x's classification head.

    n_classes > 2: softmax cross entropy. n_classes == 2: one logit, sigmoid cross entropy.
    The training loss is the sum over the batch (tf.estimator's Reduction.SUM), or the mean
    (contrib.learn's, params['loss_reduction'] 'mean'); average_loss is the mean.
    """
    # The feature columns' deprecation warnings would be about this model_fn, not about the program.
    with deprecation.silence(), warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        logits = params['logits_fn'](_as_feature_dict(features), params, mode)
    if params['n_classes'] == 2:
        probability = tf.sigmoid(logits)
        probabilities = tf.concat([1 - probability, probability], axis=1)
        class_ids = tf.cast(logits > 0, tf.int64)
    else:
        probabilities = tf.nn.softmax(logits)
        class_ids = tf.expand_dims(tf.argmax(logits, axis=1), 1)
    predictions = {'logits': logits, 'probabilities': probabilities, 'class_ids': class_ids,
                   'classes': tf.strings.as_string(class_ids)}
    if params['n_classes'] == 2:
        predictions['logistic'] = probability
    if mode == ModeKeys.PREDICT:
        return EstimatorSpec(mode, predictions=predictions)
    labels = tf.reshape(tf.cast(labels, tf.int64), [-1, 1])  # [batch] or [batch, 1] class ids
    if params['n_classes'] == 2:
        example_losses = v1.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(labels, tf.float32),
                                                                  logits=logits)
    else:
        example_losses = tf.expand_dims(v1.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels[:, 0], logits=logits), 1)
    reduce = tf.reduce_sum if params['loss_reduction'] == 'sum' else tf.reduce_mean
    loss = reduce(example_losses)
    if mode == ModeKeys.EVAL:
        return EstimatorSpec(mode, predictions=predictions, loss=loss, eval_metric_ops={
            'accuracy': v1.metrics.accuracy(labels, class_ids),
            'average_loss': v1.metrics.mean(example_losses)})
    train_op = params['optimizer']().minimize(loss, global_step=v1.train.get_global_step())
    return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


def _canned_params(name, feature_columns, n_classes, optimizer, learning_rate, weight_column,
                   label_vocabulary, warm_start_from):
    """The params every canned classifier takes, checked."""
    for argument, value in (('weight_column', weight_column), ('label_vocabulary', label_vocabulary),
                            ('warm_start_from', warm_start_from)):
        if value is not None:
            raise removed('tf.estimator.%s(%s=...)' % (name, argument), PROVIDED)
    feature_columns = list(feature_columns or [])
    if not feature_columns:
        raise ValueError('%s: feature_columns must name at least one column, got none' % name)
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError('%s: n_classes must be an integer of at least 2, got %r' % (name, n_classes))
    _optimizer(optimizer, learning_rate)  # a bad optimizer stops here, not at train()
    return dict(feature_columns=feature_columns, n_classes=int(n_classes), loss_reduction='sum',
                logits_units=1 if n_classes == 2 else int(n_classes),
                optimizer=lambda: _optimizer(optimizer, learning_rate))


class DNNClassifier(Estimator):
    """tf.estimator.DNNClassifier: hidden layers of `hidden_units`, then a softmax (or sigmoid) head.

    Defaults as TF 1.x's: Adagrad at 0.05, ReLU, no dropout (dropout is the fraction of
    units dropped while training).
    """

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer='Adagrad', activation_fn=tf.nn.relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None, loss_reduction=None,
                 batch_norm=False):
        if batch_norm:
            raise removed('tf.estimator.DNNClassifier(batch_norm=True)', PROVIDED)
        hidden_units = list(hidden_units)
        if not hidden_units or not all(isinstance(units, (int, np.integer)) and units > 0
                                       for units in hidden_units):
            raise ValueError('DNNClassifier: hidden_units must be a list of positive layer sizes, got %r'
                             % (hidden_units,))
        if dropout is not None and not 0 <= dropout < 1:
            raise ValueError('DNNClassifier: dropout is the fraction of units dropped, in [0, 1); got %r'
                             % (dropout,))
        params = _canned_params('DNNClassifier', feature_columns, n_classes, optimizer, 0.05, weight_column,
                                label_vocabulary, warm_start_from)
        params.update(logits_fn=_dnn_logits, hidden_units=hidden_units, activation_fn=activation_fn,
                      dropout=dropout)
        super().__init__(classifier_model_fn, model_dir=model_dir, config=config, params=params)


class LinearClassifier(Estimator):
    """tf.estimator.LinearClassifier: a weight per feature value and class, and a bias per class.

    Default optimizer as TF 1.x's: Ftrl at min(0.2, 1 / sqrt(number of feature columns)).
    """

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer='Ftrl', config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=None, sparse_combiner='sum'):
        columns = list(feature_columns or [])
        learning_rate = min(0.2, 1 / np.sqrt(max(len(columns), 1)))
        params = _canned_params('LinearClassifier', columns, n_classes, optimizer, learning_rate,
                                weight_column, label_vocabulary, warm_start_from)
        params.update(logits_fn=_linear_logits)
        super().__init__(classifier_model_fn, model_dir=model_dir, config=config, params=params)


def _missing(name):
    return removed(name, PROVIDED)


def modules():
    """tensorflow.estimator and its submodules inputs and export, by full name."""
    inputs = Namespace('tensorflow.estimator.inputs', dict(numpy_input_fn=numpy_input_fn), missing=_missing)
    export = Namespace('tensorflow.estimator.export', dict(PredictOutput=PredictOutput), missing=_missing)
    attributes = dict(Estimator=Estimator, EstimatorSpec=EstimatorSpec, ModeKeys=ModeKeys,
                      RunConfig=RunConfig, inputs=inputs, export=export, DNNClassifier=DNNClassifier,
                      LinearClassifier=LinearClassifier)
    attributes.update({name: getattr(v1.train, name) for name in HOOKS})
    return {'tensorflow.estimator': Namespace('tensorflow.estimator', attributes, missing=_missing),
            'tensorflow.estimator.inputs': inputs, 'tensorflow.estimator.export': export}


class _LearnInterface:
    """tf.contrib.learn's estimator methods: fit / evaluate / predict on arrays x, y (or an input_fn).

    Arrays are the feature named '' (infer_real_valued_columns_from_input's column). As
    contrib.learn's data feeder did, batch_size None takes all rows as one batch; fit shuffles
    and repeats, evaluate and predict read the rows once, in order.
    """

    def _input_fn(self, x, y, input_fn, batch_size, training):
        if (x is None) == (input_fn is None):
            raise ValueError('%s: give x (and y) or input_fn, not both and not neither'
                             % type(self).__name__)
        if input_fn is not None:
            return input_fn
        x = np.asarray(x)
        if batch_size is not None and batch_size <= 0:
            raise ValueError('Invalid batch_size %d.' % batch_size)  # contrib.learn's own words
        return numpy_input_fn(self._features_of(x), None if y is None else np.asarray(y),
                              batch_size=batch_size or len(x), num_epochs=None if training else 1,
                              shuffle=training)

    @staticmethod
    def _features_of(x):
        """The canned estimators' features of an array x: the column named ''."""
        return {'': x}

    def fit(self, x=None, y=None, input_fn=None, steps=None, batch_size=None, monitors=None, max_steps=None):
        """Trains `steps` steps (or to global step max_steps; without either, until stopped); returns self."""
        if monitors and not all(isinstance(hook, v1.train.SessionRunHook) for hook in monitors):
            raise removed('tf.contrib.learn monitors that are not tf.train.SessionRunHooks', PROVIDED)
        return self.train(self._input_fn(x, y, input_fn, batch_size, True), hooks=monitors, steps=steps,
                          max_steps=max_steps)

    def evaluate(self, x=None, y=None, input_fn=None, feed_fn=None, batch_size=None, steps=None,
                 metrics=None, name=None, checkpoint_path=None, hooks=None):
        """{'accuracy', 'loss', 'average_loss', 'global_step'} over x, y (or input_fn)."""
        if feed_fn is not None or metrics is not None:
            argument = 'feed_fn' if feed_fn is not None else 'metrics'
            raise removed('tf.contrib.learn evaluate(%s=...)' % argument, PROVIDED)
        return super().evaluate(self._input_fn(x, y, input_fn, batch_size, False), steps=steps, hooks=hooks,
                                checkpoint_path=checkpoint_path, name=name)

    def _predictions(self, x, input_fn, batch_size, key, as_iterable):
        predictions = (p[key] for p in super().predict(self._input_fn(x, None, input_fn, batch_size, False),
                                                       predict_keys=[key]))
        if key == 'class_ids':
            predictions = (int(p[0]) for p in predictions)
        return predictions if as_iterable else np.array(list(predictions))

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """The predicted classes (contrib.learn's predict was predict_classes), or the dicts of `outputs`."""
        if outputs is not None:
            keys = ['class_ids' if key == 'classes' else key for key in outputs]
            found = super().predict(self._input_fn(x, None, input_fn, batch_size, False), predict_keys=keys)
            renamed = (_learn_outputs(row) for row in found)
            return renamed if as_iterable else list(renamed)
        return self._predictions(x, input_fn, batch_size, 'class_ids', as_iterable)

    def predict_classes(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        return self._predictions(x, input_fn, batch_size, 'class_ids', as_iterable)

    def predict_proba(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        return self._predictions(x, input_fn, batch_size, 'probabilities', as_iterable)


def _learn_outputs(row):
    """A row of predictions as contrib.learn named them: 'classes' the class as an int."""
    return {'classes' if key == 'class_ids' else key: int(value[0]) if key == 'class_ids' else value
            for key, value in row.items()}


def _refuse_learn_arguments(name, **given):
    """One line for an argument of contrib.learn's estimators that is not provided, if given."""
    for argument, value in given.items():
        if value:
            raise removed('tf.contrib.learn.%s(%s=...)' % (name, argument), PROVIDED)


class LearnDNNClassifier(_LearnInterface, DNNClassifier):
    """tf.contrib.learn.DNNClassifier: the canned DNNClassifier with fit / evaluate / predict on
    arrays, and contrib.learn's mean loss over the batch."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column_name=None, optimizer=None, activation_fn=tf.nn.relu, dropout=None,
                 gradient_clip_norm=None,
                 enable_centered_bias=False, config=None, feature_engineering_fn=None,
                 embedding_lr_multipliers=None, input_layer_min_slice_size=None, label_keys=None):
        _refuse_learn_arguments('DNNClassifier', weight_column_name=weight_column_name,
                                gradient_clip_norm=gradient_clip_norm,
                                enable_centered_bias=enable_centered_bias,
                                feature_engineering_fn=feature_engineering_fn,
                                embedding_lr_multipliers=embedding_lr_multipliers, label_keys=label_keys)
        super().__init__(hidden_units, feature_columns, model_dir=model_dir, n_classes=n_classes,
                         optimizer=optimizer or 'Adagrad', activation_fn=activation_fn, dropout=dropout,
                         config=config)
        self.params['loss_reduction'] = 'mean'


class LearnLinearClassifier(_LearnInterface, LinearClassifier):
    """tf.contrib.learn.LinearClassifier: the canned LinearClassifier, fit / evaluate / predict on arrays."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column_name=None,
                 optimizer=None, gradient_clip_norm=None, enable_centered_bias=False, _joint_weight=False,
                 config=None,
                 feature_engineering_fn=None, label_keys=None):
        _refuse_learn_arguments('LinearClassifier', weight_column_name=weight_column_name,
                                gradient_clip_norm=gradient_clip_norm,
                                enable_centered_bias=enable_centered_bias,
                                _joint_weight=_joint_weight, feature_engineering_fn=feature_engineering_fn,
                                label_keys=label_keys)
        super().__init__(feature_columns, model_dir=model_dir, n_classes=n_classes,
                         optimizer=optimizer or 'Ftrl', config=config)
        self.params['loss_reduction'] = 'mean'


class LearnModeKeys:
    """tf.contrib.learn.ModeKeys: INFER where tf.estimator says PREDICT (the same 'infer')."""
    TRAIN = ModeKeys.TRAIN
    EVAL = ModeKeys.EVAL
    INFER = ModeKeys.PREDICT


class ModelFnOps(EstimatorSpec):
    """tf.contrib.learn's ModelFnOps: what its model_fn returned, an EstimatorSpec by another name."""
    __slots__ = ()

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                output_alternatives=None, training_chief_hooks=None, training_hooks=None, scaffold=None):
        return super().__new__(cls, mode, predictions=predictions, loss=loss, train_op=train_op,
                               eval_metric_ops=eval_metric_ops, training_chief_hooks=training_chief_hooks,
                               training_hooks=training_hooks, scaffold=scaffold)


class MetricSpec:
    """tf.contrib.learn.MetricSpec: metric_fn on the predictions (and labels) a model_fn gave.

    metric_fn is called with labels= and predictions= (and weights=) where it names them, as
    tf.metrics do; otherwise positionally, (predictions, labels), as the streaming metrics of
    tf.contrib.metrics took them.
    """

    def __init__(self, metric_fn, prediction_key=None, label_key=None, weight_key=None):
        self.metric_fn = metric_fn
        self.prediction_key = prediction_key
        self.label_key = label_key
        self.weight_key = weight_key

    def create_metric_ops(self, inputs, labels, predictions, name='metric'):
        """metric_fn's (value, update_op) on the tensors of the keys this spec names."""
        predictions = _by_key(predictions, self.prediction_key, 'predictions', 'prediction_key', name)
        labels = _by_key(labels, self.label_key, 'labels', 'label_key', name)
        arguments = dict(predictions=predictions, labels=labels)
        if self.weight_key is not None:
            arguments['weights'] = _by_key(inputs, self.weight_key, 'features', 'weight_key', name)
        names = inspect.signature(self.metric_fn).parameters
        if 'predictions' in names and 'labels' in names:
            return self.metric_fn(**arguments)
        return self.metric_fn(*arguments.values())


def _by_key(tensors, key, what, argument, name):
    """tensors[key] where the model gave a dict, tensors itself where it gave one tensor."""
    if key is not None:
        if not isinstance(tensors, dict) or key not in tensors:
            raise ValueError('metrics[%r]: %s %r not among the model\'s %s %s' % (
                name, argument, key, what, sorted(tensors) if isinstance(tensors, dict) else '(one tensor)'))
        return tensors[key]
    if isinstance(tensors, dict):
        if len(tensors) != 1:
            raise ValueError('metrics[%r]: the model\'s %s are a dict %s; say which with MetricSpec(%s=...)'
                             % (name, what, sorted(tensors), argument))
        return next(iter(tensors.values()))
    return tensors


def _metric_specs(metrics):
    """{name: MetricSpec} of contrib.learn's metrics: MetricSpecs, or functions under 'name' or
    ('name', 'prediction key')."""
    specs = {}
    for key, metric in metrics.items():
        name, prediction_key = key if isinstance(key, tuple) else (key, None)
        if not isinstance(metric, MetricSpec):
            if not callable(metric):
                raise ValueError('metrics[%r]: expected a MetricSpec or a metric function, got %r'
                                 % (key, metric))
            metric = MetricSpec(metric, prediction_key=prediction_key)
        specs[name] = metric
    return specs


class LearnEstimator(_LearnInterface, Estimator):
    """tf.contrib.learn.Estimator: model_fn(features, labels, [mode, params, config]) giving
    ModelFnOps (or, as in TF 0.x, the tuple predictions, loss, train_op); fit / evaluate / predict on
    arrays x, y (x itself is the features) or an input_fn; evaluate's metrics as MetricSpecs."""

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None, feature_engineering_fn=None):
        _refuse_learn_arguments('Estimator', feature_engineering_fn=feature_engineering_fn)
        if model_fn is None:
            raise ValueError('tf.contrib.learn.Estimator: model_fn must be given')
        super().__init__(model_fn, model_dir=model_dir, config=config, params=params)
        self._metrics = {}

    @staticmethod
    def _features_of(x):
        return x

    def _model(self, features, labels, mode):
        # As contrib.learn called it: features and labels first, whatever their names (X, y,
        # targets), then mode, params and config where the model_fn names them.
        result = _call_with(functools.partial(self.model_fn, features, labels),
                            dict(mode=mode, params=self.params, config=self.config))
        if isinstance(result, tuple) and len(result) == 3:  # not a ModelFnOps, a tuple of 11
            predictions, loss, train_op = result
            result = ModelFnOps(mode, predictions=predictions, loss=loss, train_op=train_op)
        if not isinstance(result, EstimatorSpec):
            raise ValueError('model_fn must return a tf.contrib.learn ModelFnOps (or predictions, loss, '
                             'train_op), got %r' % (result,))
        if mode == ModeKeys.EVAL and self._metrics:
            ops = {name: spec.create_metric_ops(features, labels, result.predictions, name)
                   for name, spec in self._metrics.items()}
            result = result._replace(eval_metric_ops=dict(result.eval_metric_ops, **ops))
        return result

    def evaluate(self, x=None, y=None, input_fn=None, feed_fn=None, batch_size=None, steps=None,
                 metrics=None, name=None, checkpoint_path=None, hooks=None):
        """{metric names, 'loss', 'global_step'} over x, y (or input_fn)."""
        if feed_fn is not None:
            raise removed('tf.contrib.learn evaluate(feed_fn=...)', PROVIDED)
        self._metrics = _metric_specs(metrics or {})
        try:
            return Estimator.evaluate(self, self._input_fn(x, y, input_fn, batch_size, False), steps=steps,
                                      hooks=hooks, checkpoint_path=checkpoint_path, name=name)
        finally:
            self._metrics = {}

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """The model's predictions of each example (its dict's `outputs` keys); all at once, as arrays,
        with as_iterable=False."""
        rows = Estimator.predict(self, self._input_fn(x, None, input_fn, batch_size, False),
                                 predict_keys=outputs)
        if as_iterable:
            return rows
        rows = list(rows)
        if rows and isinstance(rows[0], dict):
            return {key: np.array([row[key] for row in rows]) for key in rows[0]}
        return np.array(rows)


class Experiment:
    """tf.contrib.learn.Experiment: an estimator with its training and evaluation inputs, run locally.

    train() trains to global step train_steps; evaluate() runs eval_steps batches (None: the
    whole input); train_and_evaluate() trains, evaluating every min_eval_frequency steps when
    given, and returns the last evaluation with the (empty) list of exports.
    """

    def __init__(self, estimator, train_input_fn, eval_input_fn, eval_metrics=None, train_steps=None,
                 eval_steps=100, train_monitors=None, eval_hooks=None, local_eval_frequency=None,
                 eval_delay_secs=120, continuous_eval_throttle_secs=60, min_eval_frequency=None,
                 delay_workers_by_global_step=False, export_strategies=None, train_steps_per_iteration=None,
                 checkpoint_and_export=False, saving_listeners=None, check_interval_secs=5):
        if not isinstance(estimator, Estimator):
            raise ValueError('Experiment: estimator must be a tf.estimator or tf.contrib.learn Estimator, '
                             'got %r' % (estimator,))
        if eval_metrics is not None and not isinstance(estimator, LearnEstimator):
            raise ValueError('Experiment: eval_metrics must be None with a tf.estimator.Estimator; '
                             'give its model_fn eval_metric_ops')
        _refuse_learn_arguments('Experiment', export_strategies=export_strategies,
                                saving_listeners=saving_listeners)
        self.estimator = estimator
        self._train_input_fn = train_input_fn
        self._eval_input_fn = eval_input_fn
        self._eval_metrics = eval_metrics
        self._train_steps = train_steps
        self._eval_steps = eval_steps
        self._train_monitors = list(train_monitors or [])
        self._eval_hooks = list(eval_hooks or [])
        self._min_eval_frequency = min_eval_frequency or local_eval_frequency

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        raise removed('tf.contrib.learn.Experiment.%s' % name,
                      'of Experiment it provides train, evaluate, train_and_evaluate, local_run and test.')

    def train(self, delay_secs=None):
        """Trains to global step train_steps (or until the input ends)."""
        return self.estimator.train(self._train_input_fn, hooks=self._train_monitors,
                                    max_steps=self._train_steps)

    def evaluate(self, delay_secs=None, name=None):
        """The estimator's evaluation of eval_steps batches of the evaluation input."""
        return self._evaluate(self._eval_steps, name)

    def _evaluate(self, steps, name):
        if isinstance(self.estimator, LearnEstimator):
            return self.estimator.evaluate(input_fn=self._eval_input_fn, steps=steps,
                                           metrics=self._eval_metrics,
                                           name=name, hooks=self._eval_hooks)
        return Estimator.evaluate(self.estimator, self._eval_input_fn, steps=steps, hooks=self._eval_hooks,
                                  name=name)

    def train_and_evaluate(self):
        """Trains, evaluating every min_eval_frequency steps, then once more; (evaluation, exports)."""
        results = None
        if self._min_eval_frequency and self._train_steps is not None:
            step = self._global_step()
            while step < self._train_steps:
                step = min(step + self._min_eval_frequency, self._train_steps)
                self.estimator.train(self._train_input_fn, hooks=self._train_monitors, max_steps=step)
                results = self._evaluate(self._eval_steps, None)
                step = int(results['global_step'])
        else:
            self.train()
        if results is None:
            results = self._evaluate(self._eval_steps, None)
        return results, []

    local_run = train_and_evaluate

    def test(self):
        """One training step and one evaluation batch: a check that the experiment runs."""
        self.estimator.train(self._train_input_fn, hooks=self._train_monitors, steps=1)
        return self._evaluate(1, None)

    def _global_step(self):
        latest = self.estimator.latest_checkpoint()
        return int(checkpoints.read_tensor(latest, 'global_step')) if latest else 0


LEARN_RUNNER_SCHEDULES = ('train', 'evaluate', 'train_and_evaluate', 'local_run', 'test')


def learn_runner_run(experiment_fn, output_dir=None, schedule=None, run_config=None, hparams=None):
    """tf.contrib.learn.learn_runner.run: experiment_fn(run_config, hparams) (TF 1.3+) or
    experiment_fn(output_dir) (before), then the experiment's `schedule` (train_and_evaluate here,
    where no cluster is configured); returns what the schedule returned."""
    if (output_dir is None) == (run_config is None):
        raise ValueError('learn_runner.run: give run_config (with hparams) or output_dir, not both '
                         'and not neither')
    schedule = schedule or 'train_and_evaluate'
    if schedule not in LEARN_RUNNER_SCHEDULES:
        raise ValueError('learn_runner.run: schedule %r is not one this runner provides; expected one of %s'
                         % (schedule, ', '.join(LEARN_RUNNER_SCHEDULES)))
    if run_config is not None:
        experiment = experiment_fn(run_config, hparams)
    else:
        experiment = experiment_fn(output_dir)
    if not isinstance(experiment, Experiment):
        raise ValueError('learn_runner.run: experiment_fn must return a tf.contrib.learn.Experiment, got %r'
                         % (experiment,))
    return getattr(experiment, schedule)()


class SKCompat:
    """tf.contrib.learn.SKCompat(estimator): fit / score / predict as scikit-learn names them."""

    def __init__(self, estimator):
        self._estimator = estimator

    def fit(self, x, y, batch_size=128, steps=None, max_steps=None, monitors=None):
        self._estimator.fit(x, y, batch_size=batch_size, steps=steps, max_steps=max_steps, monitors=monitors)
        return self

    def score(self, x, y, batch_size=128, steps=None, metrics=None, name=None):
        return self._estimator.evaluate(x, y, batch_size=batch_size, steps=steps, metrics=metrics, name=name)

    def predict(self, x, batch_size=128, outputs=None):
        """{'classes', 'probabilities', 'logits'} (or `outputs`), each an array over the rows of x; a
        contrib.learn Estimator's own predictions."""
        if isinstance(self._estimator, LearnEstimator):
            return self._estimator.predict(x, batch_size=batch_size, outputs=outputs, as_iterable=False)
        keys = list(outputs or ['classes', 'probabilities', 'logits'])
        rows = list(self._estimator.predict(x, batch_size=batch_size, outputs=keys))
        return {key: np.array([row[key] for row in rows]) for key in keys}
