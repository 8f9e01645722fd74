# A TF 1.x program that needs a part of tf.contrib nobody maps: tf.contrib.learn's DNNRegressor.
import tensorflow as tf

columns = [tf.contrib.layers.real_valued_column('x', dimension=784)]
classifier = tf.contrib.learn.DNNClassifier(feature_columns=columns, hidden_units=[100], n_classes=10)
regressor = tf.contrib.learn.DNNRegressor(feature_columns=columns, hidden_units=[100])
print('unreachable')
