"""What a trained model makes of each test image, for TensorBoard's projector: scripts/mnist_embeddings.py.

Two embeddings of the same images: the model's last hidden representation
(the fully connected net's hidden2, the CNN's 1024 fc1 units, the softmax
model's 10 logits) and the raw 784 pixels it started from. They are written,
as the TF 1.x "Embedding Visualization" tutorial wrote them, into a
directory of their own (LOG_DIR/embeddings): a Saver checkpoint holding one
2-D variable per embedding, a sprite image of the digits, a metadata.tsv of
label, prediction and right/wrong, and projector_config.pbtxt next to an
events file, so that `tensorboard --logdir LOG_DIR` lists them as the run
`embeddings`. The training run's own checkpoints and state file are never
touched.
"""
import math
import os
import shutil
import sys

import numpy as np
from tensorboard.plugins import projector

from mnist import checkpoints, training
from mnist.layers import IMAGE_SIZE

import tensorflow as tf

v1 = tf.compat.v1

# The last hidden representation of each model: (its name in the projector, its tensor).
HIDDEN = {
    'softmax': ('logits', 'y:0'),
    'fully_connected': ('hidden2', 'hidden2/Relu:0'),
    'cnn': ('fc1', 'fc1/Relu:0'),
}
PIXELS = 'pixels'
SUBDIR = 'embeddings'
CHECKPOINT = 'embeddings.ckpt'
SPRITE = 'sprite.png'
METADATA = 'metadata.tsv'
METADATA_COLUMNS = ('label', 'prediction', 'correct')
# The projector takes a sprite image of at most 8192 pixels a side (a WebGL texture),
# which holds 292 x 292 images of 28 x 28.
MAX_IMAGES = (8192 // IMAGE_SIZE) ** 2


def representations(model, checkpoint, images, batch_size=training.EVAL_BATCH_SIZE):
    """Restores `model` from `checkpoint` and runs images float32 [N, 784] through it in batches.

    Returns (features float32 [N, units] of HIDDEN[model], predictions int64 [N]).
    Raises checkpoints.CheckpointError for a missing, corrupt or foreign checkpoint.
    """
    with training.restored_model(model, checkpoint=checkpoint) as restored:
        hidden = restored.session.graph.get_tensor_by_name(HIDDEN[model][1])
        batches = [restored.session.run([hidden, restored.classes],
                                        {restored.graph.images: images[start:start + batch_size]})
                   for start in range(0, len(images), batch_size)]
    return (np.concatenate([features for features, _ in batches]),
            np.concatenate([classes for _, classes in batches]))


def sprite(images):
    """One PNG (bytes) of images float32 [N, 784] in a square grid, row by row: dark ink on white.

    The projector cuts it into IMAGE_SIZE x IMAGE_SIZE cells, image i at
    row i // side, column i % side, where side = ceil(sqrt(N)).
    """
    side = math.ceil(math.sqrt(len(images)))
    grid = np.zeros([side * side, IMAGE_SIZE, IMAGE_SIZE], np.float32)
    grid[:len(images)] = images.reshape(-1, IMAGE_SIZE, IMAGE_SIZE)
    grid = grid.reshape(side, side, IMAGE_SIZE, IMAGE_SIZE).transpose(0, 2, 1, 3)
    pixels = np.round(255 * (1 - grid.reshape(side * IMAGE_SIZE, side * IMAGE_SIZE, 1))).astype(np.uint8)
    with tf.Graph().as_default(), v1.Session() as sess:
        return sess.run(tf.io.encode_png(pixels))


def metadata(labels, predictions, class_names):
    """metadata.tsv's text: a header, then each image's label, prediction and whether it was right."""
    rows = ['\t'.join(METADATA_COLUMNS)]
    rows += ['%s\t%s\t%s' % (class_names[label], class_names[prediction],
                             'right' if label == prediction else 'wrong')
             for label, prediction in zip(labels, predictions)]
    return '\n'.join(rows) + '\n'


def _save_variables(prefix, embeddings):
    """Saves each embedding {name: float32 [N, D]} as a variable of that name in a Saver checkpoint."""
    with tf.Graph().as_default():
        feed, variables = {}, []
        for name, array in embeddings.items():
            value = v1.placeholder(tf.float32, array.shape)
            variables.append(v1.Variable(value, name=name))
            feed[value] = array
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer(), feed)
            # The state file names the checkpoint relative to its directory: TensorBoard
            # finds the checkpoint from it, also after the log_dir is moved.
            v1.train.Saver(variables, save_relative_paths=True).save(sess, prefix,
                                                                     write_meta_graph=False)


