"""Classifies image files of digits with a trained checkpoint: a line per file with the top 3 classes.

Any size, grayscale or colour, with or without alpha, dark ink on light paper or
light on dark: each image is made into an MNIST input as MNIST's digits were
(mnist/digit_images.py). A file that cannot be read or holds no ink gets an
`error:` line and the others are still classified; the exit status is then 1,
as cat's is when one of its files is missing.
"""
import argparse
import os
import sys

import numpy as np

from mnist import cli, digit_images, paths, serving, training, visualize

TOP = 3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('images', nargs='+', metavar='IMAGE', help='PNG, JPEG, ... files.')
    parser.add_argument('--model', required=True, choices=sorted(training.MODELS),
                        help='The model the checkpoint holds.')
    parser.add_argument('--log_dir', default=None, help='The training run\'s --log_dir.')
    parser.add_argument('--checkpoint', default=None,
                        help='A checkpoint path (e.g. LOG_DIR/model.ckpt-1000); default: the latest '
                             'in --log_dir.')
    parser.add_argument('--show', default=None, metavar='OUT.png',
                        help='Also draw each image beside the 28x28 input it became and the '
                             'probabilities, into this PNG file (needs matplotlib).')
    parser.add_argument('--class_names', default='digits', choices=sorted(visualize.CLASS_NAMES),
                        help='Names of the 10 classes: digits, or fashion for Fashion-MNIST.')
    args = parser.parse_args(argv)
    if args.log_dir is None and args.checkpoint is None:
        parser.error('one of --log_dir or --checkpoint is required')
    digit_images.require_packages()
    if args.show:  # fail before the slow work
        visualize.pyplot()
        paths.writable_dir(os.path.dirname(os.path.abspath(args.show)), '--show')
    names = visualize.CLASS_NAMES[args.class_names]

    digits, errors = [], {}
    for path in args.images:
        try:
            digits.append(digit_images.read_digit(path))
        except digit_images.ImageError as e:
            errors[path] = str(e)
    probabilities = np.zeros([0, len(names)], np.float32)
    if digits:
        with training.restored_model(args.model, args.log_dir, args.checkpoint) as model:
            probabilities = serving.predict(model, np.stack([d.pixels for d in digits]))

    results = []
    predicted = dict(zip([d.path for d in digits], probabilities))
    for path in args.images:
        if path in errors:
            print('error: %s' % errors[path], file=sys.stderr)
            results.append({'path': path, 'error': errors[path]})
            continue
        row = predicted[path]
        top = np.argsort(-row)[:TOP]
        print('%s: %s   top %d: %s' % (path, names[top[0]], TOP,
                                       ', '.join('%s %.3f' % (names[c], row[c]) for c in top)))
        results.append({'path': path, 'class': int(top[0]), 'probabilities': row})
    sys.stdout.flush()
    if args.show and digits:
        visualize.plot_predictions(digits, probabilities, args.show, names)
        print('Wrote %s' % args.show)
    return results


def exit_status(results):
    """1 when a file was not classified (its error line is already out), else 0."""
    return 1 if any('error' in result for result in results) else 0


if __name__ == '__main__':
    cli.run(lambda: sys.exit(exit_status(main())), errors=(digit_images.MissingPackageError,))
