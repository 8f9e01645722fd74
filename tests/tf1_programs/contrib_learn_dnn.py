# MNIST with tf.contrib.learn's DNNClassifier, in the style of TF 1.0's "tf.contrib.learn
# Quickstart": columns inferred from the input, fit(x, y) with steps and batch_size, evaluate,
# predict returning classes, and the scikit-learn style SKCompat.
import numpy as np
import tensorflow as tf

mnist = tf.contrib.learn.datasets.load_dataset('mnist')
train_x, train_y = mnist.train.images, np.asarray(mnist.train.labels, dtype=np.int32)
test_x, test_y = mnist.test.images, np.asarray(mnist.test.labels, dtype=np.int32)

feature_columns = tf.contrib.learn.infer_real_valued_columns_from_input(train_x)
classifier = tf.contrib.learn.DNNClassifier(feature_columns=feature_columns, hidden_units=[64, 32],
                                            n_classes=10, optimizer=tf.train.AdamOptimizer(1e-3),
                                            model_dir='mnist_learn_model')
for _ in range(3):
    classifier.fit(x=train_x, y=train_y, steps=50, batch_size=50)
    loss = classifier.evaluate(x=train_x[:1000], y=train_y[:1000])['loss']
    print('step %d: loss %g' % (classifier.get_variable_value('global_step'), loss))

predictions = list(classifier.predict(test_x[:10], as_iterable=True))
print('predicted classes %s' % ' '.join(str(p) for p in predictions))
sk = tf.contrib.learn.SKCompat(classifier)
probabilities = sk.predict(test_x[:5])['probabilities']
print('probabilities sum to %s' % np.round(probabilities.sum(axis=1), 3).tolist())
accuracy_score = classifier.evaluate(x=test_x, y=test_y)['accuracy']
print('test accuracy %g' % accuracy_score)
