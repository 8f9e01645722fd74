"""Prints README.md's table: how many photos of real digits get the class their clean digit gets.

    PYTHONPATH=$PWD python tests/photo_agreement.py [--digits 200]

Trains softmax regression on the first photo_renderings.TRAIN_DIGITS real
digits (clean, in MNIST's form; seconds), then photographs the next --digits
digits under every condition at every strength (tests/photo_renderings.py)
and counts the photos the checkpoint gives the class it gives the clean digit.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from photo_renderings import CONDITIONS, TRAIN_DIGITS, agreement, train_softmax  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--digits', type=int, default=200, help='Held-out digits photographed (default 200).')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='photo_agreement_') as log_dir:
        trained = train_softmax(log_dir)
        print('softmax on the first %d real digits, clean: precision %.4f on them'
              % (TRAIN_DIGITS, trained['test']['precision']))
        print('| condition | strengths, mildest first | photos with the clean digit\'s class, of %d |'
              % args.digits)
        print('|---|---|---|')
        for condition, strengths in CONDITIONS.items():
            results = [agreement(log_dir, args.digits, condition, s) for s in strengths]
            print('| %s | %s | %s |' % (condition, ', '.join(str(s) for s in strengths), ', '.join(
                '%d' % agree + (' (%d refused)' % refused if refused else '') for agree, refused in results)))


if __name__ == '__main__':
    main()
