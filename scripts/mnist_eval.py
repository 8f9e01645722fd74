"""Restores a training script's checkpoint into a fresh graph and evaluates it on all three splits.

Prints the Mechanics 101 evaluation blocks; the Test precision equals what the
training script printed at that checkpoint.
"""
import argparse

from mnist import cli, input_data, training
from mnist.training import do_eval

SPLITS = (('train', 'Training Data Eval:'), ('validation', 'Validation Data Eval:'),
          ('test', 'Test Data Eval:'))


def evaluate(flags, data_sets=None):
    """Restores flags.checkpoint (default: the newest in flags.log_dir) and evaluates it.

    Returns {'train', 'validation', 'test': {num_examples, num_correct,
    precision}, 'checkpoint', 'global_step'}.
    """
    with training.restored_model(flags.model, flags.log_dir, flags.checkpoint,
                                 flags.mixed_precision) as model:
        if data_sets is None:
            data_sets = input_data.read_data_sets(flags.data_dir, flags.fake_data)
        print('Restored %s (step %d).' % (model.checkpoint, model.global_step))
        results = {'checkpoint': model.checkpoint, 'global_step': model.global_step}
        for split, heading in SPLITS:
            print(heading)
            results[split] = do_eval(model.session, model.graph.eval_correct, model.graph.images,
                                     model.graph.labels, getattr(data_sets, split))
    return results


def parse_flags(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--model', required=True, choices=sorted(training.MODELS),
                        help='The model the checkpoint holds.')
    parser.add_argument('--log_dir', required=True, help='The training run\'s --log_dir.')
    parser.add_argument('--checkpoint', default=None,
                        help='A checkpoint path (e.g. LOG_DIR/model.ckpt-1000); default: the newest '
                             'readable one in --log_dir.')
    parser.add_argument('--data_dir', type=cli.data_dir, default='MNIST_data',
                        help='Directory with the MNIST files.')
    parser.add_argument('--fake_data', action='store_true', help='Evaluate on fake data.')
    parser.add_argument('--mixed_precision', action='store_true',
                        help='Evaluate as a --mixed_precision training run did, to get its figures.')
    return parser.parse_args(argv)


def main(argv=None, data_sets=None):
    return evaluate(parse_flags(argv), data_sets)


if __name__ == '__main__':
    cli.run(main)
