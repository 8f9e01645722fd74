"""Prints README.md's table: how many photos of real digits get the class their clean digit gets.

    PYTHONPATH=$PWD python tests/photo_agreement.py [--digits 200] [--out_dir DIR] [CONDITION ...]

Trains softmax regression on the first photo_renderings.TRAIN_DIGITS real
digits (clean, in MNIST's form; seconds), then photographs the next --digits
digits under every condition at every strength (tests/photo_renderings.py)
and counts the photos the checkpoint gives the class it gives the clean digit
(only under the CONDITIONs named, if any).
With --out_dir, the checkpoint is kept in DIR/softmax, and one of those photos
per condition (at its strongest) is saved as DIR/CONDITION.jpg.
"""
import argparse
import contextlib
import os
import sys
import tempfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from photo_renderings import CONDITIONS, TRAIN_DIGITS, agreement, photo, real_digits, train_softmax  # noqa: E402


def write_photos(out_dir):
    """DIR/CONDITION.jpg: held-out digit N under condition N at its strongest, as agreement() has it."""
    images = real_digits()[0][TRAIN_DIGITS:]
    for index, (condition, strengths) in enumerate(CONDITIONS.items()):
        picture = photo(images[index], condition, strengths[-1], seed=index)
        path = os.path.join(out_dir, '%s.jpg' % condition)
        Image.fromarray(np.round(picture * 255).astype(np.uint8)).save(path, quality=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--digits', type=int, default=200, help='Held-out digits photographed (default 200).')
    parser.add_argument('--out_dir', default=None,
                        help='Keep the checkpoint in OUT_DIR/softmax and save a photo per condition.')
    parser.add_argument('conditions', nargs='*', metavar='CONDITION',
                        help='Only these conditions (default: all): %s.' % ', '.join(CONDITIONS))
    args = parser.parse_args()
    unknown = [condition for condition in args.conditions if condition not in CONDITIONS]
    if unknown:
        parser.error('unknown CONDITION %s: expected one of %s' % (', '.join(unknown), ', '.join(CONDITIONS)))
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        write_photos(args.out_dir)
        log_dir_context = contextlib.nullcontext(os.path.join(args.out_dir, 'softmax'))
    else:
        log_dir_context = tempfile.TemporaryDirectory(prefix='photo_agreement_')
    with log_dir_context as log_dir:
        trained = train_softmax(log_dir)
        print('softmax on the first %d real digits, clean: precision %.4f on them'
              % (TRAIN_DIGITS, trained['test']['precision']))
        print('| condition | strengths, mildest first | photos with the clean digit\'s class, of %d |'
              % args.digits)
        print('|---|---|---|')
        for condition in args.conditions or CONDITIONS:
            strengths = CONDITIONS[condition]
            results = [agreement(log_dir, args.digits, condition, s) for s in strengths]
            print('| %s | %s | %s |' % (condition, ', '.join(str(s) for s in strengths), ', '.join(
                '%d' % agree + (' (%d refused)' % refused if refused else '') for agree, refused in results)))


if __name__ == '__main__':
    main()
