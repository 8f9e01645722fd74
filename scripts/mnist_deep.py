"""Trains the "Deep MNIST for experts" convolutional network (the tutorial's mnist_deep.py).

Two 5x5 convolutions with max-pooling, 1024 ReLU units with dropout, and a
softmax layer, trained by Adam at 1e-4 on batches of 50 for 20,000 steps:
about 99.2% on MNIST's test digits.
"""
import os

from mnist import checkpoints, cli, cnn, input_data, training
from mnist.training import do_eval

import tensorflow as tf

v1 = tf.compat.v1

# The tutorial's settings; the flags override them.
DEFAULTS = dict(learning_rate=cnn.LEARNING_RATE, max_steps=20000, batch_size=50,
                log_dir=os.path.join(training.LOG_ROOT, 'mnist_deep'))
KEEP_PROB = 0.5          # dropout keeps half of the 1024 features while training
LOG_EVERY = 100          # print the batch's training accuracy every this many steps
CHECKPOINT_EVERY = 1000  # save every this many steps, and after the last one


def run_training(flags, data_sets=None):
    """Trains the CNN for flags.max_steps steps and prints its test accuracy.

    Returns {'test': {num_examples, num_correct, precision}, 'loss',
    'checkpoint', 'global_step'}.
    """
    metrics = {}
    # Check and lock --log_dir before anything slow happens.
    with checkpoints.TrainingRun(flags.log_dir, flags.resume, flags.overwrite, 'cnn') as run, \
            tf.Graph().as_default():
        # Import data (labels are class indices).
        mnist = data_sets or input_data.read_data_sets(flags.data_dir, flags.fake_data, seed=flags.seed)
        input_data.check_batch_size(mnist.train, flags.batch_size)

        if flags.seed is not None:
            v1.set_random_seed(flags.seed)
        # The images, flattened, and their labels (class indices).
        x = v1.placeholder(tf.float32, [None, cnn.IMAGE_PIXELS], name='x')
        y_ = v1.placeholder(tf.int32, [None], name='y_')

        # Create the model. keep_prob is 1.0 (no dropout) unless a training step feeds KEEP_PROB.
        keep_prob = v1.placeholder_with_default(1.0, [], name='keep_prob')
        y_conv = tf.identity(cnn.inference(x, keep_prob), name='y')

        # Define loss and optimizer (the cross entropy comes from the logits,
        # for numerical stability; see mnist/layers.py).
        cross_entropy = cnn.loss(y_conv, y_)
        train_step = cnn.training(cross_entropy, flags.learning_rate)  # Adam
        correct_count = cnn.evaluation(y_conv, y_)
        if flags.check_numerics:
            train_step = training.checking_numerics(train_step)
        summary = v1.summary.merge_all()
        saver = v1.train.Saver(max_to_keep=None)  # TrainingRun keeps the newest five

        # naming_failed_ops: an op's error is one line naming the op and the line that built it.
        with v1.Session(config=training.session_config(flags.mixed_precision)) as sess, \
                training.naming_failed_ops(sess):
            start_step = run.start(sess, saver)  # initialize, or restore with --resume
            with v1.summary.FileWriter(flags.log_dir, sess.graph) as writer:
                for i in range(start_step, flags.max_steps):
                    run.stop_if_signalled(sess)  # Ctrl-C or SIGTERM: save, then stop
                    batch = mnist.train.next_batch(flags.batch_size, flags.fake_data)
                    feed_dict = {x: batch[0], y_: batch[1], keep_prob: KEEP_PROB}
                    if i % LOG_EVERY == 0:
                        # Accuracy on this batch, without dropout (keep_prob is left at 1.0).
                        train_accuracy = sess.run(correct_count, feed_dict={x: batch[0], y_: batch[1]}
                                                  ) / len(batch[1])
                        print('step %d, training accuracy %g' % (i, train_accuracy))
                        training.write_scalar(writer, 'accuracy/training_batch', train_accuracy, i)
                        # The training step, fetching the loss summary with it.
                        _, loss_value, summary_str = sess.run([train_step, cross_entropy, summary],
                                                              feed_dict=feed_dict)
                        writer.add_summary(summary_str, i)
                        writer.flush()
                        metrics['loss'] = float(loss_value)
                    else:
                        _, loss_value = sess.run([train_step, cross_entropy], feed_dict=feed_dict)
                    run.check_loss(i, loss_value)  # NaN or inf: stop before saving it
                    if (i + 1) % CHECKPOINT_EVERY == 0 or (i + 1) == flags.max_steps:
                        metrics['checkpoint'] = run.save(sess)

                if 'checkpoint' not in metrics:  # --max_steps 0, or --resume at or past it
                    metrics['checkpoint'] = run.save(sess)
                # The whole test set at once would take gigabytes: do_eval feeds it in batches.
                metrics['test'] = do_eval(sess, correct_count, x, y_, mnist.test, verbose=False)
                metrics['global_step'] = int(sess.run(v1.train.get_global_step()))
                training.write_scalar(writer, 'accuracy/test', metrics['test']['precision'],
                                      metrics['global_step'])
    print('test accuracy %g' % metrics['test']['precision'])
    return metrics


def parse_flags(argv=None):
    return cli.parse_flags(cli.training_parser(__doc__.splitlines()[0], DEFAULTS), argv)


def main(argv=None, data_sets=None):
    return run_training(parse_flags(argv), data_sets)


if __name__ == '__main__':
    cli.run(main)
