"""A CNN trained by scripts/mnist_deep.py on Fashion-MNIST in MNIST's normalized form (slow tests).

Fashion-MNIST's images fill their 28x28 frame; MNIST's digits were scaled into a
20x20 box and centred by their centre of mass, the form mnist_predict.py makes
every image file into. So the tests pass Fashion-MNIST once through that
normalization (mnist.digit_images.normalize) and train and compare on the result.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import write_idx
from mnist import digit_images, input_data

FASHION = '/usr/share/datasets/fashion-mnist'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN_EXAMPLES = 20000   # 15000 to train on after read_data_sets' 5000 validation images
STEPS = 300
_trained = {}


def _normalized(images_file, labels_file, count, out_dir):
    with open(os.path.join(FASHION, images_file), 'rb') as f:
        images = input_data.extract_images(f)[:count, :, :, 0]
    with open(os.path.join(FASHION, labels_file), 'rb') as f:
        labels = input_data.extract_labels(f)[:count]
    normalized = np.stack([digit_images.normalize(image / 255.0) for image in images])
    write_idx(os.path.join(out_dir, images_file),
              np.round(normalized * 255).astype(np.uint8).reshape(-1, 28, 28))
    write_idx(os.path.join(out_dir, labels_file), labels)


def trained_cnn(tmp_path_factory):
    """(log_dir, data_dir): trained once per test session; skips where Fashion-MNIST is missing."""
    if not os.path.isdir(FASHION):
        pytest.skip('needs Debian\'s dataset-fashion-mnist in %s' % FASHION)
    if not _trained:
        root = tmp_path_factory.mktemp('fashion_cnn')
        data_dir, log_dir = str(root / 'data'), str(root / 'log')
        os.makedirs(data_dir)
        _normalized('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', TRAIN_EXAMPLES, data_dir)
        _normalized('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 10000, data_dir)
        result = subprocess.run(
            [sys.executable, os.path.join(ROOT, 'scripts', 'mnist_deep.py'), '--data_dir', data_dir,
             '--log_dir', log_dir, '--max_steps', str(STEPS), '--seed', '0'],
            capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert result.returncode == 0, result.stderr
        _trained.update(log_dir=log_dir, data_dir=data_dir)
    return _trained['log_dir'], _trained['data_dir']
