"""The scripts end to end, as a user runs them: flags, log lines, kill and resume, evaluation."""
import glob
import gzip
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import FILE_NAMES, write_mnist_dir
from mnist import cli, input_data

import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP_LINE = re.compile(r'^Step \d+: loss = \d+\.\d\d \(\d+\.\d{3} sec\)$')
EVAL_LINE = re.compile(r'^  Num examples: (\d+)  Num correct: (\d+)  Precision @ 1: (\d\.\d{4})$')


def run_script(name, *args, timeout=240, env=None):
    """Runs scripts/<name> with args (and env, if given); returns the CompletedProcess (text output)."""
    return subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', name), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)


def test_fully_connected_feed_prints_the_tutorial_lines_and_eval_matches(tmp_path):
    # Just over the 5000 validation images that read_data_sets takes by default.
    mnist_dir = write_mnist_dir(str(tmp_path / 'data'), num_train=5200, num_test=300)
    log_dir = str(tmp_path / 'fc')
    trained = run_script('fully_connected_feed.py', '--input_data_dir', mnist_dir.directory,
                         '--log_dir', log_dir, '--max_steps', '120', '--batch_size', '10')
    assert trained.returncode == 0, trained.stderr
    lines = trained.stdout.splitlines()
    step_lines = [line for line in lines if line.startswith('Step')]
    assert step_lines == [line for line in lines if STEP_LINE.match(line)]
    assert sum(1 for line in lines if STEP_LINE.match(line)) == 2
    headings = [line for line in lines if line.endswith('Data Eval:')]
    assert headings == ['Training Data Eval:', 'Validation Data Eval:', 'Test Data Eval:']
    trained_test = [line for line in lines if EVAL_LINE.match(line)][-1]
    assert os.path.exists(os.path.join(log_dir, 'model.ckpt-120.index'))

    evaluated = run_script('mnist_eval.py', '--model', 'fully_connected', '--log_dir', log_dir,
                           '--data_dir', mnist_dir.directory)
    assert evaluated.returncode == 0, evaluated.stderr
    assert [line for line in evaluated.stdout.splitlines() if EVAL_LINE.match(line)][-1] == trained_test
    num_examples = int(EVAL_LINE.match(trained_test).group(1))
    assert num_examples == len(mnist_dir.test_labels)


@pytest.mark.parametrize('script,final', [('mnist_softmax.py', r'^\d(\.\d+)?$'),
                                          ('mnist_deep.py', r'^test accuracy \d(\.\d+)?$')])
