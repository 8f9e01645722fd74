# A TF 1.0 program that needs tf.contrib.learn's estimators, which nobody maps (tf.estimator's took over).
import tensorflow as tf

columns = [tf.contrib.layers.real_valued_column('x', dimension=784)]
classifier = tf.contrib.learn.DNNClassifier(feature_columns=columns, hidden_units=[100], n_classes=10)
print('unreachable')
