"""python -m mnist.tf1 runs unmodified TF 1.x programs, with the results of a hand-ported copy."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAMS = os.path.join(HERE, 'tf1_programs')

# The three kinds of edit a user makes by hand to run such a program on TF 2.
HAND_PORT = [
    ('import tensorflow as tf', 'import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()'),
    ('from tensorflow.examples.tutorials.mnist import input_data', 'from mnist import input_data'),
    ('from tensorflow.examples.tutorials.mnist import mnist', 'from mnist import fully_connected as mnist'),
]


def run(args, cwd):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=180,
                          cwd=cwd)


def run_both(program, tmp_path, *args):
    """Runs the program through the runner and its hand-ported copy; returns both results."""
    with open(os.path.join(PROGRAMS, program)) as f:
        source = f.read()
    for before, after in HAND_PORT:
        source = source.replace(before, after)
    ported = tmp_path / ('ported_' + program)
    ported.write_text(source)
    through_runner = run(['-m', 'mnist.tf1', os.path.join(PROGRAMS, program), *args], tmp_path)
    by_hand = run([str(ported), *args], tmp_path)
    assert through_runner.returncode == 0, through_runner.stderr[-3000:]
    assert by_hand.returncode == 0, by_hand.stderr[-3000:]
    return through_runner.stdout, by_hand.stdout


def _without_extracting(out):
    return [line for line in out.splitlines() if not line.startswith('Extracting')]


def test_beginners_softmax(tmp_path):
    ours, by_hand = run_both('softmax_beginners.py', tmp_path, '20')
    assert _without_extracting(ours) == _without_extracting(by_hand)
    assert 'step 19, cross entropy' in ours


def test_mechanics_101_with_app_flags_and_tutorial_mnist(tmp_path):
    ours, by_hand = run_both('mechanics101.py', tmp_path, '--max_steps', '21')
    assert ours == by_hand
    lines = ours.splitlines()
    assert [l.split(':')[0] for l in lines if l.startswith('Step')] == ['Step 0', 'Step 10', 'Step 20']
    assert lines[-1] == '  Num examples: 10000  Num correct: 10000  Precision @ 1: 1.0000'


def test_deep_mnist_keep_prob_dropout(tmp_path):
    ours, by_hand = run_both('deep_mnist.py', tmp_path)
    assert ours == by_hand
    # keep_prob 0.9 keeps 90% (a rate of 0.9 would keep 10%): of the units ReLU left
    # nonzero, about a tenth more become zero.
    zeros = {float(l.split()[3].rstrip(':')): float(l.split()[-1])
             for l in ours.splitlines() if l.startswith('zeros')}
    assert zeros[0.9] == pytest.approx(zeros[1.0] + 0.1 * (1 - zeros[1.0]), abs=0.02)
    assert ours.splitlines()[-1].startswith('test accuracy ')


def test_summaries_program_writes_events(tmp_path):
    import tensorflow as tf
    ours, by_hand = run_both('summaries.py', tmp_path, str(tmp_path / 'logs'))
    assert ours == by_hand
    tags = set()
    for name in os.listdir(tmp_path / 'logs' / 'train'):
        for event in tf.compat.v1.train.summary_iterator(str(tmp_path / 'logs' / 'train' / name)):
            tags.update(value.tag for value in event.summary.value)
    assert {'cross_entropy', 'layer/weights'} <= tags


def test_contrib_use_fails_with_one_clear_line(tmp_path):
    result = run(['-m', 'mnist.tf1', os.path.join(PROGRAMS, 'contrib_layers.py')], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'error: tf.contrib.layers was removed in TensorFlow 2 (all of tf.contrib was), and this '
        'runner does not provide it; only tf.contrib.learn.python.learn.datasets.mnist '
        '(read_data_sets, DataSet) is mapped.')
    assert 'Traceback' not in result.stderr
    assert 'unreachable' not in result.stdout


def test_install_maps_modules_in_process_and_plain_import_is_untouched():
    code = '''
import tensorflow
assert hasattr(tensorflow, "function") and not hasattr(tensorflow, "placeholder")
from mnist import tf1
tf1.install()
import tensorflow as tf
assert tf.placeholder is tensorflow.compat.v1.placeholder
assert not tf.executing_eagerly()
from tensorflow.python.framework import dtypes
assert dtypes.float32 is tensorflow.float32
from tensorflow.contrib.learn.python.learn.datasets import mnist as contrib_mnist
from tensorflow.examples.tutorials.mnist import input_data, mnist
import mnist.input_data, mnist.fully_connected
assert contrib_mnist is input_data is mnist.input_data
try:
    from tensorflow.contrib import slim
except ImportError as e:
    assert "tf.contrib.slim was removed in TensorFlow 2" in str(e), e
else:
    raise AssertionError("tf.contrib.slim imported")
print("ok")
'''
    result = run(['-c', code], ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    plain = run(['-c', 'import tensorflow as tf; print(tf.executing_eagerly(), hasattr(tf, "placeholder"))'], ROOT)
    assert plain.stdout.strip() == 'True False'


def test_runner_passes_argv_and_exit_code(tmp_path):
    program = tmp_path / 'argv.py'
    program.write_text('import sys\nimport tensorflow as tf\nprint(sys.argv[1:])\nsys.exit(3)\n')
    result = run(['-m', 'mnist.tf1', str(program), '--a', 'b'], tmp_path)
    assert result.returncode == 3
    assert result.stdout.strip() == "['--a', 'b']"
    missing = run(['-m', 'mnist.tf1', str(tmp_path / 'nope.py')], tmp_path)
    assert missing.returncode == 1 and 'nope.py: no such program file' in missing.stderr