def test_softmax_and_deep_run_on_fake_data(script, final, tmp_path):
    result = run_script(script, '--fake_data', '--max_steps', '3', '--log_dir', str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert re.match(final, result.stdout.strip().splitlines()[-1])
    assert os.path.exists(str(tmp_path / 'model.ckpt-3.index'))


def test_help_shows_every_default():
    for script in ('fully_connected_feed.py', 'mnist_softmax.py', 'mnist_deep.py'):
        result = run_script(script, '--help')
        assert result.returncode == 0
        for flag in ('--learning_rate', '--max_steps', '--batch_size', '--log_dir', '--seed'):
            assert flag in result.stdout
        help_text = ' '.join(result.stdout.split())
        assert help_text.count('(default:') >= 6, help_text
    assert '(default: 0.01)' in ' '.join(run_script('fully_connected_feed.py', '--help').stdout.split())
    assert '(default: 20000)' in ' '.join(run_script('mnist_deep.py', '--help').stdout.split())


def test_bad_flag_and_bad_data_give_one_clear_line(tmp_path):
    result = run_script('mnist_softmax.py', '--batch_size', '0')
    assert result.returncode == 2
    assert "argument --batch_size: expected a positive integer, got '0'" in result.stderr

    with open(tmp_path / 'train-images-idx3-ubyte.gz', 'w') as f:
        f.write('<!DOCTYPE html><html><body>Not found</body></html>')
    for name in ('train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz',
                 't10k-labels-idx1-ubyte.gz'):
        (tmp_path / name).write_bytes(b'')
    result = run_script('mnist_softmax.py', '--data_dir', str(tmp_path), '--log_dir',
                        str(tmp_path / 'log'))
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert re.search(r'error: .*train-images-idx3-ubyte.gz is not a gzip file', result.stderr)


def test_killed_after_a_checkpoint_resumes_and_finishes(tmp_path):
    log_dir = str(tmp_path / 'run')
    args = ['--fake_data', '--log_dir', log_dir, '--batch_size', '10']
    process = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'scripts', 'fully_connected_feed.py'), *args,
         '--max_steps', '1000000'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    checkpoint = os.path.join(log_dir, 'model.ckpt-1000.index')
    try:
        deadline = time.time() + 120
        while not os.path.exists(checkpoint) and time.time() < deadline:
            assert process.poll() is None, 'training stopped before its first checkpoint'
            time.sleep(0.05)
        assert os.path.exists(checkpoint)
        while not os.path.exists(os.path.join(log_dir, 'checkpoint')):
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    resumed = run_script('fully_connected_feed.py', *args, '--resume', '--max_steps', '1200')
    assert resumed.returncode == 0, resumed.stderr
    assert re.search(r'Resumed from .*model\.ckpt-(\d+) at step \1\.', resumed.stdout)
    assert 'Step 1100: loss' in resumed.stdout
    assert os.path.exists(os.path.join(log_dir, 'model.ckpt-1200.index'))


