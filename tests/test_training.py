"""The tutorial scripts' training loops, called in-process, and mnist.training's shared pieces."""
import os
import re

import numpy as np
import pytest

from conftest import run_main
from mnist import checkpoints, cli, training

import tensorflow as tf

SCRIPTS = cli.TRAINING_SCRIPTS
SHORT = dict(LOG_EVERY=10, CHECKPOINT_EVERY=20)


def train(model, log_dir, data_sets, *flags, max_steps=30):
    """Trains `model`'s tutorial script for max_steps steps of 20, logging every 10, saving every 20."""
    return run_main(SCRIPTS[model], ['--log_dir', log_dir, '--max_steps', max_steps,
                                     '--batch_size', 20, *flags], data_sets, **SHORT)


def evaluate(model, log_dir, data_sets, *flags):
    return run_main('mnist_eval', ['--model', model, '--log_dir', log_dir, *flags], data_sets)


def test_fully_connected_returns_metrics_and_saves_checkpoints(separable_data_sets, tmp_path, capsys):
    metrics = train('fully_connected', tmp_path, separable_data_sets)
    out = capsys.readouterr().out
    assert metrics['global_step'] == 30
    assert metrics['checkpoint'] == str(tmp_path / 'model.ckpt-30')
    assert checkpoints.checkpoint_paths(str(tmp_path)) == [str(tmp_path / 'model.ckpt-30'),
                                                         str(tmp_path / 'model.ckpt-20')]
    assert set(metrics) >= {'train', 'validation', 'test', 'loss'}
    assert metrics['test']['num_examples'] == separable_data_sets.test.num_examples
    assert re.search(r'^Step 0: loss = \d+\.\d\d \(\d+\.\d{3} sec\)$', out, re.M)
    assert 'Step 20: loss = ' in out
    assert out.count('Test Data Eval:') == 2
    assert ('  Num examples: %d  Num correct: %d  Precision @ 1: %0.04f' % (
        metrics['test']['num_examples'], metrics['test']['num_correct'],
        metrics['test']['precision'])) in out


@pytest.mark.parametrize('model,last_line', [('softmax', r'^\d\.?\d*$'),
                                             ('cnn', r'^test accuracy \d\.?\d*$')])
def test_tutorials_print_their_final_line(model, last_line, separable_data_sets, tmp_path, capsys):
    metrics = train(model, tmp_path, separable_data_sets, max_steps=12)
    lines = capsys.readouterr().out.strip().splitlines()
    assert pytest.approx(float(lines[-1].split()[-1])) == metrics['test']['precision']
    assert re.match(last_line, lines[-1])
    if model == 'cnn':
        assert re.match(r'^step 0, training accuracy [\d.]+$', lines[0])


@pytest.mark.parametrize('model', sorted(SCRIPTS))
def test_each_model_learns_the_separable_set(model, separable_data_sets, tmp_path):
    rate = {'softmax': 0.5, 'fully_connected': 0.1, 'cnn': 1e-3}[model]
    metrics = train(model, tmp_path, separable_data_sets, '--learning_rate', rate, max_steps=60)
    assert metrics['test']['precision'] > 0.9


def test_same_seed_repeats_exactly(make_separable_data_sets, tmp_path):
    def run(log_dir, seed):
        return train('cnn', log_dir, make_separable_data_sets(seed=seed), '--seed', seed)
    first, second, other = run(tmp_path / 'a', 7), run(tmp_path / 'b', 7), run(tmp_path / 'c', 8)
    assert first['loss'] == second['loss']
    assert first['test'] == second['test']
    assert first['loss'] != other['loss']


def test_resume_continues_global_step_and_optimizer_state(separable_data_sets, tmp_path, capsys):
    train('cnn', tmp_path, separable_data_sets, max_steps=20)
    capsys.readouterr()
    metrics = train('cnn', tmp_path, separable_data_sets, '--resume', max_steps=30)
    out = capsys.readouterr().out
    assert 'Resumed from %s at step 20.' % (tmp_path / 'model.ckpt-20') in out
    assert 'step 0,' not in out and 'step 20, training accuracy' in out
    assert metrics['global_step'] == 30
    assert metrics['checkpoint'].endswith('model.ckpt-30')


