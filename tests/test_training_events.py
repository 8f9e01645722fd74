"""What the training scripts leave for TensorBoard: the graph and scalars, read back from the events."""
import collections
import glob
import os

import pytest
import tensorflow as tf

from mnist import training


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


def _config(model, log_dir, **overrides):
    config = training.default_config(model)
    config.log_dir = str(log_dir)
    config.max_steps, config.batch_size, config.log_every, config.checkpoint_every = 30, 20, 10, 20
    for name, value in overrides.items():
        setattr(config, name, value)
    return config


# Each model's scalars after 30 steps, logging every 10 and saving at 20 and 30.
EXPECTED = {
    'softmax': {'loss': [0, 10, 20], 'accuracy/test': [30]},
    'fully_connected': {'loss': [0, 10, 20], 'accuracy/train': [20, 30],
                        'accuracy/validation': [20, 30], 'accuracy/test': [20, 30]},
    'cnn': {'loss': [0, 10, 20], 'accuracy/training_batch': [0, 10, 20], 'accuracy/test': [30]},
}


@pytest.mark.parametrize('model', sorted(EXPECTED))
def test_training_writes_graph_loss_and_accuracy(model, separable_data_sets, tmp_path):
    metrics = training.run_training(_config(model, tmp_path), separable_data_sets)
    scalars, has_graph = read_events(str(tmp_path))
    assert has_graph
    assert steps_of(scalars) == EXPECTED[model]
    assert scalars['accuracy/test'][-1][1] == pytest.approx(metrics['test']['precision'])
    assert scalars['loss'][-1][1] == pytest.approx(metrics['loss'])


def test_ctrl_c_leaves_readable_events(separable_data_sets, tmp_path, monkeypatch):
    train = separable_data_sets.train
    next_batch, calls = train.next_batch, []

    def interrupted_next_batch(*args):
        calls.append(1)
        if len(calls) == 23:  # the user presses Ctrl-C while step 22 gets its batch
            raise KeyboardInterrupt
        return next_batch(*args)
    monkeypatch.setattr(train, 'next_batch', interrupted_next_batch)
    with pytest.raises(KeyboardInterrupt):
        training.run_training(_config('fully_connected', tmp_path, max_steps=50), separable_data_sets)
    scalars, has_graph = read_events(str(tmp_path))
    steps = steps_of(scalars)
    assert has_graph
    assert steps['loss'] == [0, 10, 20]
    # The checkpoint saved on Ctrl-C at step 22 is evaluated and logged before the writer closes.
    assert steps['accuracy/test'] == [20, 22]
