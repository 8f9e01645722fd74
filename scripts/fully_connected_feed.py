"""Trains and evaluates the "TensorFlow Mechanics 101" network (the tutorial's fully_connected_feed.py)."""
from mnist import cli, training


def main(argv=None):
    args = cli.training_parser('fully_connected', __doc__, data_flag='--input_data_dir').parse_args(argv)
    return training.run_training(cli.config_from_args('fully_connected', args))


if __name__ == '__main__':
    cli.run(main)
