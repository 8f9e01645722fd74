# K-means on MNIST with tf.contrib.factorization.KMeans, in the style of the TF 1.x example
# collections of 2017: the graph from training_graph(), each centroid labelled with the most
# frequent label of its images, then the test images classified by their nearest centroid.
import numpy as np
import tensorflow as tf
from tensorflow.contrib.factorization import KMeans
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(0)
np.random.seed(0)
mnist = input_data.read_data_sets('MNIST_data', one_hot=True)
full_data_x = mnist.train.images[:2000]

num_steps = 20
k = 25
num_classes = 10

X = tf.placeholder(tf.float32, shape=[None, 784])
Y = tf.placeholder(tf.float32, shape=[None, num_classes])

kmeans = KMeans(inputs=X, num_clusters=k, distance_metric='cosine', use_mini_batch=True)
(all_scores, cluster_idx, scores, cluster_centers_initialized, cluster_centers_var,
 init_op, train_op) = kmeans.training_graph()
cluster_idx = cluster_idx[0]
avg_distance = tf.reduce_mean(scores)

sess = tf.Session()
sess.run(tf.global_variables_initializer(), feed_dict={X: full_data_x})
sess.run(init_op, feed_dict={X: full_data_x})

for i in range(1, num_steps + 1):
    _, d, idx = sess.run([train_op, avg_distance, cluster_idx], feed_dict={X: full_data_x})
    if i % 5 == 0 or i == 1:
        print('step %i: avg distance %f' % (i, d))

print('centroids', sess.run(cluster_centers_var).shape)

counts = np.zeros(shape=(k, num_classes))
for i in range(len(idx)):
    counts[idx[i]] += mnist.train.labels[i]
labels_map = tf.convert_to_tensor([np.argmax(c) for c in counts])
cluster_label = tf.nn.embedding_lookup(labels_map, cluster_idx)
correct_prediction = tf.equal(cluster_label, tf.cast(tf.argmax(Y, 1), tf.int32))
accuracy_op = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
test_x, test_y = mnist.test.images, mnist.test.labels
print('test accuracy %g' % sess.run(accuracy_op, feed_dict={X: test_x, Y: test_y}))
