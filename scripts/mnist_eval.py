"""Restores a training script's checkpoint into a fresh graph and evaluates it on all three splits."""
import argparse

from mnist import cli, training


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--model', required=True, choices=sorted(training.MODELS),
                        help='The model the checkpoint holds.')
    parser.add_argument('--log_dir', required=True, help='The training run\'s --log_dir.')
    parser.add_argument('--checkpoint', default=None,
                        help='A checkpoint path (e.g. LOG_DIR/model.ckpt-1000); default: the latest.')
    parser.add_argument('--data_dir', default='MNIST_data', help='Directory with the MNIST .gz files.')
    parser.add_argument('--fake_data', action='store_true', help='Evaluate on fake data.')
    parser.add_argument('--mixed_precision', action='store_true',
                        help='Evaluate as a --mixed_precision training run did, to get its figures.')
    args = parser.parse_args(argv)
    return training.evaluate_checkpoint(args.model, args.log_dir, args.data_dir, args.checkpoint,
                                        args.fake_data, mixed_precision=args.mixed_precision)


if __name__ == '__main__':
    cli.run(main)