def test_upstream_fully_connected_feed_test(tmp_path):
    # TensorFlow's BUILD: fully_connected_feed_test runs `fully_connected_feed.py --fake_data --max_steps=10`.
    result = run_script('fully_connected_feed.py', '--fake_data', '--max_steps=10',
                        '--log_dir', str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'Step 0: loss = %s' % lines[0].split(' = ')[1] and STEP_LINE.match(lines[0])
    assert lines[-2:] == ['Test Data Eval:',
                          '  Num examples: 10000  Num correct: 10000  Precision @ 1: 1.0000']
    assert os.path.exists(tmp_path / 'model.ckpt-10.index')
    assert glob.glob(str(tmp_path / 'events.out.tfevents.*'))


def test_upstream_mnist_with_summaries_test_leaves_the_weights_unmoved(tmp_path):
    # TensorFlow's BUILD: mnist_with_summaries_test runs
    # `mnist_with_summaries.py --fake_data --max_steps=10 --learning_rate=0.00`.
    result = run_script('mnist_with_summaries.py', '--fake_data', '--max_steps=10', '--learning_rate=0.00',
                        '--log_dir', str(tmp_path / 'upstream'))
    assert result.returncode == 0, result.stderr
    assert ('Note: --learning_rate 0: every step runs, but the weights keep their initial values.'
            in result.stderr)
    assert result.stdout.splitlines()[-1].startswith('Accuracy at step 10: ')
    assert glob.glob(str(tmp_path / 'upstream' / 'train' / 'events.out.tfevents.*'))
    assert glob.glob(str(tmp_path / 'upstream' / 'test' / 'events.out.tfevents.*'))
    saved = tf.train.load_checkpoint(str(tmp_path / 'upstream' / 'model.ckpt-10'))
    assert saved.get_tensor('global_step') == 10
    for layer in ('layer1', 'layer2'):
        # Initialized to exactly 0.1, and a truncated normal of stddev 0.1: Adam at 0 moved neither.
        assert (saved.get_tensor(layer + '/biases/biases') == np.float32(0.1)).all()
        assert np.abs(saved.get_tensor(layer + '/weights/weights')).max() <= 0.2
    # With a seed: the weights after 10 steps at rate 0 are the same-seed initialization.
    for steps in ('10', '0'):
        result = run_script('mnist_with_summaries.py', '--fake_data', '--max_steps', steps,
                            '--learning_rate=0', '--seed', '4', '--log_dir', str(tmp_path / steps))
        assert result.returncode == 0, result.stderr
    after = tf.train.load_checkpoint(str(tmp_path / '10' / 'model.ckpt-10'))
    before = tf.train.load_checkpoint(str(tmp_path / '0' / 'model.ckpt-0'))
    for name in ('layer1/weights/weights', 'layer2/weights/weights', 'layer1/biases/biases'):
        np.testing.assert_array_equal(after.get_tensor(name), before.get_tensor(name))


TRAINING_SCRIPTS = ['fully_connected_feed', 'mnist_softmax', 'mnist_deep', 'mnist_with_summaries']


@pytest.mark.parametrize('script', TRAINING_SCRIPTS)
def test_learning_rate_zero_is_accepted(script, tmp_path):
    result = run_script(script + '.py', '--fake_data', '--max_steps', '2', '--learning_rate', '0',
                        '--log_dir', str(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize('script', TRAINING_SCRIPTS)
@pytest.mark.parametrize('flag,value,expected', [
    ('--learning_rate', 'nan', 'a finite number >= 0'), ('--learning_rate', '-1e-3', 'a finite number >= 0'),
    ('--max_steps', '-1', 'an integer >= 0'), ('--batch_size', '0', 'a positive integer'),
    ('--seed', '-3', 'an integer from 0 to 2**63 - 1')])
def test_values_that_cannot_work_are_refused_in_one_line(script, flag, value, expected, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.load_script(script).parse_flags(['--fake_data', '%s=%s' % (flag, value)])
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "error: argument %s: expected %s, got '%s'" % (flag, expected, value))


@pytest.mark.parametrize('script,flag', [('fully_connected_feed', '--input_data_dir'),
                                         ('mnist_softmax', '--data_dir'), ('mnist_eval', '--data_dir')])
def test_an_empty_data_dir_is_refused_naming_the_flag(script, flag, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.load_script(script).parse_flags([flag, ''])
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "error: argument %s: expected the directory that holds the MNIST files or is to receive them "
        "(the default is MNIST_data), got ''" % ('--input_data_dir/--data_dir' if flag == '--input_data_dir'
                                                 else flag))


def test_a_directory_of_uncompressed_dotted_files_trains_offline(tmp_path):
    """No network is needed: a download would go to a proxy on a closed local port, and fail."""
    mnist_dir = write_mnist_dir(str(tmp_path / 'gz'), num_train=5100, num_test=20)
    os.makedirs(tmp_path / 'dotted')
    for name in FILE_NAMES:
        with gzip.open(os.path.join(mnist_dir.directory, name)) as f:
            (tmp_path / 'dotted' / input_data.on_disk_names(name)[2]).write_bytes(f.read())
    result = run_script('mnist_softmax.py', '--data_dir', str(tmp_path / 'dotted'), '--max_steps', '5',
                        '--log_dir', str(tmp_path / 'log'),
                        env=dict(os.environ, https_proxy='http://127.0.0.1:9', http_proxy='http://127.0.0.1:9'))
    assert result.returncode == 0, result.stderr
    assert 'Extracting %s' % (tmp_path / 'dotted' / 'train-images.idx3-ubyte') in result.stdout
    assert 'Downloading' not in result.stderr
    assert sorted(os.listdir(tmp_path / 'dotted')) == sorted(input_data.on_disk_names(name)[2]
                                                             for name in FILE_NAMES)


def test_batch_larger_than_the_training_split_is_one_line(tmp_path):
    mnist_dir = write_mnist_dir(str(tmp_path / 'data'), num_train=5100, num_test=20)
    result = run_script('mnist_softmax.py', '--data_dir', mnist_dir.directory, '--batch_size', '101',
                        '--log_dir', str(tmp_path / 'log'))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        'error: batch_size 101: expected 1..100, the number of training examples.')
