"""mnist/tf1/app_flags.py: TF <= 1.4's FLAGS._parse_flags() and FLAGS.__flags, TF 1.5+'s
FLAGS.__flags[name].value, and every DEFINE_* with a name absl also defines."""
import os

import pytest

import test_tf1
from test_tf1 import PROGRAMS, assert_learns, run
from test_tf1_contrib import assert_learns_fashion

data_root = test_tf1.data_root  # the separable digits of test_tf1.py, a fixture


def test_tf04_program_parses_its_flags_and_prints_their_values(data_root):
    program = os.path.join(PROGRAMS, 'tf04_flags.py')
    result = run(['-m', 'mnist.tf1', program, '--batch_size', '50', '--log_dir', 'mine'], data_root)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    start = lines.index('Parameters:')
    # Only the program's flags, with the values given (log_dir is also one of absl's flags).
    assert lines[start + 1:start + 6] == ['BATCH_SIZE=50', 'DATA_DIR=MNIST_data', 'LEARNING_RATE=0.5',
                                          'LOG_DIR=mine', 'NUM_STEPS=60']
    assert_learns(result.stdout)
    assert ("note: %s, line 13: FLAGS._parse_flags() is TF <= 1.4's (absl's FLAGS has none); run as TF 1.4 "
            "ran it: the command line parsed, FLAGS.__flags the program's {name: value}" % program
            ) in result.stderr.splitlines()


@pytest.mark.slow
def test_tf04_program_learns_fashion_mnist(tmp_path):
    assert_learns_fashion('tf04_flags.py', tmp_path)


FLAGS_VALUES = '''import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_enum('stderrthreshold', 'fatal', ['debug', 'info', 'fatal'], 'The program\\'s own threshold')
flags.DEFINE_bool('logtostderr', False, 'The program\\'s own switch')
flags.DEFINE_string('log_dir', '/tmp/logs', 'Where to log')
flags.DEFINE_integer('batch_size', 32, 'Batch size')
FLAGS = flags.FLAGS


def main(_):
    print(FLAGS.__flags['stderrthreshold'].value, FLAGS.__flags['log_dir'].value,
          FLAGS.__flags['batch_size'].value, FLAGS.__flags['logtostderr'].value, FLAGS.stderrthreshold)
    print(FLAGS.flag_values_dict()['log_dir'], 'verbosity' in FLAGS.__flags)  # absl's own flags too


tf.app.run()
'''


def test_tf15_program_reads_its_flags_values_and_defines_absl_names_with_any_define(tmp_path):
    program = tmp_path / 'flags_values.py'
    program.write_text(FLAGS_VALUES)
    result = run(['-m', 'mnist.tf1', str(program), '--stderrthreshold', 'info', '--log_dir', 'mine',
                  '--logtostderr', '--batch_size', '8'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == ['info mine 8 True info', "mine True"]
    assert 'note:' not in result.stderr  # TF 1.5+'s FLAGS.__flags is absl's: nothing to note


def test_tf04_parse_flags_with_arguments_returns_the_rest_and_a_bad_value_is_absls_one_line(tmp_path):
    program = tmp_path / 'parse.py'
    program.write_text('import tensorflow as tf\n\n'
                       'tf.flags.DEFINE_integer("steps", 1, "Steps")\n'
                       'print(tf.flags.FLAGS._parse_flags(["--steps", "5", "extra"]), tf.flags.FLAGS.steps)\n'
                       'tf.flags.FLAGS._parse_flags(["--steps", "five"])\n')
    result = run(['-m', 'mnist.tf1', str(program)], tmp_path)
    assert result.stdout.splitlines() == ["['extra'] 5"]
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "absl.flags._exceptions.IllegalFlagValueError: flag --steps=five: invalid literal for int() with "
        "base 10: 'five'")
    assert 'File "%s", line 5, in <module>' % program in result.stderr  # the program's traceback
