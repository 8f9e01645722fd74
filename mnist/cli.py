"""The scripts' shared command line: the tutorials' flags, with every default shown in --help."""
import argparse
import sys

from mnist import input_data, paths, tensorboard_screenshot, training, visualize
from mnist.flag_types import keep_probability, positive_float, positive_int  # noqa: F401 (the scripts use cli.*)


def training_parser(model, description, data_flag='--data_dir'):
    """The flags of a training script for `model`, defaulting to its tutorial's settings."""
    defaults = training.default_config(model)
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--learning_rate', type=positive_float, default=defaults.learning_rate,
                        help='Initial learning rate.')
    parser.add_argument('--max_steps', type=positive_int, default=defaults.max_steps,
                        help='Number of steps to run trainer.')
    parser.add_argument('--batch_size', type=positive_int, default=defaults.batch_size,
                        help='Batch size.')
    if model == 'fully_connected':
        parser.add_argument('--hidden1', type=positive_int, default=defaults.hidden1,
                            help='Number of units in hidden layer 1.')
        parser.add_argument('--hidden2', type=positive_int, default=defaults.hidden2,
                            help='Number of units in hidden layer 2.')
    aliases = [data_flag] + (['--data_dir'] if data_flag != '--data_dir' else [])
    parser.add_argument(*aliases, dest='data_dir', default=defaults.data_dir,
                        help='Directory with the four MNIST .gz files; they are downloaded there '
                             'if missing.')
    parser.add_argument('--log_dir', default=defaults.log_dir,
                        help='Directory for checkpoints and TensorBoard summaries. Without '
                             '--resume a run starts fresh: it keeps the checkpoints already '
                             'there, except those of the steps it saves itself, which it replaces '
                             '(it says so when it starts).')
    parser.add_argument('--fake_data', action='store_true',
                        help='If true, uses fake data for unit testing.')
    parser.add_argument('--seed', type=int, default=None,
                        help='Seed for initialization, dropout and batch order; the same seed '
                             'repeats a run exactly on the same machine.')
    parser.add_argument('--resume', action='store_true',
                        help='Continue from the latest checkpoint in --log_dir (global step and '
                             'optimizer state).')
    parser.add_argument('--mixed_precision', action='store_true',
                        help='Let TensorFlow compute in bfloat16 (CPUs with AMX or AVX512-BF16) '
                             'or float16 (GPUs) where it is safe; variables stay float32.')
    return parser


def config_from_args(model, args):
    """A training.Config for `model` from parsed flags."""
    config = training.default_config(model)
    for field in ('learning_rate', 'max_steps', 'batch_size', 'hidden1', 'hidden2', 'data_dir',
                  'log_dir', 'fake_data', 'seed', 'resume', 'mixed_precision'):
        if hasattr(args, field):
            setattr(config, field, getattr(args, field))
    return config


def run(main, errors=()):
    """Runs a script's main(): Ctrl-C exits with 130, and known errors print one line, not a traceback.

    `errors` adds exception classes of the script's own to the known ones.
    """
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except (input_data.DataFileError, input_data.DownloadError, training.CheckpointError, paths.PathError,
            visualize.PlotError, tensorboard_screenshot.BrowserError, *errors) as e:
        print('error: %s' % e, file=sys.stderr)
        sys.exit(1)
