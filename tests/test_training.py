"""The tutorial scripts' training loops, called in-process, and mnist.training's shared pieces."""
import re

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
