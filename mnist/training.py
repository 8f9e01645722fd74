"""What the tutorial scripts share besides the models: any model's graph, session options, batched evaluation.

The scripts in scripts/ own their flags, sessions and training loops; this
module holds the few pieces more than one of them needs: build_graph (any of
the three models with its four verbs, for evaluation, pictures, prediction,
export and distributed training), session_config (executor, mixed precision),
naming_failed_ops (an op's error as one line naming the op and the line that
built it), checking_numerics (--check_numerics), do_eval (the Mechanics 101
evaluation, in batches) and write_scalar.
"""
import contextlib
import dataclasses
import os
import sys
from typing import Optional

from mnist import checkpoints, cnn, fully_connected, layers, platforms, softmax
from mnist.layers import IMAGE_PIXELS

import tensorflow as tf

v1 = tf.compat.v1

MODELS = {'softmax': softmax, 'fully_connected': fully_connected, 'cnn': cnn}
# Evaluation feeds this many images at a time: the whole test set in one
# feed costs about 2.6 GB for the CNN.
EVAL_BATCH_SIZE = 200
LOG_ROOT = '/tmp/tensorflow/mnist/logs'
# The executor of each model's sessions. A step of the softmax and fully connected
# loops is one Session.run of a few small ops: TensorFlow's default executor ('')
# hands each op to its inter-op thread pool, the single-threaded one runs them one
# after the other in the calling thread (each op still uses the intra-op threads
# for its own arithmetic), which takes the thread hand-offs out of every step. It
# refuses graphs with control flow or reference variables; ours have neither. The
# CNN's few large ops gain from running side by side, so it keeps the default.
# The benchmark measures both side by side. The single-threaded executor's errors
# name no op; naming_failed_ops finds it.
EXECUTORS = {'softmax': 'SINGLE_THREADED_EXECUTOR', 'fully_connected': 'SINGLE_THREADED_EXECUTOR',
             'cnn': ''}


@dataclasses.dataclass
class ModelGraph:
    """The tensors of one model that the loop feeds and fetches."""
    images: tf.Tensor        # float32 [None, 784] placeholder, named 'x'
    labels: tf.Tensor        # int32 [None] placeholder of class indices, named 'y_'
    logits: tf.Tensor        # float32 [None, 10], named 'y'
    loss: Optional[tf.Tensor]          # None in an inference graph
    train_op: Optional[tf.Operation]   # None in an inference graph
    eval_correct: tf.Tensor  # int32 scalar
    global_step: tf.Variable
    keep_prob: Optional[tf.Tensor]  # the CNN's dropout keep probability, 1.0 unless fed

    def feed(self, images, labels, keep_prob=None):
        feed = {self.images: images, self.labels: labels}
        if keep_prob is not None and self.keep_prob is not None:
            feed[self.keep_prob] = keep_prob
        return feed


