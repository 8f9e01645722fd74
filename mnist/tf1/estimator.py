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
evaluate and predict restore the newest checkpoint that reads through mnist.checkpoints
(found from the files, a clear error if none). Anything else (export_savedmodel,
train_and_evaluate, the canned estimators, feature columns) stops with one line.
"""
import collections
import inspect
import os
import tempfile

import numpy as np

from mnist import checkpoints
from mnist.tf1.errors import removed
from mnist.tf1.namespace import Namespace

import tensorflow as tf

v1 = tf.compat.v1

PROVIDED = ('it provides Estimator (train, evaluate, predict), EstimatorSpec, ModeKeys, RunConfig, '
            'inputs.numpy_input_fn and the tf.train session hooks.')
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
        self.params = dict(params or {})
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
        summary = v1.Summary()
        for key, value in sorted(results.items()):
            if key != 'global_step' and np.ndim(value) == 0:
                summary.value.add(tag=key, simple_value=float(value))
        writer = v1.summary.FileWriter(os.path.join(self.model_dir, 'eval' if not name else 'eval_' + name))
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


def _missing(name):
    return removed(name, PROVIDED)


def modules():
    """tensorflow.estimator and its submodules inputs and export, by full name."""
    inputs = Namespace('tensorflow.estimator.inputs', dict(numpy_input_fn=numpy_input_fn), missing=_missing)
    export = Namespace('tensorflow.estimator.export', dict(PredictOutput=PredictOutput), missing=_missing)
    attributes = dict(Estimator=Estimator, EstimatorSpec=EstimatorSpec, ModeKeys=ModeKeys,
                      RunConfig=RunConfig, inputs=inputs, export=export)
    attributes.update({name: getattr(v1.train, name) for name in HOOKS})
    return {'tensorflow.estimator': Namespace('tensorflow.estimator', attributes, missing=_missing),
            'tensorflow.estimator.inputs': inputs, 'tensorflow.estimator.export': export}
