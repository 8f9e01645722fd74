"""The TensorBoard tutorial (mnist_with_summaries.py): a 784-500-10 network that summarizes itself.

Then: tensorboard --logdir LOG_DIR
"""
import argparse

from mnist import cli, with_summaries


def main(argv=None):
    defaults = with_summaries.SummariesConfig()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--fake_data', action='store_true',
                        help='If true, uses fake data for unit testing.')
    parser.add_argument('--max_steps', type=cli.positive_int, default=defaults.max_steps,
                        help='Number of steps to run trainer.')
    parser.add_argument('--learning_rate', type=cli.positive_float, default=defaults.learning_rate,
                        help='Initial learning rate.')
    parser.add_argument('--dropout', type=cli.keep_probability, default=defaults.dropout,
                        help='Keep probability for training dropout.')
    parser.add_argument('--data_dir', default=defaults.data_dir,
                        help='Directory with the four MNIST .gz files; they are downloaded there '
                             'if missing.')
    parser.add_argument('--log_dir', default=defaults.log_dir,
                        help='Summaries log directory: training summaries go to LOG_DIR/train, '
                             'test ones to LOG_DIR/test. An earlier run\'s events are kept.')
    parser.add_argument('--seed', type=int, default=None,
                        help='Seed for initialization, dropout and batch order.')
    args = parser.parse_args(argv)
    return with_summaries.run(with_summaries.SummariesConfig(**vars(args)))


if __name__ == '__main__':
    cli.run(main)
