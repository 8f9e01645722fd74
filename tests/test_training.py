"""The shared session loop: checkpoints, resume, seeds, batched eval, restore errors."""
import os
import re

import pytest

from mnist import training


def _config(model, log_dir, **overrides):
    config = training.default_config(model)
    config.log_dir = str(log_dir)
    config.max_steps = 30
    config.batch_size = 20
    config.log_every = 10
    config.checkpoint_every = 20
    for name, value in overrides.items():
        setattr(config, name, value)
    return config


def test_run_training_returns_metrics_and_saves_checkpoints(separable_data_sets, tmp_path, capsys):
    metrics = training.run_training(_config('fully_connected', tmp_path), separable_data_sets)
    out = capsys.readouterr().out
    assert metrics['global_step'] == 30
    assert metrics['checkpoint'] == str(tmp_path / 'model.ckpt-30')
    assert os.path.exists(metrics['checkpoint'] + '.index')
    assert os.path.exists(str(tmp_path / 'model.ckpt-20.index'))
    assert set(metrics) >= {'train', 'validation', 'test', 'loss'}
    assert metrics['test']['num_examples'] == separable_data_sets.test.num_examples
    assert 'Step 0: loss = ' in out and 'Step 20: loss = ' in out
    assert out.count('Test Data Eval:') == 2
    assert ('  Num examples: %d  Num correct: %d  Precision @ 1: %0.04f' % (
        metrics['test']['num_examples'], metrics['test']['num_correct'],
        metrics['test']['precision'])) in out


@pytest.mark.parametrize('model,last_line', [('softmax', r'^\d\.?\d*$'),
                                             ('cnn', r'^test accuracy \d\.?\d*$')])
def test_tutorials_print_their_final_line(model, last_line, separable_data_sets, tmp_path, capsys):
    metrics = training.run_training(_config(model, tmp_path, max_steps=12), separable_data_sets)
    lines = capsys.readouterr().out.strip().splitlines()
    assert pytest.approx(float(lines[-1].split()[-1])) == metrics['test']['precision']
    assert re.match(last_line, lines[-1])
    if model == 'cnn':
        assert re.match(r'^step 0, training accuracy [\d.]+$', lines[0])


def test_same_seed_repeats_exactly(make_separable_data_sets, tmp_path):
    def run(log_dir, seed):
        return training.run_training(_config('cnn', log_dir, seed=seed),
                                     make_separable_data_sets(seed=seed))
    first, second, other = run(tmp_path / 'a', 7), run(tmp_path / 'b', 7), run(tmp_path / 'c', 8)
    assert first['loss'] == second['loss']
    assert first['test'] == second['test']
    assert first['loss'] != other['loss']


def test_resume_continues_global_step_and_optimizer_state(separable_data_sets, tmp_path, capsys):
    training.run_training(_config('cnn', tmp_path, max_steps=20), separable_data_sets)
    capsys.readouterr()
    metrics = training.run_training(_config('cnn', tmp_path, max_steps=30, resume=True),
                                    separable_data_sets)
    out = capsys.readouterr().out
    assert 'Resumed from %s at step 20.' % (tmp_path / 'model.ckpt-20') in out
    assert 'step 0,' not in out
    assert metrics['global_step'] == 30
    assert metrics['checkpoint'].endswith('model.ckpt-30')


def test_fresh_run_over_old_checkpoints_says_so(separable_data_sets, tmp_path, capsys):
    training.run_training(_config('softmax', tmp_path, max_steps=5), separable_data_sets)
    capsys.readouterr()
    training.run_training(_config('softmax', tmp_path, max_steps=5), separable_data_sets)
    err = capsys.readouterr().err
    assert 'holds checkpoints of an earlier run (latest model.ckpt-5)' in err
    assert '--resume' in err


def test_ctrl_c_saves_a_checkpoint_before_stopping(separable_data_sets, tmp_path, capsys):
    class Interrupting:
        """The training set, until its 13th batch, where the user presses Ctrl-C."""
        def __init__(self, data_set):
            self.data_set, self.calls = data_set, 0

        def next_batch(self, *args):
            self.calls += 1
            if self.calls == 13:
                raise KeyboardInterrupt
            return self.data_set.next_batch(*args)

    data_sets = separable_data_sets._replace(train=Interrupting(separable_data_sets.train))
    with pytest.raises(KeyboardInterrupt):
        training.run_training(_config('softmax', tmp_path, max_steps=50), data_sets)
    assert 'Interrupted at step 12' in capsys.readouterr().err
    assert training.latest_checkpoint(str(tmp_path)).endswith('model.ckpt-12')


