# A TF 1.0 program that needs a part of tf.contrib nobody maps: tf.contrib.learn's estimators
# (tf.estimator's canned DNNClassifier took their place; real_valued_column is mapped).
import tensorflow as tf

columns = [tf.contrib.layers.real_valued_column('x', dimension=784)]
classifier = tf.contrib.learn.DNNClassifier(feature_columns=columns, hidden_units=[100], n_classes=10)
print('unreachable')
