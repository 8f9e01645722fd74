"""The session loop the scripts share: build a model's graph, train, checkpoint, evaluate, restore.

`run_training(config)` is what `scripts/fully_connected_feed.py`,
`mnist_softmax.py` and `mnist_deep.py` call, and `evaluate_checkpoint()` is
`scripts/mnist_eval.py`. Both print the tutorials' log lines and return their
metrics as a dict.
"""
import dataclasses
import os
import sys
import time
from typing import Callable, Optional

import tensorflow as tf

from mnist import cnn, fully_connected, input_data, layers, softmax
from mnist.layers import IMAGE_PIXELS

v1 = tf.compat.v1

MODELS = {'softmax': softmax, 'fully_connected': fully_connected, 'cnn': cnn}
SPLITS = ('train', 'validation', 'test')
SPLIT_HEADINGS = {'train': 'Training Data Eval:', 'validation': 'Validation Data Eval:',
                  'test': 'Test Data Eval:'}
# Evaluation feeds this many images at a time: the whole test set in one
# feed costs about 2.6 GB for the CNN.
EVAL_BATCH_SIZE = 200
LOG_ROOT = '/tmp/tensorflow/mnist/logs'
CHECKPOINT_NAME = 'model.ckpt'


@dataclasses.dataclass
class Config:
    """Everything one training run needs; the scripts' flags override these."""
    model: str = 'fully_connected'
    learning_rate: float = 0.01
    max_steps: int = 2000
    batch_size: int = 100
    hidden1: int = 128
    hidden2: int = 32
    keep_prob: float = 0.5
    data_dir: str = 'MNIST_data'
    log_dir: str = os.path.join(LOG_ROOT, 'fully_connected_feed')
    fake_data: bool = False
    seed: Optional[int] = None
    resume: bool = False
    log_every: int = 100
    checkpoint_every: int = 1000
    mixed_precision: bool = False


def default_config(model):
    """The published tutorial's settings for `model`."""
    return Config(model=model, **TUTORIALS[model].defaults)


@dataclasses.dataclass(frozen=True)
class Tutorial:
    """How one tutorial script trains and what it prints."""
    defaults: dict
    step_line: Optional[Callable] = None   # (step, loss, seconds, batch_accuracy) -> str
    checkpoint_evals: tuple = ()           # splits evaluated and printed after each save
    final_line: Optional[Callable] = None  # (test precision) -> str


TUTORIALS = {
    'softmax': Tutorial(
        defaults=dict(learning_rate=0.5, max_steps=1000, batch_size=100,
                      log_dir=os.path.join(LOG_ROOT, 'mnist_softmax')),
        final_line=lambda precision: '%g' % precision),
    'fully_connected': Tutorial(
        defaults=dict(learning_rate=0.01, max_steps=2000, batch_size=100,
                      log_dir=os.path.join(LOG_ROOT, 'fully_connected_feed')),
        step_line=lambda step, loss, seconds, _: 'Step %d: loss = %.2f (%.3f sec)' % (
            step, loss, seconds),
        checkpoint_evals=SPLITS),
    'cnn': Tutorial(
        defaults=dict(learning_rate=1e-4, max_steps=20000, batch_size=50,
                      log_dir=os.path.join(LOG_ROOT, 'mnist_deep')),
        step_line=lambda step, _, __, accuracy: 'step %d, training accuracy %g' % (step, accuracy),
        final_line=lambda precision: 'test accuracy %g' % precision),
}


class CheckpointError(Exception):
    """A checkpoint that is missing, unreadable, or of another model; the message says which."""


@dataclasses.dataclass
class ModelGraph:
    """The tensors of one model that the loop feeds and fetches."""
    images: tf.Tensor        # float32 [None, 784] placeholder, named 'x'
    labels: tf.Tensor        # int32 [None] placeholder of class indices, named 'y_'
    logits: tf.Tensor        # float32 [None, 10], named 'y'
    loss: tf.Tensor
    train_op: tf.Operation
    eval_correct: tf.Tensor  # int32 scalar
    global_step: tf.Variable
    keep_prob: Optional[tf.Tensor]  # the CNN's dropout keep probability, 1.0 unless fed

    @property
    def feed_list(self):
        """The placeholders a training step feeds, in order."""
        return [self.images, self.labels] + ([self.keep_prob] if self.keep_prob is not None else [])

    def feed(self, images, labels, keep_prob=None):
        feed = {self.images: images, self.labels: labels}
        if keep_prob is not None and self.keep_prob is not None:
            feed[self.keep_prob] = keep_prob
        return feed


