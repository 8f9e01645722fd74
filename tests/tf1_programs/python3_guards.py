# A 2017 helper of an MNIST project, written to run on Python 2 and 3 with six: it asks for a
# run name, counts the classes of a label file it is given (or of generated labels) and writes a
# report. Python 3 runs it as it is; nothing in it is Python 2 outside a guard.
from __future__ import print_function

import sys

import numpy as np
import six

PY2 = sys.version_info[0] == 2
text_type = unicode if PY2 else str  # noqa: F821
if sys.version_info[0] == 2:
    range = xrange  # noqa: F821
try:
    input = raw_input  # noqa: F821
except NameError:
    pass
if six.PY2:
    string_types = basestring,  # noqa: F821
else:
    string_types = str,


class Batches(object):
    """Batches of `size` labels, iterated by next() in Python 2 and 3."""

    def __init__(self, labels, size):
        self.labels, self.size, self.start = labels, size, 0

    def __iter__(self):
        return self

    def next(self):
        if self.start >= len(self.labels):
            raise StopIteration
        self.start += self.size
        return self.labels[self.start - self.size:self.start]

    __next__ = next


def class_counts(labels):
    counts = {}
    for batch in Batches(labels, 100):
        for label in batch:
            counts[int(label)] = counts.get(int(label), 0) + 1
    return counts


name = input('run name: ')
if len(sys.argv) > 1:
    labels = np.fromfile(sys.argv[1], dtype=np.uint8)[8:]
else:
    labels = np.random.RandomState(0).randint(0, 10, size=1000)
counts = class_counts(labels)
assert isinstance(name, string_types)
print(text_type('run %s: %d labels in %d batches of 100') % (name, len(labels), len(labels) // 100))
for label, count in sorted(six.iteritems(counts)):
    print('class %d: %d (%.3f of the labels; half of them %s)' % (label, count, count / len(labels), count / 2))
for i in range(3):
    print('epoch', i, 'learning rate', 0.1 * 0.5 ** (i / 2))
with open('report_%s.txt' % name, 'w') as f:
    f.write(text_type('classes: %d\n') % len(counts))
print('report written')
