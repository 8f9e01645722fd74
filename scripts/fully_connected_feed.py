"""Trains and evaluates the "TensorFlow Mechanics 101" network using a feed dictionary.

The tutorial's fully_connected_feed.py. The model is mnist/fully_connected.py
(the tutorial's mnist.py); this script reads the data, builds the graph, runs
the session and its training loop, writes the summaries and checkpoints, and
evaluates on the three data sets.
"""
import os
import time

from mnist import checkpoints, cli, input_data, training
from mnist import fully_connected as mnist  # the tutorial's mnist.py
from mnist.training import do_eval  # do_eval, in batches

import tensorflow as tf

v1 = tf.compat.v1

# The tutorial's settings; the flags override them.
DEFAULTS = dict(learning_rate=mnist.LEARNING_RATE, max_steps=2000, batch_size=100,
                hidden1=128, hidden2=32,
                log_dir=os.path.join(training.LOG_ROOT, 'fully_connected_feed'))
LOG_EVERY = 100          # print the status and write the summaries every this many steps
CHECKPOINT_EVERY = 1000  # save and evaluate every this many steps, and after the last one


def placeholder_inputs():
    """Generates placeholder variables to represent the input tensors.

    Returns:
      images_placeholder: float32 [None, IMAGE_PIXELS], named 'x'.
      labels_placeholder: int32 [None], class indices, named 'y_'.
    The tutorial fixed the batch dimension to batch_size; None lets the same
    graph also evaluate the last, smaller batch of a data set.
    """
    images_placeholder = v1.placeholder(tf.float32, shape=(None, mnist.IMAGE_PIXELS), name='x')
    labels_placeholder = v1.placeholder(tf.int32, shape=(None,), name='y_')
    return images_placeholder, labels_placeholder


def fill_feed_dict(data_set, images_pl, labels_pl, batch_size, fake_data=False):
    """Fills the feed_dict for the next `batch_size` examples: {placeholder: numpy array}."""
    images_feed, labels_feed = data_set.next_batch(batch_size, fake_data)
    return {images_pl: images_feed, labels_pl: labels_feed}


def evaluate_all(sess, eval_correct, images_placeholder, labels_placeholder, data_sets):
    """The tutorial's three evaluations; returns {'train', 'validation', 'test'} metrics."""
    print('Training Data Eval:')
    train = do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_sets.train)
    print('Validation Data Eval:')
    validation = do_eval(sess, eval_correct, images_placeholder, labels_placeholder,
                         data_sets.validation)
    print('Test Data Eval:')
    test = do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_sets.test)
    return {'train': train, 'validation': validation, 'test': test}


