"""A tiny data set that every model can learn perfectly in a few dozen steps."""
import numpy as np

from mnist import input_data


def separable_data_sets(num_train=200, num_validation=50, num_test=100, seed=0):
    """Datasets in which digit c is a bright bar on rows 2c+4 and 2c+5, over faint noise."""
    def make(count, split_seed):
        rng = np.random.default_rng(split_seed)
        labels = rng.permutation(np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(count, 28, 28, 1), dtype=np.uint8)
        for row in range(2):
            images[np.arange(count), 2 * labels + 4 + row, 4:24, 0] = 255
        return input_data.DataSet(images, labels, seed=seed)
    return input_data.Datasets(train=make(num_train, seed), validation=make(num_validation, seed + 1),
                               test=make(num_test, seed + 2))
