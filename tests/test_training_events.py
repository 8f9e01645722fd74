"""What the training scripts leave for TensorBoard: the graph and scalars, read back from the events."""
import collections
import glob
import os
import signal
import subprocess
import sys

import pytest

from conftest import ctrl_c_as_from_a_terminal
from test_checkpoints import wait_for_checkpoint
from test_scripts import ROOT
from test_training import train

import tensorflow as tf


def read_events(log_dir):
    """Returns ({tag: [(step, value), ...]}, whether a graph was written) from log_dir's events files."""
    scalars = collections.defaultdict(list)
    has_graph = False
    for path in sorted(glob.glob(os.path.join(log_dir, 'events.out.tfevents.*'))):
        for event in tf.compat.v1.train.summary_iterator(path):
            has_graph = has_graph or event.HasField('graph_def')
            for value in event.summary.value:
                assert value.HasField('simple_value'), value.tag
                scalars[value.tag].append((event.step, value.simple_value))
    return dict(scalars), has_graph


def steps_of(scalars):
    return {tag: [step for step, _ in points] for tag, points in scalars.items()}


# Each model's scalars after 30 steps, logging every 10 and saving at 20 and 30.
EXPECTED = {
    'softmax': {'loss': [0, 10, 20], 'accuracy/test': [30]},
    'fully_connected': {'loss': [0, 10, 20], 'accuracy/train': [20, 30],
                        'accuracy/validation': [20, 30], 'accuracy/test': [20, 30]},
    'cnn': {'loss': [0, 10, 20], 'accuracy/training_batch': [0, 10, 20], 'accuracy/test': [30]},
}


@pytest.mark.parametrize('model', sorted(EXPECTED))
def test_training_writes_graph_loss_and_accuracy(model, separable_data_sets, tmp_path):
    metrics = train(model, tmp_path, separable_data_sets)
    scalars, has_graph = read_events(str(tmp_path))
    assert has_graph
    assert steps_of(scalars) == EXPECTED[model]
    assert scalars['accuracy/test'][-1][1] == pytest.approx(metrics['test']['precision'])
    # The loss summary is run after the step, as in Mechanics 101, so it is the loss
    # after that step's update: no more than the loss the step printed, on this easy set.
    assert scalars['loss'][-1][1] <= metrics['loss'] + 1e-6


def test_ctrl_c_leaves_readable_events(tmp_path):
    with ctrl_c_as_from_a_terminal():
        process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, 'scripts', 'fully_connected_feed.py'), '--fake_data',
             '--log_dir', str(tmp_path), '--max_steps', '1000000', '--batch_size', '10'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_for_checkpoint(process, str(tmp_path))
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    scalars, has_graph = read_events(str(tmp_path))
    steps = steps_of(scalars)
    assert has_graph
    assert steps['loss'][:3] == [0, 100, 200]
    assert steps['accuracy/test'][0] == 1000