def run_training(flags, data_sets=None):
    """Train MNIST for flags.max_steps steps; returns the metrics of the last evaluation.

    metrics: 'train', 'validation', 'test' ({num_examples, num_correct,
    precision}), 'loss' (of the last status line), 'checkpoint', 'global_step'.
    """
    metrics = {}
    # Check and lock --log_dir before anything slow happens, and tell TensorFlow
    # that the model will be built into the default Graph.
    with checkpoints.TrainingRun(flags.log_dir, flags.resume, flags.overwrite, 'fully_connected') as run, \
            tf.Graph().as_default():
        # Get the sets of images and labels for training, validation, and test on MNIST.
        if data_sets is None:
            data_sets = input_data.read_data_sets(flags.data_dir, flags.fake_data, seed=flags.seed)
        input_data.check_batch_size(data_sets.train, flags.batch_size)

        if flags.seed is not None:
            v1.set_random_seed(flags.seed)
        # Generate placeholders for the images and labels.
        images_placeholder, labels_placeholder = placeholder_inputs()
        # Build a Graph that computes predictions from the inference model.
        logits = tf.identity(mnist.inference(images_placeholder, flags.hidden1, flags.hidden2),
                             name='y')
        # Add to the Graph the Ops for loss calculation.
        loss = mnist.loss(logits, labels_placeholder)
        # Add to the Graph the Ops that calculate and apply gradients.
        train_op = mnist.training(loss, flags.learning_rate)
        # Add the Op to compare the logits to the labels during evaluation.
        eval_correct = mnist.evaluation(logits, labels_placeholder)
        if flags.check_numerics:  # stop at the first NaN or infinity, naming the op that made it
            train_op = training.checking_numerics(train_op)
        # Build the summary Tensor based on the TF collection of Summaries.
        summary = v1.summary.merge_all()
        # A saver for writing training checkpoints. TrainingRun.save keeps the
        # newest five, counting those of earlier runs in the same log_dir.
        saver = v1.train.Saver(max_to_keep=None)

        # Create a session for running Ops on the Graph; an op's error names the op and
        # the line that built it.
        with v1.Session(config=training.session_config(flags.mixed_precision, 'fully_connected')) as sess, \
                training.naming_failed_ops(sess):
            # Initialize the variables, or restore them with --resume.
            start_step = run.start(sess, saver)
            # Instantiate a SummaryWriter to output summaries and the Graph
            # (closed, and so flushed, on any exit).
            with v1.summary.FileWriter(flags.log_dir, sess.graph) as summary_writer:
                # Start the training loop.
                for step in range(start_step, flags.max_steps):
                    run.stop_if_signalled(sess)  # Ctrl-C or SIGTERM: save, then stop
                    start_time = time.time()
                    # Fill a feed dictionary with the actual set of images and labels
                    # for this particular training step.
                    feed_dict = fill_feed_dict(data_sets.train, images_placeholder,
                                               labels_placeholder, flags.batch_size, flags.fake_data)
                    # Run one step of the model. The return values are the activations
                    # from the `train_op` (which is discarded) and the `loss` Op.
                    _, loss_value = sess.run([train_op, loss], feed_dict=feed_dict)
                    duration = time.time() - start_time
                    # A NaN or infinite loss stops the run here, before it can be saved.
                    run.check_loss(step, loss_value)

                    # Write the summaries and print an overview fairly often.
                    if step % LOG_EVERY == 0:
                        print('Step %d: loss = %.2f (%.3f sec)' % (step, loss_value, duration))
                        summary_str = sess.run(summary, feed_dict=feed_dict)
                        summary_writer.add_summary(summary_str, step)
                        summary_writer.flush()
                        metrics['loss'] = float(loss_value)

                    # Save a checkpoint and evaluate the model periodically. Checkpoints
                    # are named by the global step they hold: model.ckpt-1000 after 1000 steps.
                    if (step + 1) % CHECKPOINT_EVERY == 0 or (step + 1) == flags.max_steps:
                        metrics['checkpoint'] = run.save(sess)
                        metrics.update(evaluate_all(sess, eval_correct, images_placeholder,
                                                    labels_placeholder, data_sets))
                        for split in ('train', 'validation', 'test'):
                            training.write_scalar(summary_writer, 'accuracy/' + split,
                                                  metrics[split]['precision'], step + 1)
                        summary_writer.flush()

                if 'test' not in metrics:  # --max_steps 0, or --resume at or past it
                    print('Nothing to train: at step %d of --max_steps %d.' % (start_step, flags.max_steps))
                    metrics['checkpoint'] = run.save(sess)
                    metrics.update(evaluate_all(sess, eval_correct, images_placeholder,
                                                labels_placeholder, data_sets))
                metrics['global_step'] = int(sess.run(v1.train.get_global_step()))
    return metrics


def parse_flags(argv=None):
    parser = cli.training_parser(__doc__.splitlines()[0], DEFAULTS, data_flag='--input_data_dir')
    parser.add_argument('--hidden1', type=cli.positive_int, default=DEFAULTS['hidden1'],
                        help='Number of units in hidden layer 1.')
    parser.add_argument('--hidden2', type=cli.positive_int, default=DEFAULTS['hidden2'],
                        help='Number of units in hidden layer 2.')
    return cli.parse_flags(parser, argv)


def main(argv=None, data_sets=None):
    return run_training(parse_flags(argv), data_sets)


if __name__ == '__main__':
    cli.run(main)
