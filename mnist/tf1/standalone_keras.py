"""Standalone Keras (`import keras`) as TF 1.x programs used it: Keras 2, from tf-keras.

keras, keras.X                    -> tf-keras' TF 1.x API (tf_keras.api._v1.keras, what tf.keras is
                                     under the runner): layers, models, backend (set_session,
                                     get_session, learning_phase, ...), utils, losses, optimizers,
                                     callbacks, regularizers, datasets.*, preprocessing, ...
keras.__version__                 -> tf-keras' version, the Keras 2 version it carries (2.21.0, ...)
keras.objectives                  -> keras.losses (Keras 1's name, still in Keras 2)
keras.utils.np_utils              -> keras.utils (to_categorical, normalize)
keras.backend.tensorflow_backend  -> keras.backend
keras.layers.core, convolutional, pooling, recurrent, normalization, embeddings, merge, noise,
advanced_activations, wrappers    -> keras.layers (Keras 2's modules of its layers)
keras.datasets.*.load_data()      -> tf-keras' own: the file cached in ~/.keras/datasets, downloaded
                                     there if missing, as Keras 2 did; a failed download is one line
A module tf-keras does not have (keras.engine, ...) is one line naming it.

TensorFlow 2.21's own `keras` package is Keras 3, which needs TF 2's API and eager
execution; under the runner the program has neither, so it never gets Keras 3.
"""
import functools
import importlib
import types

from mnist import input_data
from mnist.tf1.errors import RemovedInTF2Error, require
from mnist.tf1.namespace import KERAS2, Namespace

API = 'tf_keras.api._v1.'  # + 'keras...': tf-keras' TF 1.x API
LAYER_MODULES = ('core', 'convolutional', 'pooling', 'recurrent', 'normalization', 'embeddings', 'merge',
                 'noise', 'advanced_activations', 'wrappers')


def _api(name):
    return importlib.import_module(API + name)


class KerasDownloadError(input_data.DownloadError):
    """keras.datasets.*.load_data() could not download its file (one line, as read_data_sets' own)."""


def _load_data_or_one_line(load_data, name):
    """load_data of keras.datasets.<name>, with a failed download as KerasDownloadError."""
    @functools.wraps(load_data)
    def load(*args, **kwargs):
        try:
            return load_data(*args, **kwargs)
        except Exception as e:
            if not str(e).startswith('URL fetch failure'):  # the words of tf-keras' get_file
                raise
            raise KerasDownloadError('keras.datasets.%s.load_data(): %s (once downloaded, it is kept in '
                                     '~/.keras/datasets)' % (name, e)) from None
    return load


def _complete(keras):
    """Gives tf-keras' API modules the Keras 2 names they lack, and the datasets their one-line error."""
    keras.__version__ = importlib.import_module('tf_keras').__version__  # Keras 2's own: 2.16.0 to 2.21.0
    keras.objectives = keras.losses
    keras.backend.tensorflow_backend = keras.backend
    keras.utils.np_utils = Namespace('keras.utils.np_utils', sources=lambda: (keras.utils,))
    for name in LAYER_MODULES:
        if not hasattr(keras.layers, name):
            setattr(keras.layers, name, Namespace('keras.layers.' + name, sources=lambda: (keras.layers,)))
    for name in dir(keras.datasets):
        dataset = getattr(keras.datasets, name)
        if isinstance(dataset, types.ModuleType) and hasattr(dataset, 'load_data'):
            dataset.load_data = _load_data_or_one_line(dataset.load_data, name)
    keras.completed_by_the_runner = True


def module(fullname):
    """The Keras 2 module `import fullname` gives (fullname is keras or keras.*)."""
    keras = require(API + 'keras', 'import %s' % fullname, KERAS2)
    if not getattr(keras, 'completed_by_the_runner', False):
        _complete(keras)
    found = keras
    for part in fullname.split('.')[1:]:
        found = getattr(found, part, None)
        if not isinstance(found, types.ModuleType):
            break
    else:
        return found
    try:
        return _api(fullname)
    except ModuleNotFoundError as e:
        if not (e.name or '').startswith(API):
            raise
    raise RemovedInTF2Error('%s: tf-keras (Keras 2) has no such module; the runner gives '
                            '`import keras` as tf-keras' % fullname)
