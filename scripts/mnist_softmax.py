"""Trains the beginners' softmax regression (the tutorial's mnist_softmax.py) and prints its test accuracy."""
from mnist import cli, training


def main(argv=None):
    args = cli.training_parser('softmax', __doc__).parse_args(argv)
    return training.run_training(cli.config_from_args('softmax', args))


if __name__ == '__main__':
    cli.run(main)