def test_resume_past_max_steps_only_evaluates(separable_data_sets, tmp_path, capsys):
    train('fully_connected', tmp_path, separable_data_sets, max_steps=20)
    capsys.readouterr()
    metrics = train('fully_connected', tmp_path, separable_data_sets, '--resume', max_steps=10)
    out = capsys.readouterr().out
    assert 'Nothing to train: at step 20 of --max_steps 10.' in out
    assert metrics['global_step'] == 20 and 'Test Data Eval:' in out
    assert checkpoints.checkpoint_paths(str(tmp_path)) == [str(tmp_path / 'model.ckpt-20')]


def test_do_eval_counts_the_remainder_batch(make_separable_data_sets, tmp_path):
    data_sets = make_separable_data_sets(num_test=training.EVAL_BATCH_SIZE * 2 + 34)
    metrics = train('softmax', tmp_path, data_sets)
    assert metrics['test']['num_examples'] == training.EVAL_BATCH_SIZE * 2 + 34
    assert metrics['test']['num_correct'] > 0.5 * metrics['test']['num_examples']


@pytest.mark.parametrize('model', sorted(SCRIPTS))
def test_mnist_eval_matches_training(model, separable_data_sets, tmp_path):
    trained = train(model, tmp_path, separable_data_sets, max_steps=10)
    restored = evaluate(model, tmp_path, separable_data_sets)
    assert restored['test'] == trained['test']
    assert restored['global_step'] == 10


def test_mnist_eval_errors_name_the_problem(separable_data_sets, tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match='No checkpoint in .*empty'):
        evaluate('softmax', tmp_path / 'empty', separable_data_sets)
    trained = train('softmax', tmp_path, separable_data_sets, max_steps=5)
    with pytest.raises(checkpoints.CheckpointError,
                       match=r'is not a cnn checkpoint: it lacks conv1/biases, conv1/weights'):
        evaluate('cnn', tmp_path, separable_data_sets)
    with open(trained['checkpoint'] + '.data-00000-of-00001', 'r+b') as f:
        f.truncate(100)
    with pytest.raises(checkpoints.CheckpointError, match='model.ckpt-5 is corrupt'):
        evaluate('softmax', tmp_path, separable_data_sets)
    with open(trained['checkpoint'] + '.index', 'wb') as f:
        f.write(b'not an index')
    with pytest.raises(checkpoints.CheckpointError, match='No readable checkpoint in .*model.ckpt-5'):
        evaluate('softmax', tmp_path, separable_data_sets)
    with pytest.raises(checkpoints.CheckpointError, match='not a readable checkpoint'):
        evaluate('softmax', tmp_path, separable_data_sets, '--checkpoint', trained['checkpoint'])


def test_resume_with_other_layer_sizes_names_the_variable(separable_data_sets, tmp_path):
    train('fully_connected', tmp_path, separable_data_sets, max_steps=5)
    with pytest.raises(checkpoints.CheckpointError, match=r'hidden1/biases has shape \[128\]'):
        train('fully_connected', tmp_path, separable_data_sets, '--resume', '--hidden1', 64,
              max_steps=10)


def test_learning_rate_zero_leaves_the_weights_as_initialized(separable_data_sets, tmp_path, capsys):
    trained = train('fully_connected', tmp_path / 'zero', separable_data_sets,
                    '--learning_rate', 0, '--seed', 3, max_steps=10)
    assert 'the weights keep their initial values' in capsys.readouterr().err
    initial = train('fully_connected', tmp_path / 'init', separable_data_sets, '--seed', 3, max_steps=0)
    assert (trained['global_step'], initial['global_step']) == (10, 0)
    after, before = (tf.train.load_checkpoint(run['checkpoint']) for run in (trained, initial))
    for name in ('hidden1/weights', 'hidden2/biases', 'softmax_linear/weights'):
        assert (after.get_tensor(name) == before.get_tensor(name)).all(), name
    assert initial['test'] == trained['test']


def test_mixed_precision_turns_on_the_rewrite_where_it_helps(monkeypatch):
    monkeypatch.setattr(training, 'mixed_precision_device', lambda: 'cpu')
    rewrites = training.session_config(mixed_precision=True).graph_options.rewrite_options
    assert rewrites.auto_mixed_precision_onednn_bfloat16 == rewrites.ON
    plain = training.session_config().graph_options.rewrite_options
    assert plain.auto_mixed_precision_onednn_bfloat16 != rewrites.ON
    monkeypatch.setattr(training, 'mixed_precision_device', lambda: 'gpu')
    rewrites = training.session_config(mixed_precision=True).graph_options.rewrite_options
    assert rewrites.auto_mixed_precision == rewrites.ON