def build_graph(model, learning_rate, hidden1=128, hidden2=32, optimizer=None):
    """Builds `model` (a key of MODELS) with its four verbs in the default graph.

    `optimizer` replaces the model's own MODELS[model].optimizer(learning_rate)
    (mnist.replica passes it wrapped in a SyncReplicasOptimizer).
    """
    module = MODELS[model]
    images = v1.placeholder(tf.float32, [None, IMAGE_PIXELS], name='x')
    labels = v1.placeholder(tf.int32, [None], name='y_')
    keep_prob = None
    if model == 'cnn':
        keep_prob = v1.placeholder_with_default(1.0, [], name='keep_prob')
        logits = module.inference(images, keep_prob)
    elif model == 'fully_connected':
        logits = module.inference(images, hidden1, hidden2)
    else:
        logits = module.inference(images)
    logits = tf.identity(logits, name='y')
    loss = module.loss(logits, labels)
    if optimizer is None:
        train_op = module.training(loss, learning_rate)
    else:
        train_op = layers.minimize(loss, optimizer)
    return ModelGraph(images=images, labels=labels, logits=logits, loss=loss, train_op=train_op,
                      eval_correct=module.evaluation(logits, labels),
                      global_step=v1.train.get_global_step(), keep_prob=keep_prob)


def _cpu_flags():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('flags'):
                    return set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return set()


def mixed_precision_device():
    """'gpu' or 'cpu' where a mixed precision rewrite speeds training up here, else None.

    On the CPU that takes AMX or AVX512-BF16 for oneDNN's bfloat16 kernels;
    without them bfloat16 is emulated and slower than float32.
    """
    if tf.config.list_physical_devices('GPU'):
        return 'gpu'
    if _cpu_flags() & {'amx_bf16', 'avx512_bf16'}:
        return 'cpu'
    return None


def session_config(mixed_precision=False):
    """Session options; mixed_precision turns on TensorFlow's own auto mixed precision rewrite.

    That is float16 on a GPU and oneDNN bfloat16 on a CPU: the graph stays
    float32 (variables, checkpoints, loss), and the rewrite computes the
    matmuls and convolutions in 16 bits.
    """
    config = v1.ConfigProto()
    device = mixed_precision_device() if mixed_precision else None
    rewrites = config.graph_options.rewrite_options
    if device == 'gpu':
        rewrites.auto_mixed_precision = rewrites.ON
    elif device == 'cpu':
        rewrites.auto_mixed_precision_onednn_bfloat16 = rewrites.ON
    return config


def fill_feed_dict(data_set, graph, batch_size, fake_data=False, keep_prob=None):
    """Returns the feed for the next training batch of `data_set`."""
    images, labels = data_set.next_batch(batch_size, fake_data)
    return graph.feed(images, labels, keep_prob)


def do_eval(sess, graph, data_set, batch_size=EVAL_BATCH_SIZE, verbose=True):
    """Counts correct predictions over all of `data_set`, in batches, and prints the tutorial's line.

    Returns {'num_examples', 'num_correct', 'precision'}.
    """
    images, labels = data_set.images, data_set.labels
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)
    num_examples = data_set.num_examples
    num_correct = 0
    for start in range(0, num_examples, batch_size):
        stop = start + batch_size
        num_correct += sess.run(graph.eval_correct, graph.feed(images[start:stop], labels[start:stop]))
    precision = num_correct / num_examples if num_examples else 0.0
    if verbose:
        print('  Num examples: %d  Num correct: %d  Precision @ 1: %0.04f'
              % (num_examples, num_correct, precision))
    return {'num_examples': num_examples, 'num_correct': int(num_correct), 'precision': precision}


def evaluate_splits(sess, graph, data_sets, splits=SPLITS, writer=None, step=None, verbose=True):
    """Runs do_eval on each named split under its tutorial heading; returns {split: metrics}."""
    results = {}
    for split in splits:
        if verbose:
            print(SPLIT_HEADINGS[split])
        results[split] = do_eval(sess, graph, getattr(data_sets, split), verbose=verbose)
        if writer is not None:
            write_scalar(writer, 'accuracy/' + split, results[split]['precision'], step)
    return results


