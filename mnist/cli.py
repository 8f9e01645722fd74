"""What the scripts share around their work: the training flags, run() and load_script().

Every --help line shows its default.
"""
import argparse
import importlib.util
import os
import sys

from mnist import checkpoints, input_data, paths, tensorboard_screenshot, training, visualize
from mnist.flag_types import (  # noqa: F401 (scripts use cli.*)
    data_dir,
    keep_probability,
    learning_rate,
    non_negative_int,
    positive_float,
    positive_int,
    seed,
)

# The tutorial script that trains each model of mnist.training.MODELS.
TRAINING_SCRIPTS = {'softmax': 'mnist_softmax', 'fully_connected': 'fully_connected_feed',
                    'cnn': 'mnist_deep'}
SCRIPTS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'scripts')


def training_parser(description, defaults, data_flag='--data_dir'):
    """The flags every training script takes; `defaults` holds its tutorial's settings.

    defaults: learning_rate, max_steps, batch_size and log_dir. The script
    adds flags of its own (e.g. --hidden1) to the parser it gets back.
    """
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--learning_rate', type=learning_rate, default=defaults['learning_rate'],
                        help='Initial learning rate (0 runs everything but leaves the weights as '
                             'initialized).')
    parser.add_argument('--max_steps', type=non_negative_int, default=defaults['max_steps'],
                        help='Number of steps to run trainer.')
    parser.add_argument('--batch_size', type=positive_int, default=defaults['batch_size'],
                        help='Batch size (at most the number of training examples).')
    aliases = [data_flag] + (['--data_dir'] if data_flag != '--data_dir' else [])
    parser.add_argument(*aliases, dest='data_dir', type=data_dir, default='MNIST_data',
                        help='Directory with the four MNIST files (gzipped or not); they are '
                             'downloaded there if missing.')
    parser.add_argument('--log_dir', default=defaults['log_dir'],
                        help='Directory for checkpoints and TensorBoard summaries. If it holds '
                             'checkpoints already, say --resume or --overwrite.')
    parser.add_argument('--fake_data', action='store_true',
                        help='If true, uses fake data for unit testing.')
    parser.add_argument('--seed', type=seed, default=None,
                        help='Seed for initialization, dropout and batch order; the same seed '
                             'repeats a run exactly on the same machine.')
    restart = parser.add_mutually_exclusive_group()
    restart.add_argument('--resume', action='store_true',
                         help='Continue from the newest checkpoint in --log_dir that restores '
                              '(global step and optimizer state).')
    restart.add_argument('--overwrite', action='store_true',
                         help='Delete the checkpoints already in --log_dir and start again.')
    parser.add_argument('--check_numerics', action='store_true',
                        help='Check every tensor of every step: the first NaN or infinity stops the run '
                             'with one line naming the op that made it and the line that built it '
                             '(slower).')
    parser.add_argument('--mixed_precision', action='store_true',
                        help='Let TensorFlow compute in bfloat16 (CPUs with AMX or AVX512-BF16) '
                             'or float16 (GPUs) where it is safe; variables stay float32.')
    return parser


def parse_flags(parser, argv=None):
    """parser.parse_args(argv), and one note when --learning_rate 0 means nothing will train."""
    flags = parser.parse_args(argv)
    if getattr(flags, 'learning_rate', None) == 0:
        print('Note: --learning_rate 0: every step runs, but the weights keep their initial values.',
              file=sys.stderr)
    return flags


def load_script(name):
    """Imports scripts/<name>.py as a module, for tests and the benchmark to call its entry point."""
    path = os.path.join(SCRIPTS_DIR, name + '.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(main, errors=()):
    """Runs a script's main() and turns the known ways of failing into one line and an exit status.

    Ctrl-C exits with 130; a training run stopped by a signal exits with
    128 + the signal after saving; known errors print `error: ...` and exit 1.
    `errors` adds exception classes of the script's own to the known ones.
    """
    try:
        main()
    except checkpoints.Stopped as e:
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except (input_data.DataFileError, input_data.DataSetError, input_data.DownloadError,
            checkpoints.CheckpointError, checkpoints.Diverged, paths.PathError, visualize.PlotError,
            tensorboard_screenshot.BrowserError, training.OpFailed, *errors) as e:
        print('error: %s' % e, file=sys.stderr)
        sys.exit(1)
