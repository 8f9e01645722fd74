"""Trains the beginners' softmax regression (the tutorial's mnist_softmax.py) and prints its test accuracy.

The model is y = x W + b, trained by gradient descent on batches of 100 images;
after 1000 steps it gets about 92% of MNIST's test digits right.
"""
import os

from mnist import checkpoints, cli, input_data, softmax, training
from mnist.training import do_eval

import tensorflow as tf

v1 = tf.compat.v1

# The tutorial's settings; the flags override them.
DEFAULTS = dict(learning_rate=softmax.LEARNING_RATE, max_steps=1000, batch_size=100,
                log_dir=os.path.join(training.LOG_ROOT, 'mnist_softmax'))
LOG_EVERY = 100          # write the loss summary every this many steps
CHECKPOINT_EVERY = 1000  # save every this many steps, and after the last one


def run_training(flags, data_sets=None):
    """Trains the softmax model for flags.max_steps steps and prints its test accuracy.

    Returns {'test': {num_examples, num_correct, precision}, 'loss',
    'checkpoint', 'global_step'}.
    """
    metrics = {}
    # Check and lock --log_dir before anything slow happens.
    with checkpoints.TrainingRun(flags.log_dir, flags.resume, flags.overwrite, 'softmax') as run, \
            tf.Graph().as_default():
        # Import data. Labels are class indices (3), not one-hot rows ([0,0,0,1,0,...]).
        mnist = data_sets or input_data.read_data_sets(flags.data_dir, flags.fake_data, seed=flags.seed)
        input_data.check_batch_size(mnist.train, flags.batch_size)

        if flags.seed is not None:
            v1.set_random_seed(flags.seed)
        # Create the model: x is a batch of flattened 28x28 images.
        x = v1.placeholder(tf.float32, [None, softmax.IMAGE_PIXELS], name='x')
        y = tf.identity(softmax.inference(x), name='y')  # W and b start at zero

        # Define loss and optimizer. The tutorial wrote the cross entropy as
        # -reduce_sum(y_ * log(softmax(y))), which goes NaN once a probability
        # rounds to 0; softmax.loss computes it from the logits y in one stable op.
        y_ = v1.placeholder(tf.int32, [None], name='y_')
        cross_entropy = softmax.loss(y, y_)
        train_step = softmax.training(cross_entropy, flags.learning_rate)
        correct_count = softmax.evaluation(y, y_)
        if flags.check_numerics:
            train_step = training.checking_numerics(train_step)
        summary = v1.summary.merge_all()
        saver = v1.train.Saver(max_to_keep=None)  # TrainingRun keeps the newest five

        # naming_failed_ops: an op's error is one line naming the op and the line that built it.
        with v1.Session(config=training.session_config(flags.mixed_precision, 'softmax')) as sess, \
                training.naming_failed_ops(sess):
            start_step = run.start(sess, saver)  # initialize, or restore with --resume
            with v1.summary.FileWriter(flags.log_dir, sess.graph) as writer:
                # Train
                for step in range(start_step, flags.max_steps):
                    run.stop_if_signalled(sess)  # Ctrl-C or SIGTERM: save, then stop
                    batch_xs, batch_ys = mnist.train.next_batch(flags.batch_size, flags.fake_data)
                    _, loss_value = sess.run([train_step, cross_entropy],
                                             feed_dict={x: batch_xs, y_: batch_ys})
                    run.check_loss(step, loss_value)  # NaN or inf: stop before saving it
                    if step % LOG_EVERY == 0:
                        writer.add_summary(sess.run(summary, feed_dict={x: batch_xs, y_: batch_ys}),
                                           step)
                        metrics['loss'] = float(loss_value)
                    if (step + 1) % CHECKPOINT_EVERY == 0 or (step + 1) == flags.max_steps:
                        metrics['checkpoint'] = run.save(sess)

                if 'checkpoint' not in metrics:  # --max_steps 0, or --resume at or past it
                    metrics['checkpoint'] = run.save(sess)
                # Test trained model, a batch at a time.
                metrics['test'] = do_eval(sess, correct_count, x, y_, mnist.test, verbose=False)
                metrics['global_step'] = int(sess.run(v1.train.get_global_step()))
                training.write_scalar(writer, 'accuracy/test', metrics['test']['precision'],
                                      metrics['global_step'])
    print('%g' % metrics['test']['precision'])
    return metrics


def parse_flags(argv=None):
    return cli.parse_flags(cli.training_parser(__doc__.splitlines()[0], DEFAULTS), argv)


def main(argv=None, data_sets=None):
    return run_training(parse_flags(argv), data_sets)


if __name__ == '__main__':
    cli.run(main)