def build_graph(model, learning_rate=None, hidden1=128, hidden2=32, optimizer=None):
    """Builds `model` (a key of MODELS) with its four verbs in the default graph.

    Without learning_rate and optimizer, only inference and evaluation (loss
    and train_op are None): the graph to restore a checkpoint into and
    evaluate, predict or export. `optimizer` replaces the model's own
    MODELS[model].optimizer(learning_rate) (mnist.replica passes it wrapped
    in a SyncReplicasOptimizer).
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
    loss = train_op = None
    if optimizer is not None:
        loss = module.loss(logits, labels)
        train_op = layers.minimize(loss, optimizer)
    elif learning_rate is not None:
        loss = module.loss(logits, labels)
        train_op = module.training(loss, learning_rate)
    return ModelGraph(images=images, labels=labels, logits=logits, loss=loss, train_op=train_op,
                      eval_correct=module.evaluation(logits, labels),
                      global_step=v1.train.get_or_create_global_step(), keep_prob=keep_prob)


@dataclasses.dataclass
class RestoredModel:
    """A checkpoint restored into an inference graph and its session."""
    session: v1.Session
    graph: ModelGraph
    checkpoint: str
    global_step: int
    variables: list           # what was restored: the weights, biases and global step
    probabilities: tf.Tensor  # float32 [None, 10], softmax of the logits
    classes: tf.Tensor        # int64 [None], argmax of the logits


@contextlib.contextmanager
def restored_model(model, log_dir=None, checkpoint=None, mixed_precision=False):
    """Restores `model` from `checkpoint` (default: the newest readable one in log_dir) for use.

    Builds the inference graph in a new graph and session, restores the
    model's own variables (not an optimizer's slots) and yields a
    RestoredModel; the session closes on exit. Raises
    checkpoints.CheckpointError for a missing, corrupt or foreign checkpoint.
    """
    checkpoint = checkpoint or checkpoints.newest(log_dir)
    saved = checkpoints.variables(checkpoint)
    # A fully connected run's layer sizes are whatever it was trained with.
    sizes = {layer: saved[layer + '/weights'][1] for layer in ('hidden1', 'hidden2')
             if layer + '/weights' in saved}
    with tf.Graph().as_default():
        graph = build_graph(model, **sizes)
        probabilities = tf.nn.softmax(graph.logits, name='probabilities')
        classes = tf.argmax(graph.logits, axis=1, name='classes')
        with v1.Session(config=session_config(mixed_precision, model)) as sess, naming_failed_ops(sess):
            variables = v1.trainable_variables() + [graph.global_step]
            checkpoints.restore(sess, checkpoint, model, variables)
            yield RestoredModel(session=sess, graph=graph, checkpoint=checkpoint,
                                global_step=int(sess.run(graph.global_step)), variables=variables,
                                probabilities=probabilities, classes=classes)


def mixed_precision_device():
    """'gpu' or 'cpu' where a mixed precision rewrite speeds training up here, else None.

    On the CPU that takes AMX or AVX512-BF16 for oneDNN's bfloat16 kernels;
    without them bfloat16 is emulated and slower than float32.
    """
    if tf.config.list_physical_devices('GPU'):
        return 'gpu'
    if platforms.cpu_has_bfloat16():
        return 'cpu'
    return None


def session_config(mixed_precision=False, model=None):
    """Session options: model's executor (EXECUTORS), mixed_precision's auto mixed precision rewrite.

    That is float16 on a GPU and oneDNN bfloat16 on a CPU: the graph stays
    float32 (variables, checkpoints, loss), and the rewrite computes the
    matmuls and convolutions in 16 bits.
    """
    config = v1.ConfigProto()
    config.experimental.executor_type = EXECUTORS.get(model, '')
    device = mixed_precision_device() if mixed_precision else None
    if mixed_precision and device is None:
        print('Note: --mixed_precision does nothing useful here: no GPU, and this CPU has neither '
              'AMX nor AVX512-BF16, so bfloat16 would only be slower. Running in float32.',
              file=sys.stderr)
    rewrites = config.graph_options.rewrite_options
    if device == 'gpu':
        rewrites.auto_mixed_precision = rewrites.ON
    elif device == 'cpu':
        rewrites.auto_mixed_precision_onednn_bfloat16 = rewrites.ON
    return config


class OpFailed(Exception):
    """An op failed in Session.run: one line naming the op, the line of code that built it, and why.

    `op` is the tf.Operation (None where no executor would name it); the
    TensorFlow error is the exception's __cause__.
    """

    def __init__(self, message, op):
        super().__init__(message)
        self.op = op


@contextlib.contextmanager
def naming_failed_ops(sess):
    """A tf.errors.OpError of sess.run that leaves the block is raised as OpFailed, whatever the executor.

    Errors caught inside the block (a Saver's, which mnist.checkpoints turns
    into its own) are left alone. TensorFlow's default executor names the op
    that failed; the single-threaded one (EXECUTORS) names none, so then the
    failed call runs once more in a second session under the default
    executor, on a copy of the variables, to find it (_failing_again). A
    CheckNumerics op (checking_numerics) stands for the op whose output it checked.
    """
    run = sess.run

    def run_keeping_failed_call(fetches, feed_dict=None, options=None, run_metadata=None):
        try:
            return run(fetches, feed_dict, options, run_metadata)
        except tf.errors.OpError as error:
            error.failed_call = (fetches, feed_dict)
            raise

    sess.run = run_keeping_failed_call
    try:
        yield
    except tf.errors.OpError as error:
        named = error
        if error.op is None and hasattr(error, 'failed_call'):
            named = _failing_again(sess, run, *error.failed_call) or error
        op = named.op
        if op is not None and op.type == 'CheckNumerics':
            op = op.inputs[0].op
        raise OpFailed(_describe_failure(op, named), op) from error
    finally:
        del sess.run


def _failing_again(sess, run, fetches, feed_dict):
    """The error of fetches run again under the default executor (which names its op), or None.

    Where several ops of the call fail, the one it names may be another
    than the first run's: its error is the one to describe, name and reason alike.
    """
    variables = sess.graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)
    try:
        values = run(variables)
    except tf.errors.OpError:  # the variables themselves are gone: nothing to run again on
        return None
    with v1.Session(graph=sess.graph, config=v1.ConfigProto()) as again:
        # Each variable's initializer fed its current value (what the deprecated Variable.load runs).
        again.run([variable.initializer for variable in variables],
                  {variable.initializer.inputs[1]: value for variable, value in zip(variables, values)})
        try:
            again.run(fetches, feed_dict)
        except tf.errors.OpError as error:
            return error
    return None


def op_error_reason(error):
    """TensorFlow's own sentence of why an op failed (a tf.errors.OpError), without node or traceback."""
    lines = [line for line in error.message.splitlines() if line.strip()]
    node_lines = [i for i, line in enumerate(lines) if line.startswith('Node: ')]
    if node_lines:
        lines = lines[node_lines[-1] + 1:]
    lines = [line for line in lines
             if not line.startswith('Graph execution error') and not line.lstrip().startswith('[[')]
    return lines[0].strip() if lines else type(error).__name__