def test_do_eval_counts_the_remainder_batch(make_separable_data_sets, tmp_path):
    data_sets = make_separable_data_sets(num_test=training.EVAL_BATCH_SIZE * 2 + 34)
    metrics = training.run_training(_config('softmax', tmp_path), data_sets)
    assert metrics['test']['num_examples'] == training.EVAL_BATCH_SIZE * 2 + 34
    assert metrics['test']['num_correct'] > 0.5 * metrics['test']['num_examples']


@pytest.mark.parametrize('model', sorted(training.MODELS))
def test_evaluate_checkpoint_matches_training(model, separable_data_sets, tmp_path):
    trained = training.run_training(_config(model, tmp_path, max_steps=10), separable_data_sets)
    restored = training.evaluate_checkpoint(model, str(tmp_path), data_sets=separable_data_sets)
    assert restored['test'] == trained['test']
    assert restored['global_step'] == 10


def test_evaluate_checkpoint_errors_name_the_problem(separable_data_sets, tmp_path):
    with pytest.raises(training.CheckpointError, match='No checkpoint in .*empty'):
        training.evaluate_checkpoint('softmax', str(tmp_path / 'empty'), data_sets=separable_data_sets)
    trained = training.run_training(_config('softmax', tmp_path, max_steps=5), separable_data_sets)
    with pytest.raises(training.CheckpointError,
                       match=r'is not a cnn checkpoint: it lacks conv1/biases, conv1/weights'):
        training.evaluate_checkpoint('cnn', str(tmp_path), data_sets=separable_data_sets)
    data_file = trained['checkpoint'] + '.data-00000-of-00001'
    with open(data_file, 'r+b') as f:
        f.truncate(100)
    with pytest.raises(training.CheckpointError, match='model.ckpt-5 is corrupt'):
        training.evaluate_checkpoint('softmax', str(tmp_path), data_sets=separable_data_sets)
    with open(trained['checkpoint'] + '.index', 'wb') as f:
        f.write(b'not an index')
    with pytest.raises(training.CheckpointError, match='not a readable checkpoint'):
        training.evaluate_checkpoint('softmax', str(tmp_path), data_sets=separable_data_sets)


def test_resume_with_other_layer_sizes_names_the_variable(separable_data_sets, tmp_path):
    training.run_training(_config('fully_connected', tmp_path, max_steps=5), separable_data_sets)
    with pytest.raises(training.CheckpointError, match=r'hidden1/biases has shape \[128\]'):
        training.run_training(_config('fully_connected', tmp_path, max_steps=10, resume=True,
                                      hidden1=64), separable_data_sets)


def test_mixed_precision_turns_on_the_rewrite_where_it_helps(monkeypatch):
    monkeypatch.setattr(training, 'mixed_precision_device', lambda: 'cpu')
    rewrites = training.session_config(mixed_precision=True).graph_options.rewrite_options
    assert rewrites.auto_mixed_precision_onednn_bfloat16 == rewrites.ON
    assert training.session_config().graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 != rewrites.ON
    monkeypatch.setattr(training, 'mixed_precision_device', lambda: 'gpu')
    rewrites = training.session_config(mixed_precision=True).graph_options.rewrite_options
    assert rewrites.auto_mixed_precision == rewrites.ON


def test_mixed_precision_says_when_it_would_not_help(monkeypatch, separable_data_sets, tmp_path, capsys):
    monkeypatch.setattr(training, 'mixed_precision_device', lambda: None)
    rewrites = training.session_config(mixed_precision=True).graph_options.rewrite_options
    assert rewrites.auto_mixed_precision_onednn_bfloat16 != rewrites.ON
    training.run_training(_config('softmax', tmp_path, max_steps=3, mixed_precision=True),
                          separable_data_sets)
    assert '--mixed_precision does nothing useful here' in capsys.readouterr().err


@pytest.mark.skipif(training.mixed_precision_device() != 'cpu', reason='needs a CPU with AMX or AVX512-BF16')
def test_mixed_precision_cnn_trains_and_keeps_float32_variables(separable_data_sets, tmp_path):
    metrics = training.run_training(_config('cnn', tmp_path, max_steps=40, mixed_precision=True,
                                            learning_rate=1e-3), separable_data_sets)
    assert metrics['test']['precision'] > 0.5
    # The variables stay float32, so the checkpoint restores into the ordinary graph.
    restored = training.evaluate_checkpoint('cnn', str(tmp_path), data_sets=separable_data_sets,
                                            mixed_precision=True)
    assert restored['test'] == metrics['test']
