"""A trained checkpoint put to use: restored to classify images, exported as a SavedModel.

`predict` classifies images with a training.restored_model, as
scripts/mnist_predict.py does. `export_saved_model` writes a graph-mode
session as a SavedModel in TF Serving's layout, EXPORT_DIR/<version>/
(saved_model.pb and variables/), that `tf.saved_model.load` in plain
TensorFlow 2, `saved_model_cli` and TF Serving all read. Its
`serving_default` signature maps

  images: float32 [None, 784] in [0, 1]
to
  probabilities: float32 [None, 10]
  classes: int64 [None]
"""
import os
import shutil
import tempfile

import numpy as np

from mnist import training

import tensorflow as tf

v1 = tf.compat.v1

SIGNATURE_KEY = 'serving_default'


class ExportError(Exception):
    """An export that would replace an existing version, or failed; the message says which."""


def predict(model, images, batch_size=training.EVAL_BATCH_SIZE):
    """float32 [N, 10] probabilities of a RestoredModel for images float32 [N, 784], batch_size at a time."""
    batches = [model.session.run(model.probabilities, {model.graph.images: images[start:start + batch_size]})
               for start in range(0, len(images), batch_size)]
    return np.concatenate(batches) if batches else np.zeros([0, 10], np.float32)


def version_dir(export_dir, version, overwrite=False):
    """EXPORT_DIR/<version>; ExportError when it exists and overwrite is false."""
    path = os.path.join(export_dir, str(version))
    if os.path.lexists(path) and not overwrite:
        raise ExportError('%s already exists: version %d of the model in --export_dir %s. Pass '
                          '--overwrite to replace it, or --version N for another version.'
                          % (path, version, export_dir))
    return path


def export_saved_model(model, export_dir, version, overwrite=False):
    """Writes a RestoredModel as the SavedModel EXPORT_DIR/<version>; returns that path.

    The SavedModel is written to a temporary directory next to it and renamed
    into place when complete, so EXPORT_DIR/<version> is never half-written
    (TF Serving loads only directories named by a number, so it ignores the
    temporary one). With overwrite, an existing version is replaced the same
    way; without it, ExportError.
    """
    target = version_dir(export_dir, version, overwrite)
    staging = tempfile.mkdtemp(prefix='.%d.' % version, suffix='.tmp', dir=export_dir)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp's 0700 would keep a TF Serving of another user out
    try:
        with model.session.graph.as_default():
            signature = v1.saved_model.signature_def_utils.predict_signature_def(
                inputs={'images': model.graph.images},
                outputs={'probabilities': model.probabilities, 'classes': model.classes})
            builder = v1.saved_model.Builder(staging)  # it takes an empty directory
            builder.add_meta_graph_and_variables(
                model.session, [v1.saved_model.tag_constants.SERVING],
                signature_def_map={SIGNATURE_KEY: signature},
                saver=v1.train.Saver(model.variables),  # not the optimizer's, which were not restored
                strip_default_attrs=True, clear_devices=True)
            builder.save()
        _move_into_place(staging, target, overwrite)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _move_into_place(staging, target, overwrite):
    """Renames the complete staging directory to target; with overwrite, an existing target goes first."""
    replaced = None
    if overwrite and os.path.lexists(target):
        replaced = staging[:-len('.tmp')] + '.old'
        os.rename(target, replaced)
    try:
        os.rename(staging, target)
    except OSError as e:
        if replaced is not None:
            os.rename(replaced, target)
        raise ExportError('could not move the SavedModel into %s: %s.' % (target, e.strerror)) from None
    if replaced is not None:
        shutil.rmtree(replaced)
