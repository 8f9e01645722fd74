"""The scripts end to end, as a user runs them: flags, log lines, kill and resume, evaluation."""
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import write_mnist_dir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP_LINE = re.compile(r'^Step \d+: loss = \d+\.\d\d \(\d+\.\d{3} sec\)$')
EVAL_LINE = re.compile(r'^  Num examples: (\d+)  Num correct: (\d+)  Precision @ 1: (\d\.\d{4})$')


def run_script(name, *args, timeout=240):
    """Runs scripts/<name> with args; returns the CompletedProcess (text output)."""
    return subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', name), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_fully_connected_feed_prints_the_tutorial_lines_and_eval_matches(tmp_path):
    # Just over the 5000 validation images that read_data_sets takes by default.
    mnist_dir = write_mnist_dir(str(tmp_path / 'data'), num_train=5200, num_test=300)
    log_dir = str(tmp_path / 'fc')
    trained = run_script('fully_connected_feed.py', '--input_data_dir', mnist_dir.directory,
                         '--log_dir', log_dir, '--max_steps', '120', '--batch_size', '10')
    assert trained.returncode == 0, trained.stderr
    lines = trained.stdout.splitlines()
    assert [l for l in lines if l.startswith('Step')] == [l for l in lines if STEP_LINE.match(l)]
    assert sum(1 for l in lines if STEP_LINE.match(l)) == 2
    headings = [l for l in lines if l.endswith('Data Eval:')]
    assert headings == ['Training Data Eval:', 'Validation Data Eval:', 'Test Data Eval:']
    trained_test = [l for l in lines if EVAL_LINE.match(l)][-1]
    assert os.path.exists(os.path.join(log_dir, 'model.ckpt-120.index'))

    evaluated = run_script('mnist_eval.py', '--model', 'fully_connected', '--log_dir', log_dir,
                           '--data_dir', mnist_dir.directory)
    assert evaluated.returncode == 0, evaluated.stderr
    assert [l for l in evaluated.stdout.splitlines() if EVAL_LINE.match(l)][-1] == trained_test
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
