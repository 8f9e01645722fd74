"""python -m mnist.tf1 on the constructs the survey (docs/tf1_survey.tsv) found in 2 % or more of
public TF 1.x MNIST programs and no other test program covered: a trainer with its own module
beside it, queue runners over TFRecords, a replicated cluster's Supervisor and
MonitoredTrainingSession, and dynamic_rnn with a traced step. Each program is our own, written
in the style of its era, and must learn on the generated digits of test_tf1.py."""
import os
import socket

import pytest

import test_tf1
from test_tf1 import assert_learns, event_tags, run_program

import tensorflow as tf

v1 = tf.compat.v1
data_root = test_tf1.data_root  # the module-scoped fixture: separable digits in MNIST_data/


def test_book_trainer_imports_its_own_module_and_saves_moving_averages(data_root, tmp_path):
    out = run_program('book_train.py', data_root, 'MNIST_data', str(tmp_path / 'model'))
    assert_learns(out)
    checkpoint = v1.train.latest_checkpoint(str(tmp_path / 'model'))
    assert checkpoint.endswith('model.ckpt-150')
    names = {name for name, _ in v1.train.list_variables(checkpoint)}
    # book_inference.py's tf.get_variable names, and the ExponentialMovingAverage shadows of them.
    assert {'layer1/weights', 'layer2/biases', 'layer1/weights/ExponentialMovingAverage'} <= names


def test_queue_runners_read_the_written_records_for_the_epochs_asked(data_root, tmp_path):
    out = run_program('queue_records.py', data_root, '--data_dir', 'MNIST_data',
                      '--train_dir', str(tmp_path), '--num_epochs', '3')
    assert_learns(out)
    records = sum(1 for _ in v1.io.tf_record_iterator(str(tmp_path / 'train.tfrecords')))
    assert records == 600  # 5600 generated images less read_data_sets' 5000 for validation
    assert 'done training for 3 epochs, 90 steps' in out  # 1800 records in batches of 20


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.parametrize('session', ['--nomonitored', '--monitored'])
def test_replicated_training_on_an_in_process_server_learns(data_root, session):
    out = run_program('dist_training.py', data_root, '--worker_hosts', '127.0.0.1:%d' % free_port(),
                      session)
    assert_learns(out)
    assert 'step 81: cross entropy' in out  # the global step counts on the server


def test_dynamic_rnn_learns_and_writes_its_traced_step(data_root, tmp_path):
    out = run_program('dynamic_rnn.py', data_root, 'MNIST_data', str(tmp_path / 'logs'))
    assert_learns(out)
    assert 'traced step 60:' in out
    assert event_tags(tmp_path / 'logs') == {'cost'}
    traced = [event.tagged_run_metadata.tag
              for name in os.listdir(tmp_path / 'logs')
              for event in v1.train.summary_iterator(str(tmp_path / 'logs' / name))
              if event.HasField('tagged_run_metadata')]
    assert traced == ['step060']


def test_dataset_initializable_iterator_runs_each_epoch_to_its_end(data_root):
    out = run_program('dataset_iterator.py', data_root, 'MNIST_data')
    assert_learns(out)
    # 600 training images in batches of 50: the iterator ends after 12 steps, every epoch.
    assert [line.split()[-2] for line in out.splitlines() if line.startswith('epoch')] == \
        ['12', '24', '36', '48', '60']