def write_scalar(writer, tag, value, step):
    """Adds one scalar to a FileWriter's events file."""
    writer.add_summary(v1.Summary(value=[v1.Summary.Value(tag=tag, simple_value=value)]), step)


def checkpoint_variables(checkpoint_path):
    """Returns {variable name: shape} saved in a checkpoint; CheckpointError if it is unreadable."""
    try:
        return tf.train.load_checkpoint(checkpoint_path).get_variable_to_shape_map()
    except (tf.errors.OpError, ValueError) as e:
        raise CheckpointError('%s is not a readable checkpoint: %s'
                              % (checkpoint_path, str(e).strip().splitlines()[0])) from None


def restore(sess, checkpoint_path, model, var_list=None):
    """Restores `var_list` (default: every global variable) after checking the checkpoint holds them.

    Raises CheckpointError naming the missing or misshapen variables, or the
    corruption, instead of TensorFlow's NotFoundError traceback.
    """
    var_list = v1.global_variables() if var_list is None else var_list
    saved = checkpoint_variables(checkpoint_path)
    needed = {v.op.name: v.shape.as_list() for v in var_list}
    missing = sorted(set(needed) - set(saved))
    if missing:
        held = sorted(saved)
        raise CheckpointError('%s is not a %s checkpoint: it lacks %s (it holds %s%s).'
                              % (checkpoint_path, model, ', '.join(missing), ', '.join(held[:8]),
                                 ', ...' if len(held) > 8 else ''))
    for name, shape in sorted(needed.items()):
        if list(saved[name]) != shape:
            raise CheckpointError('%s: variable %s has shape %s, but this %s graph expects %s.'
                                  % (checkpoint_path, name, list(saved[name]), model, shape))
    try:
        v1.train.Saver(var_list).restore(sess, checkpoint_path)
    except tf.errors.OpError as e:
        raise CheckpointError('%s is corrupt: %s'
                              % (checkpoint_path, e.message.strip().splitlines()[0])) from None


def latest_checkpoint(log_dir):
    """The path of the newest checkpoint in log_dir, or None."""
    return tf.train.latest_checkpoint(log_dir) if os.path.isdir(log_dir) else None


def _start_or_resume(sess, saver, config):
    """Initializes the variables, or restores them with --resume; returns the step to start at."""
    latest = latest_checkpoint(config.log_dir)
    if config.resume and latest:
        restore(sess, latest, config.model)
        step = int(sess.run(v1.train.get_global_step()))
        print('Resumed from %s at step %d.' % (latest, step))
        return step
    if config.resume:
        print('No checkpoint in %s to resume from: starting at step 0.' % config.log_dir)
    elif latest:
        print('Note: %s holds checkpoints of an earlier run (latest %s). This run starts fresh and '
              'replaces those of the same steps; use --resume to continue it instead.'
              % (config.log_dir, os.path.basename(latest)), file=sys.stderr)
    sess.run(v1.global_variables_initializer())
    return 0


def _logged_step(sess, graph, feed, summary_op, writer, step, start_time, tutorial):
    """One training step that also writes the summaries and prints the tutorial's line; returns the loss."""
    accuracy = None
    if graph.keep_prob is not None:  # the Deep MNIST tutorial logs batch accuracy, without dropout
        no_dropout = {k: v for k, v in feed.items() if k is not graph.keep_prob}
        accuracy = sess.run(graph.eval_correct, no_dropout) / len(feed[graph.labels])
        write_scalar(writer, 'accuracy/training_batch', accuracy, step)
    _, loss_value, summary = sess.run([graph.train_op, graph.loss, summary_op], feed)
    if tutorial.step_line:
        print(tutorial.step_line(step, loss_value, time.time() - start_time, accuracy))
    writer.add_summary(summary, step)
    writer.flush()
    return float(loss_value)


