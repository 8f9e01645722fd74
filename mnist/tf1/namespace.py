"""Namespace: a module assembled from given attributes and other modules' attributes.

The runner's `tensorflow`, tf.nn, tf.contrib.layers, ... are Namespaces: each
maps a TF 1.x module onto what TensorFlow 2.21, tf-keras and tf-slim provide.
"""
import types

from mnist.tf1.errors import require

KERAS2 = 'tf-keras (Keras 2)'


class Lazy:
    """A Namespace attribute computed when first read (an import, or an error for a missing package)."""

    def __init__(self, compute):
        self.compute = compute


class Namespace(types.ModuleType):
    """A module made of `attributes`, then the attributes of each module `sources()` returns.

    A name found in neither raises missing(full name) if given, else AttributeError
    as for any module. sources is called at first use, so that heavy imports
    (tf-slim, tf-keras) happen only when a program needs them.
    """

    def __init__(self, name, attributes=None, sources=lambda: (), missing=None, doc=None):
        super().__init__(name, doc)
        self.__path__ = []  # a package: `import name.child` reaches the import finder
        self._tf1_attributes = dict(attributes or {})
        self._tf1_sources = sources
        self._tf1_missing = missing

    def __getattr__(self, attr):
        if attr.startswith('__') or attr.startswith('_tf1_'):
            raise AttributeError(attr)
        if attr in self._tf1_attributes:
            value = self._tf1_attributes[attr]
            if isinstance(value, Lazy):
                value = value.compute()
        else:
            for source in self._tf1_sources():
                if hasattr(source, attr):
                    value = getattr(source, attr)
                    break
            else:
                if self._tf1_missing:
                    raise self._tf1_missing('%s.%s' % (self.__name__, attr))
                raise AttributeError('module %r has no attribute %r' % (self.__name__, attr))
        setattr(self, attr, value)
        return value

    def __dir__(self):
        names = set(self._tf1_attributes)
        for source in self._tf1_sources():
            names.update(dir(source))
        return sorted(names)


def keras2(construct, get):
    """A Lazy attribute that needs Keras 2: get() if tf-keras is installed, else one line naming construct."""
    def compute():
        require('tf_keras', construct, KERAS2)
        return get()
    return Lazy(compute)
