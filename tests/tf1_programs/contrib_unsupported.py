# A TF 1.x program that needs a part of tf.contrib nobody maps: tf.contrib.learn's Experiment.
import tensorflow as tf

columns = [tf.contrib.layers.real_valued_column('x', dimension=784)]
classifier = tf.contrib.learn.DNNClassifier(feature_columns=columns, hidden_units=[100], n_classes=10)
experiment = tf.contrib.learn.Experiment(classifier, train_input_fn=None, eval_input_fn=None)
print('unreachable')
