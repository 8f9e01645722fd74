# Between-graph replicated training in the style of TF 1.x's "Distributed TensorFlow" how-to
# (2016-2017): a tf.train.ClusterSpec and tf.train.Server from flags, variables placed by
# replica_device_setter, and the session made by a tf.train.Supervisor (TF 0.x and 1.0) or,
# with --monitored, by tf.train.MonitoredTrainingSession with a StopAtStepHook (TF 1.1 on).
import tempfile

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
flags.DEFINE_string('data_dir', 'MNIST_data', 'Directory for storing mnist data')
flags.DEFINE_string('ps_hosts', '', 'Comma-separated list of hostname:port pairs')
flags.DEFINE_string('worker_hosts', 'localhost:2223', 'Comma-separated list of hostname:port pairs')
flags.DEFINE_string('job_name', 'worker', 'job name: worker or ps')
flags.DEFINE_integer('task_index', 0, 'Index of task within the job')
flags.DEFINE_integer('train_steps', 120, 'Number of (global) training steps to perform')
flags.DEFINE_integer('batch_size', 50, 'Training batch size')
flags.DEFINE_boolean('monitored', False, 'Use MonitoredTrainingSession instead of Supervisor')
FLAGS = flags.FLAGS


def main(_):
    cluster_spec = {'worker': FLAGS.worker_hosts.split(',')}
    if FLAGS.ps_hosts:
        cluster_spec['ps'] = FLAGS.ps_hosts.split(',')
    cluster = tf.train.ClusterSpec(cluster_spec)
    server = tf.train.Server(cluster, job_name=FLAGS.job_name, task_index=FLAGS.task_index)
    if FLAGS.job_name == 'ps':
        server.join()
    is_chief = FLAGS.task_index == 0
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)

    with tf.device(tf.train.replica_device_setter(
            worker_device='/job:worker/task:%d' % FLAGS.task_index, cluster=cluster)):
        global_step = tf.Variable(0, name='global_step', trainable=False)
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        hid_w = tf.Variable(tf.truncated_normal([784, 100], stddev=1.0 / 28))
        hid_b = tf.Variable(tf.zeros([100]))
        sm_w = tf.Variable(tf.truncated_normal([100, 10], stddev=0.1))
        sm_b = tf.Variable(tf.zeros([10]))
        hid = tf.nn.relu(tf.nn.xw_plus_b(x, hid_w, hid_b))
        y = tf.nn.xw_plus_b(hid, sm_w, sm_b)
        cross_entropy = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
        train_step = tf.train.AdamOptimizer(0.01).minimize(cross_entropy, global_step=global_step)
        correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

    config = tf.ConfigProto(allow_soft_placement=True, log_device_placement=False)
    train_dir = tempfile.mkdtemp()
    if FLAGS.monitored:
        hooks = [tf.train.StopAtStepHook(last_step=FLAGS.train_steps)]
        sess = tf.train.MonitoredTrainingSession(master=server.target, is_chief=is_chief,
                                                 checkpoint_dir=train_dir, hooks=hooks,
                                                 config=config)
        should_stop = sess.should_stop
    else:
        sv = tf.train.Supervisor(is_chief=is_chief, logdir=train_dir,
                                 init_op=tf.global_variables_initializer(),
                                 recovery_wait_secs=1, global_step=global_step)
        sess = sv.prepare_or_wait_for_session(server.target, config=config)
        should_stop = sv.should_stop

    step = 0
    while not should_stop() and step < FLAGS.train_steps:
        batch_xs, batch_ys = mnist.train.next_batch(FLAGS.batch_size)
        _, step, loss = sess.run([train_step, global_step, cross_entropy],
                                 feed_dict={x: batch_xs, y_: batch_ys})
        if step % 40 == 1:
            print('step %d: cross entropy %g' % (step, loss))
    test_feed = {x: mnist.test.images, y_: mnist.test.labels}
    if FLAGS.monitored:
        sess.close()  # no run after the StopAtStepHook; the variables stay on the server
        with tf.Session(server.target, config=config) as sess:
            print('test accuracy %g' % sess.run(accuracy, feed_dict=test_feed))
    else:
        print('test accuracy %g' % sess.run(accuracy, feed_dict=test_feed))
        sv.stop()


if __name__ == '__main__':
    tf.app.run()