def test_mixed_precision_says_when_it_would_not_help(monkeypatch, separable_data_sets, tmp_path, capsys):
    monkeypatch.setattr(training, 'mixed_precision_device', lambda: None)
    rewrites = training.session_config(mixed_precision=True).graph_options.rewrite_options
    assert rewrites.auto_mixed_precision_onednn_bfloat16 != rewrites.ON
    train('softmax', tmp_path, separable_data_sets, '--mixed_precision', max_steps=3)
    assert '--mixed_precision does nothing useful here' in capsys.readouterr().err


@pytest.mark.skipif(training.mixed_precision_device() != 'cpu', reason='needs a CPU with AMX or AVX512-BF16')
def test_mixed_precision_cnn_trains_and_keeps_float32_variables(separable_data_sets, tmp_path):
    metrics = train('cnn', tmp_path, separable_data_sets, '--mixed_precision', '--learning_rate', 1e-3,
                    max_steps=40)
    assert metrics['test']['precision'] > 0.5
    # The variables stay float32, so the checkpoint restores into the ordinary graph.
    restored = evaluate('cnn', tmp_path, separable_data_sets, '--mixed_precision')
    assert restored['test'] == metrics['test']


@pytest.mark.parametrize('model', ['softmax', 'fully_connected'])
def test_single_threaded_and_default_executors_compute_the_same_run(model, make_separable_data_sets,
                                                                    tmp_path, monkeypatch):
    # The shipped executor of the two small models against TensorFlow's default, on the same
    # seeded run: every step's loss, the test accuracy and the trained weights.
    assert training.EXECUTORS[model] == 'SINGLE_THREADED_EXECUTOR'
    runs = {}
    for executor in ('SINGLE_THREADED_EXECUTOR', ''):
        monkeypatch.setitem(training.EXECUTORS, model, executor)
        log_dir = tmp_path / (executor or 'default')
        metrics = run_main(SCRIPTS[model], ['--log_dir', log_dir, '--max_steps', 40, '--batch_size', 20,
                                            '--seed', 3], make_separable_data_sets(), LOG_EVERY=1)
        losses = [value.simple_value for name in sorted(os.listdir(log_dir)) if name.startswith('events.')
                  for event in tf.compat.v1.train.summary_iterator(str(log_dir / name))
                  for value in event.summary.value if value.tag == 'loss']
        weights = {name: checkpoints.read_tensor(metrics['checkpoint'], name)
                   for name in checkpoints.variables(metrics['checkpoint'])}
        runs[executor] = losses, metrics['test'], weights
    (losses, test, weights), (default_losses, default_test, default_weights) = runs.values()
    assert len(losses) == 40 and losses == default_losses and losses[-1] < losses[0]
    assert test == default_test and test['precision'] > 0.3  # chance is 0.1
    assert weights.keys() == default_weights.keys()
    for name in weights:
        np.testing.assert_array_equal(weights[name], default_weights[name], err_msg=name)


# The first op a batch one label short fails in, for each training script: the line that builds
# it (or the graph holding it) and its type. The CNN's loop evaluates the batch before its first
# training step; with_summaries' step computes the loss and the accuracy side by side, and either
# may fail first.
LOSS, ACCURACY = 'SparseSoftmaxCrossEntropyWithLogits', 'InTopKV2'
SHORT_LABELS = {
    'mnist_softmax': ('cross_entropy = softmax.loss(y, y_)', {LOSS}),
    'fully_connected_feed': ('loss = mnist.loss(logits, labels_placeholder)', {LOSS}),
    'mnist_deep': ('correct_count = cnn.evaluation(y_conv, y_)', {ACCURACY}),
    'mnist_with_summaries': ('graph = with_summaries.build_graph(flags.learning_rate)', {LOSS, ACCURACY}),
}
REASONS = {LOSS: 'logits and labels must have the same first dimension, got logits shape [20,10] and '
                 'labels shape [19]',
           ACCURACY: 'First dimension of predictions 20 must match length of targets 19'}