def run_training(config, data_sets=None):
    """Trains config.model as its tutorial does, printing the tutorial's lines.

    Saves model.ckpt-<global step> in config.log_dir every config.checkpoint_every
    steps and at the end, with summaries for TensorBoard. Returns a dict:
    global_step, loss (of the last logged step), checkpoint, and per evaluated
    split {num_examples, num_correct, precision}; 'test' is always there.
    """
    tutorial = TUTORIALS[config.model]
    if config.mixed_precision and mixed_precision_device() is None:
        print('Note: --mixed_precision does nothing useful here: no GPU, and this CPU has neither '
              'AMX nor AVX512-BF16, so bfloat16 would only be slower. Training in float32.',
              file=sys.stderr)
    if data_sets is None:
        data_sets = input_data.read_data_sets(config.data_dir, fake_data=config.fake_data,
                                              seed=config.seed)
    os.makedirs(config.log_dir, exist_ok=True)
    checkpoint_prefix = os.path.join(config.log_dir, CHECKPOINT_NAME)
    metrics = {}
    with tf.Graph().as_default() as graph_def:
        if config.seed is not None:
            v1.set_random_seed(config.seed)
        graph = build_graph(config.model, config.learning_rate, config.hidden1, config.hidden2)
        summary_op = v1.summary.merge_all()
        saver = v1.train.Saver(max_to_keep=5)
        with v1.Session(config=session_config(config.mixed_precision)) as sess, \
                v1.summary.FileWriter(config.log_dir, graph_def) as writer:
            step = _start_or_resume(sess, saver, config)
            # A callable skips Session.run's per-call parsing of fetches and feeds.
            train_step = sess.make_callable(graph.train_op, graph.feed_list)
            dropout = (config.keep_prob,) if graph.keep_prob is not None else ()

            def save():
                metrics['checkpoint'] = saver.save(sess, checkpoint_prefix, global_step=step)
                metrics['global_step'] = step
                if tutorial.checkpoint_evals:
                    metrics.update(evaluate_splits(sess, graph, data_sets, tutorial.checkpoint_evals,
                                                   writer, step))
                writer.flush()

            try:
                while step < config.max_steps:
                    start_time = time.time()
                    images, labels = data_sets.train.next_batch(config.batch_size, config.fake_data)
                    if step % config.log_every:
                        train_step(images, labels, *dropout)
                    else:
                        metrics['loss'] = _logged_step(
                            sess, graph, graph.feed(images, labels, config.keep_prob), summary_op,
                            writer, step, start_time, tutorial)
                    step += 1
                    if step % config.checkpoint_every == 0 or step == config.max_steps:
                        save()
            except KeyboardInterrupt:
                save()
                print('Interrupted at step %d; saved %s. Continue with --resume.'
                      % (step, metrics['checkpoint']), file=sys.stderr)
                raise
            if 'checkpoint' not in metrics:  # nothing left to train after --resume
                save()
            if 'test' not in metrics:
                metrics['test'] = evaluate_splits(sess, graph, data_sets, ('test',), writer, step,
                                                  verbose=False)['test']
                writer.flush()
    if tutorial.final_line:
        print(tutorial.final_line(metrics['test']['precision']))
    return metrics


def evaluate_checkpoint(model, log_dir, data_dir='MNIST_data', checkpoint=None, fake_data=False,
                        data_sets=None, mixed_precision=False):
    """Restores the latest (or the given) checkpoint of `model` and prints the three eval blocks.

    Returns {split: {num_examples, num_correct, precision}} plus 'checkpoint'
    and 'global_step'. Raises CheckpointError for a missing, unreadable or
    foreign checkpoint.
    """
    if model not in MODELS:
        raise ValueError('--model %r: expected one of %s' % (model, ', '.join(MODELS)))
    if checkpoint is None:
        checkpoint = latest_checkpoint(log_dir)
        if checkpoint is None:
            raise CheckpointError('No checkpoint in %s: expected the "checkpoint" file and '
                                  'model.ckpt-* files a training script writes there.' % log_dir)
    saved = checkpoint_variables(checkpoint)
    # The hidden layer sizes are whatever the run was trained with.
    hidden1, hidden2 = (saved.get('hidden1/weights', [0, 128])[1],
                        saved.get('hidden2/weights', [0, 32])[1])
    with tf.Graph().as_default():
        graph = build_graph(model, 0.0, hidden1, hidden2)
        with v1.Session(config=session_config(mixed_precision)) as sess:
            restore(sess, checkpoint, model, v1.trainable_variables() + [graph.global_step])
            step = int(sess.run(graph.global_step))
            if data_sets is None:
                data_sets = input_data.read_data_sets(data_dir, fake_data=fake_data)
            print('Restored %s (step %d).' % (checkpoint, step))
            results = evaluate_splits(sess, graph, data_sets)
    return dict(results, checkpoint=checkpoint, global_step=step)
