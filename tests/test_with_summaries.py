"""The TensorBoard tutorial: its summaries, its train/ and test/ writers, run metadata and log lines."""
import argparse
import collections
import glob
import os
import re

import pytest

from conftest import run_main
from mnist import cli, training
from test_scripts import run_script

import tensorflow as tf


def read_run(run_dir):
    """run_dir's events: {tag: [step, ...]}, {kind of value: {tag, ...}}, [(step, run-metadata tag)]."""
    steps, kinds, metadata = collections.defaultdict(list), collections.defaultdict(set), []
    for path in sorted(glob.glob(os.path.join(run_dir, 'events.out.tfevents.*'))):
        for event in tf.compat.v1.train.summary_iterator(path):
            if event.HasField('tagged_run_metadata'):
                metadata.append((event.step, event.tagged_run_metadata.tag))
            for value in event.summary.value:
                steps[value.tag].append(event.step)
                kinds[value.WhichOneof('value')].add(value.tag)
    return dict(steps), dict(kinds), metadata


def test_train_and_test_writers_hold_the_tutorials_summaries(separable_data_sets, tmp_path, capsys):
    metrics = run_main('mnist_with_summaries', ['--log_dir', tmp_path, '--max_steps', 25,
                                                '--batch_size', 50, '--seed', 3],
                       separable_data_sets, TRACE_EVERY=10)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ['Accuracy at step 0: %s' % lines[0].split()[-1],
                     'Adding run metadata for 9', 'Accuracy at step 10: %s' % lines[2].split()[-1],
                     'Adding run metadata for 19', 'Accuracy at step 20: %s' % lines[4].split()[-1],
                     'Accuracy at step 25: %s' % metrics['test']['precision']]
    assert metrics['test']['precision'] == 1.0  # the tiny set is separable
    assert metrics['test']['num_examples'] == separable_data_sets.test.num_examples
    assert metrics['global_step'] == 25

    train_steps, train_kinds, metadata = read_run(str(tmp_path / 'train'))
    variables = ['layer%d/%s/summaries/' % (layer, kind) for layer in (1, 2)
                 for kind in ('weights', 'biases')]
    assert train_kinds['simple_value'] == {'cross_entropy', 'accuracy',
                                           'dropout/dropout_keep_probability'} | {
        prefix + stat for prefix in variables for stat in ('mean', 'stddev', 'max', 'min')}
    assert train_kinds['histo'] == {prefix + 'histogram' for prefix in variables} | {
        'layer%d/%s' % (layer, name) for layer in (1, 2)
        for name in ('Wx_plus_b/pre_activations', 'activations')}
    assert train_kinds['image'] == {'input_reshape/input/image/%d' % i for i in range(10)}
    assert all(steps == list(range(25)) for steps in train_steps.values())
    assert metadata == [(9, 'step009'), (19, 'step019')]

    test_steps, test_kinds, _ = read_run(str(tmp_path / 'test'))
    # The same tags as the training curves, so TensorBoard draws both in one chart.
    assert test_kinds == {'simple_value': {'accuracy', 'cross_entropy'}}
    assert test_steps == {'accuracy': [0, 10, 20, 25], 'cross_entropy': [0, 10, 20, 25]}


def test_test_accuracy_is_counted_in_batches_with_the_remainder(make_separable_data_sets, tmp_path):
    data_sets = make_separable_data_sets(num_test=training.EVAL_BATCH_SIZE + 7)
    metrics = run_main('mnist_with_summaries', ['--log_dir', tmp_path, '--max_steps', 1], data_sets)
    assert metrics['test']['num_examples'] == training.EVAL_BATCH_SIZE + 7
    correct = metrics['test']['num_correct']
    assert metrics['test']['precision'] == pytest.approx(correct / (training.EVAL_BATCH_SIZE + 7))


def test_a_second_run_in_the_same_log_dir_says_so(separable_data_sets, tmp_path, capsys):
    argv = ['--log_dir', tmp_path, '--max_steps', 1]
    run_main('mnist_with_summaries', argv, separable_data_sets)
    assert 'already holds events' not in capsys.readouterr().err
    run_main('mnist_with_summaries', argv + ['--overwrite'], separable_data_sets)
    assert 'already holds events of an earlier run' in capsys.readouterr().err


def test_script_flags_and_fake_data(tmp_path):
    result = run_script('mnist_with_summaries.py', '--fake_data', '--max_steps', '3', '--log_dir',
                        str(tmp_path), '--dropout', '0.5', '--seed', '1')
    assert result.returncode == 0, result.stderr
    assert re.match(r'^Accuracy at step 0: [\d.]+$', result.stdout.splitlines()[-2])
    assert result.stdout.splitlines()[-1] == 'Accuracy at step 3: 1.0'
    assert glob.glob(str(tmp_path / 'train' / 'events.out.tfevents.*'))
    help_text = ' '.join(run_script('mnist_with_summaries.py', '--help').stdout.split())
    for default in ('--max_steps MAX_STEPS Number of steps to run trainer. (default: 1000)',
                    '(default: 0.001)', 'Keep probability for training dropout. (default: 0.9)',
                    '--fake_data', '--data_dir', '--log_dir', '--seed'):
        assert default in help_text


@pytest.mark.parametrize('text', ['0', '1.5', 'half'])
def test_dropout_flag_is_a_keep_probability(text):
    assert cli.keep_probability('0.9') == 0.9
    with pytest.raises(argparse.ArgumentTypeError, match=r'expected a keep probability in \(0, 1\]'):
        cli.keep_probability(text)
