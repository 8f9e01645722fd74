"""Trains the "Deep MNIST for experts" convolutional network (the tutorial's mnist_deep.py)."""
from mnist import cli, training


def main(argv=None):
    args = cli.training_parser('cnn', __doc__).parse_args(argv)
    return training.run_training(cli.config_from_args('cnn', args))


if __name__ == '__main__':
    cli.run(main)