# Where each script builds its images placeholder (or the graph holding it).
IMAGES_LINE = {'mnist_softmax': 'x = v1.placeholder(', 'mnist_deep': 'x = v1.placeholder(',
               'fully_connected_feed': 'images_placeholder = v1.placeholder(',
               'mnist_with_summaries': 'graph = with_summaries.build_graph(flags.learning_rate)'}


def line_of(script, text):
    """(path, number) of the line of scripts/<script>.py that holds text."""
    path = os.path.join(cli.SCRIPTS_DIR, script + '.py')
    with open(path) as f:
        [number] = [i for i, line in enumerate(f, 1) if text in line]
    return path, number


def with_executor(monkeypatch, executor):
    """Every session the scripts make runs `executor` ('' is TensorFlow's default)."""
    shipped = training.session_config

    def session_config(*args, **kwargs):
        config = shipped(*args, **kwargs)
        config.experimental.executor_type = executor
        return config
    monkeypatch.setattr(training, 'session_config', session_config)


def failure(script, data_sets, tmp_path, *flags):
    with pytest.raises(training.OpFailed) as failed:
        run_main(script, ['--log_dir', tmp_path / 'run', '--max_steps', 3, '--batch_size', 20, *flags],
                 data_sets)
    assert '\n' not in str(failed.value)
    assert isinstance(failed.value.__cause__, tf.errors.OpError)
    return failed.value


@pytest.mark.parametrize('executor', ['SINGLE_THREADED_EXECUTOR', ''])
@pytest.mark.parametrize('script', sorted(SHORT_LABELS))
def test_a_shape_error_names_the_op_and_the_scripts_line_that_built_it(script, executor,
                                                                       make_separable_data_sets,
                                                                       tmp_path, monkeypatch):
    with_executor(monkeypatch, executor)
    data_sets = make_separable_data_sets()
    next_batch = data_sets.train.next_batch
    data_sets.train.next_batch = lambda *args: (lambda images, labels: (images, labels[1:]))(
        *next_batch(*args))  # one label short: a bad feed
    error = failure(script, data_sets, tmp_path)
    text, op_types = SHORT_LABELS[script]
    path, line = line_of(script, text)
    op_type = error.op.type
    assert op_type in op_types
    assert re.match(r'op %s \(%s\), built at %s, line %d \(mnist/\w+\.py, line \d+\), failed: %s$'
                    % (re.escape(error.op.name), op_type, re.escape(path), line, re.escape(REASONS[op_type])),
                    str(error)), str(error)


@pytest.mark.parametrize('executor', ['SINGLE_THREADED_EXECUTOR', ''])
@pytest.mark.parametrize('script', sorted(SHORT_LABELS))
def test_check_numerics_names_the_first_op_with_a_nan_and_its_line(script, executor, make_separable_data_sets,
                                                                   tmp_path, monkeypatch):
    with_executor(monkeypatch, executor)
    data_sets = make_separable_data_sets()
    data_sets.train.images[:, 300] = np.nan  # a NaN pixel in every training image
    error = failure(script, data_sets, tmp_path, '--check_numerics')
    path, line = line_of(script, IMAGES_LINE[script])
    # The images fed: the first tensor holding a NaN. with_summaries' step also computes histograms,
    # side by side with the checks, and a histogram of a NaN fails too.
    if error.op.type == 'HistogramSummary' and script == 'mnist_with_summaries':
        assert re.search(r', failed: Nan in summary histogram for: \S+$', str(error)), str(error)
    else:
        assert error.op.type == 'Placeholder', str(error)
        assert str(error).endswith(', failed: %s:0 : Tensor had NaN values' % error.op.name)
    op = error.op
    assert str(error).startswith('op %s (%s), built at %s, line %d' % (op.name, op.type, path, line))


def test_an_op_error_is_one_line_from_the_command_line(make_separable_data_sets, tmp_path, capsys):
    data_sets = make_separable_data_sets()
    data_sets.train.images[:] = np.nan
    with pytest.raises(SystemExit) as exited:
        cli.run(lambda: run_main('mnist_softmax', ['--log_dir', tmp_path, '--max_steps', 3,
                                                   '--check_numerics'], data_sets))
    assert exited.value.code == 1
    [line] = capsys.readouterr().err.splitlines()
    path, number = line_of('mnist_softmax', IMAGES_LINE['mnist_softmax'])
    assert line == 'error: op x (Placeholder), built at %s, line %d, failed: x:0 : Tensor had NaN values' % (
        path, number)
