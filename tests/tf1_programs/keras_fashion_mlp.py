# A Keras 2 MLP in the style of keras/examples/mnist_mlp.py (2017), on keras.datasets.fashion_mnist:
# load_data() reads ~/.keras/datasets/fashion-mnist/, downloading it there the first time.
from __future__ import print_function
import sys

import numpy as np
import tensorflow as tf

np.random.seed(1337)  # for reproducibility
tf.set_random_seed(1337)

import keras
from keras.datasets import fashion_mnist
from keras.layers import Dense, Dropout
from keras.models import Sequential
from keras.optimizers import RMSprop

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 2

(x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
x_train = x_train.reshape(-1, 784).astype('float32') / 255
x_test = x_test.reshape(-1, 784).astype('float32') / 255
print(x_train.shape[0], 'train samples')
print(x_test.shape[0], 'test samples')

y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

model = Sequential()
model.add(Dense(256, activation='relu', input_shape=(784,)))
model.add(Dropout(0.2))
model.add(Dense(10, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])

for epoch in range(epochs):
    history = model.fit(x_train, y_train, batch_size=128, epochs=1, verbose=0)
    print('step %d: loss %f' % (epoch, history.history['loss'][0]))
score = model.evaluate(x_test, y_test, verbose=0)
print('test accuracy', score[1])