def _built_at(op):
    """'FILE, line N' of the code outside TensorFlow and this package that built op, with the
    package's own line where one of its functions built it for that code."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    library = os.path.dirname(os.path.abspath(tf.__file__)) + os.sep
    frames = [frame for frame in op.traceback
              if not os.path.abspath(frame.filename).startswith(library)]
    outside = [i for i, frame in enumerate(frames) if not os.path.abspath(frame.filename).startswith(package)]
    if not frames:
        return 'TensorFlow'
    caller = outside[-1] if outside else len(frames) - 1
    where = '%s, line %d' % (frames[caller].filename, frames[caller].lineno)
    if caller < len(frames) - 1:
        where += ' (%s, line %d)' % (os.path.relpath(frames[-1].filename, os.path.dirname(package[:-1])),
                                     frames[-1].lineno)
    return where


def _describe_failure(op, error):
    if op is None:
        return 'an op failed, and neither executor named it: %s' % op_error_reason(error)
    return 'op %s (%s), built at %s, failed: %s' % (op.name, op.type, _built_at(op), op_error_reason(error))


def checking_numerics(train_op):
    """train_op grouped with a check of every float tensor it depends on (--check_numerics).

    The checks run one after the other in the order the graph built their
    tensors, so the first NaN or infinity among them fails the step with an
    error naming the op that made it, whatever the executor (see
    naming_failed_ops); the run stops there, without saving.
    """
    needed, stack = set(), [train_op]
    while stack:
        op = stack.pop()
        if op not in needed:
            needed.add(op)
            stack.extend([tensor.op for tensor in op.inputs] + list(op.control_inputs))
    checks = []
    for op in train_op.graph.get_operations():  # in the order they were built
        for output in op.outputs if op in needed else ():
            if output.dtype.is_floating:
                with tf.control_dependencies(checks[-1:]):
                    checks.append(tf.debugging.check_numerics(output, output.name))
    return tf.group(train_op, *checks[-1:])


def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_set,
            batch_size=EVAL_BATCH_SIZE, verbose=True):
    """Runs one evaluation against all of `data_set` and prints the Mechanics 101 line.

    Feeds batch_size images at a time, the last batch being whatever is
    left, so every example counts once and the whole set never goes through
    one giant feed. `eval_correct` is an int32 scalar: the number of correct
    predictions in a batch. Returns {'num_examples', 'num_correct', 'precision'}.
    """
    images, labels = data_set.images, data_set.labels
    if labels.ndim == 2:  # one-hot rows
        labels = labels.argmax(axis=1)
    num_examples = data_set.num_examples
    true_count = 0
    for start in range(0, num_examples, batch_size):
        feed_dict = {images_placeholder: images[start:start + batch_size],
                     labels_placeholder: labels[start:start + batch_size]}
        true_count += sess.run(eval_correct, feed_dict=feed_dict)
    precision = true_count / num_examples if num_examples else 0.0
    if verbose:
        print('  Num examples: %d  Num correct: %d  Precision @ 1: %0.04f'
              % (num_examples, true_count, precision))
    return {'num_examples': num_examples, 'num_correct': int(true_count), 'precision': precision}


def write_scalar(writer, tag, value, step):
    """Adds one scalar to a FileWriter's events file."""
    writer.add_summary(v1.Summary(value=[v1.Summary.Value(tag=tag, simple_value=value)]), step)
