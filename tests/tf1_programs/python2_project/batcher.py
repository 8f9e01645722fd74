"""Mini-batches of a data set, in order, as a Python 2 iterator (next, not __next__)."""


class Batcher(object):

    def __init__(self, images, labels, batch_size):
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.start = 0

    def __iter__(self):
        return self

    def next(self):
        if self.start + self.batch_size > len(self.images):
            self.start = 0
        end = self.start + self.batch_size
        batch = self.images[self.start:end], self.labels[self.start:end]
        self.start = end
        return batch