def write_projector(log_dir, embeddings, images, labels, predictions, class_names):
    """Writes LOG_DIR/embeddings for the projector; returns its path.

    embeddings: {name: float32 [N, D]}, for images float32 [N, 784] with
    labels [N] and predictions [N] (class indices). Everything is written
    into a new directory first and then put in place, so a failure leaves
    the previous LOG_DIR/embeddings (or none), never a half-written one.
    """
    target = os.path.join(log_dir, SUBDIR)
    partial = os.path.join(log_dir, '.embeddings-%d' % os.getpid())
    shutil.rmtree(partial, ignore_errors=True)  # left by a killed run that had this process id
    os.mkdir(partial)
    try:
        _save_variables(os.path.join(partial, CHECKPOINT), embeddings)
        with open(os.path.join(partial, SPRITE), 'wb') as f:
            f.write(sprite(images))
        with open(os.path.join(partial, METADATA), 'w', encoding='utf-8', newline='\n') as f:
            f.write(metadata(labels, predictions, class_names))
        config = projector.ProjectorConfig()
        for name in embeddings:
            embedding = config.embeddings.add(tensor_name=name, metadata_path=METADATA)
            embedding.sprite.image_path = SPRITE
            embedding.sprite.single_image_dim.extend([IMAGE_SIZE, IMAGE_SIZE])
        with tf.Graph().as_default(), v1.summary.FileWriter(partial) as writer:
            projector.visualize_embeddings(writer, config)
            # TensorBoard lists a directory as a run once it holds an event; this one
            # shows in no dashboard.
            writer.add_session_log(v1.SessionLog(status=v1.SessionLog.START))
        _replace_dir(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _replace_dir(new, target):
    """Puts directory `new` at `target`, replacing what an earlier call left there."""
    old = os.path.join(os.path.dirname(target), '.embeddings-old-%d' % os.getpid())
    if os.path.lexists(target):
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def pca_neighbour_agreement(vectors, labels, k=5, chunk=500):
    """The share of the k nearest neighbours in a 2-D PCA of vectors [N, D] that have the point's label."""
    centred = vectors - vectors.mean(axis=0)
    plane = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
    labels = np.asarray(labels)
    agreeing = 0
    for start in range(0, len(plane), chunk):
        distances = ((plane[start:start + chunk, None] - plane[None]) ** 2).sum(axis=-1)
        distances[np.arange(len(distances)), np.arange(start, start + len(distances))] = np.inf
        nearest = np.argsort(distances, axis=1)[:, :k]
        agreeing += (labels[nearest] == labels[start:start + chunk, None]).sum()
    return agreeing / (k * len(plane))


if __name__ == '__main__':
    # python -m mnist.embeddings LOG_DIR: how well the labels separate in a 2-D PCA of each embedding.
    directory = os.path.join(sys.argv[1], SUBDIR)
    with open(os.path.join(directory, METADATA), encoding='utf-8') as f:
        column = [row.split('\t')[0] for row in f.read().splitlines()[1:]]
    prefix = os.path.join(directory, CHECKPOINT)
    for name in sorted(checkpoints.variables(prefix)):
        print('%s: %.3f of the 5 nearest neighbours in a 2-D PCA share the label'
              % (name, pca_neighbour_agreement(checkpoints.read_tensor(prefix, name), column)))
