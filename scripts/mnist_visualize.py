"""Draws the tutorials' pictures as PNG files: sample digits, softmax weight maps, the test digits
a trained model gets wrong, its confusion matrix, and a run's loss and accuracy curves.

Each subcommand writes OUT_DIR/<subcommand>.png; `all` writes the five (the weight maps are
the softmax model's only). Needs matplotlib.
"""
import argparse

from mnist import cli, training, visualize

# The flags each picture needs; `all` takes every one.
NEEDS = {
    'digits': ('data_dir', 'count', 'class_names'),
    'weights': ('log_dir', 'checkpoint', 'class_names'),
    'mistakes': ('model', 'log_dir', 'checkpoint', 'data_dir', 'count', 'class_names'),
    'confusion': ('model', 'log_dir', 'checkpoint', 'data_dir', 'class_names'),
    'curves': ('log_dir',),
}
FLAGS = {
    'model': dict(default='softmax', choices=sorted(training.MODELS),
                  help='The model the checkpoint holds.'),
    'log_dir': dict(required=True, default=argparse.SUPPRESS,
                    help='The training run\'s --log_dir (checkpoints, events).'),
    'checkpoint': dict(default=None, help='A checkpoint path; default: the newest in --log_dir.'),
    'data_dir': dict(type=cli.data_dir, default='MNIST_data', help='Directory with the four MNIST files.'),
    'count': dict(type=cli.positive_int, default=30, help='How many images to show at most.'),
    'class_names': dict(default='digits', choices=sorted(visualize.CLASS_NAMES),
                        help='Names of the 10 classes: digits, or fashion for Fashion-MNIST.'),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest='picture', required=True, metavar='PICTURE')
    for picture in visualize.PICTURES + ('all',):
        command = commands.add_parser(picture, formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                                      help='all five (four for a model other than softmax)'
                                      if picture == 'all' else
                                      'OUT_DIR/%s.png' % picture)
        for flag in FLAGS if picture == 'all' else NEEDS[picture]:
            command.add_argument('--' + flag, **FLAGS[flag])
        command.add_argument('--out_dir', default='.', help='Where the PNG files go.')
        command.add_argument('--summary_dir', default=None,
                             help='Also add the pictures to TensorBoard as image summaries there.')
    args = vars(parser.parse_args(argv))
    picture = args.pop('picture')
    pictures = visualize.all_pictures(args['model']) if picture == 'all' else (picture,)
    return visualize.draw(pictures, **args)


if __name__ == '__main__':
    cli.run(main)
