"""Writes a trained model's view of the test images for TensorBoard's Embedding Projector.

Restores the newest readable checkpoint in --log_dir (or --checkpoint) and writes, for the first
--num_images test images, two embeddings into LOG_DIR/embeddings: the model's last hidden
representation (the fully connected net's hidden2, the CNN's 1024 fc1 units, the softmax
model's 10 logits) and the raw 784 pixels, with a sprite image of the digits and a metadata.tsv
of label, prediction and right/wrong. `tensorboard --logdir LOG_DIR` then shows both in its
Projector tab, under the run `embeddings`. The run's own checkpoints are left as they are.
"""
import argparse
import glob
import sys

from mnist import checkpoints, cli, embeddings, input_data, paths, training, visualize


def write_embeddings(flags, data_sets=None):
    """Restores flags.model and writes LOG_DIR/embeddings; returns what it wrote.

    Returns {'directory', 'checkpoint', 'num_images', 'shapes':
    {embedding name: [N, D]}, 'accuracy'}.
    """
    # The cheap checks first, before the data is read or the model restored.
    checkpoint = flags.checkpoint or checkpoints.newest(flags.log_dir)
    checkpoints.variables(checkpoint)  # CheckpointError for a missing or unreadable one
    paths.writable_dir(flags.log_dir, '--log_dir')
    if data_sets is None:
        data_sets = input_data.read_data_sets(flags.data_dir, flags.fake_data, validation_size=0)
    test = data_sets.test
    if flags.num_images > min(test.num_examples, embeddings.MAX_IMAGES):
        raise input_data.DataSetError(
            '--num_images %d: expected at most %d, the number of test images%s.'
            % (flags.num_images, min(test.num_examples, embeddings.MAX_IMAGES),
               '' if test.num_examples <= embeddings.MAX_IMAGES else
               ' one sprite image can hold for the projector'))
    images = test.images[:flags.num_images]
    labels = test.labels[:flags.num_images]
    if labels.ndim == 2:  # one-hot rows
        labels = labels.argmax(axis=1)
    hidden, predictions = embeddings.representations(flags.model, checkpoint, images)
    hidden_name = embeddings.HIDDEN[flags.model][0]
    directory = embeddings.write_projector(
        flags.log_dir, {hidden_name: hidden, embeddings.PIXELS: images}, images, labels, predictions,
        visualize.CLASS_NAMES[flags.class_names])
    accuracy = float((predictions == labels).mean())
    print('Wrote the embeddings %s %s and %s %s of %d test images (%d right) from %s into %s.'
          % (hidden_name, list(hidden.shape), embeddings.PIXELS, list(images.shape), len(images),
             int((predictions == labels).sum()), checkpoint, directory))
    print('See them in the Projector tab of: tensorboard --logdir %s' % flags.log_dir)
    if glob.has_magic(flags.log_dir):
        print('Note: TensorBoard\'s projector looks checkpoints up as glob patterns, which the [ ] * ? '
              'in this name break: give tensorboard --logdir a path without them (a symbolic link to '
              'it, or the directory renamed).', file=sys.stderr)
    return {'directory': directory, 'checkpoint': checkpoint, 'num_images': len(images),
            'shapes': {hidden_name: list(hidden.shape), embeddings.PIXELS: list(images.shape)},
            'accuracy': accuracy}


def parse_flags(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--model', required=True, choices=sorted(training.MODELS),
                        help='The model the checkpoint holds.')
    parser.add_argument('--log_dir', required=True,
                        help='The training run\'s --log_dir; the embeddings go to LOG_DIR/%s.'
                             % embeddings.SUBDIR)
    parser.add_argument('--checkpoint', default=None,
                        help='A checkpoint path (e.g. LOG_DIR/model.ckpt-1000); default: the newest '
                             'readable one in --log_dir.')
    parser.add_argument('--data_dir', type=cli.data_dir, default='MNIST_data',
                        help='Directory with the MNIST files.')
    parser.add_argument('--fake_data', action='store_true', help='Use fake data.')
    parser.add_argument('--num_images', type=cli.positive_int, default=10000,
                        help='How many test images, from the first.')
    parser.add_argument('--class_names', default='digits', choices=sorted(visualize.CLASS_NAMES),
                        help='Names of the 10 classes in metadata.tsv: digits, or fashion for '
                             'Fashion-MNIST.')
    return parser.parse_args(argv)


def main(argv=None, data_sets=None):
    return write_embeddings(parse_flags(argv), data_sets)


if __name__ == '__main__':
    cli.run(main)
