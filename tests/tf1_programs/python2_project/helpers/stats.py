"""Statistics of a run, in true division."""
from __future__ import division

import numpy as np


def mean_label(labels):
    return np.float(labels.argmax(1).sum()) / len(labels)


def fraction(part, whole):
    return part / whole
