"""The TensorBoard tutorial (mnist_with_summaries.py): a 784-500-10 network that summarizes itself.

Then: tensorboard --logdir LOG_DIR
"""
import os

from mnist import checkpoints, cli, input_data, training, with_summaries

import tensorflow as tf

v1 = tf.compat.v1

# The tutorial's settings; the flags override them.
DEFAULTS = dict(max_steps=1000, learning_rate=0.001, dropout=0.9, batch_size=100,
                log_dir=os.path.join(training.LOG_ROOT, 'mnist_with_summaries'))
EVAL_EVERY = 10    # steps between test-set evaluations
TRACE_EVERY = 100  # steps between full traces of compute and memory


def train(flags, data_sets=None):
    """Trains for flags.max_steps steps, printing the tutorial's lines and writing its summaries.

    Every EVAL_EVERY steps, and after the last, evaluates the whole test set
    (in batches) and prints 'Accuracy at step N: A', N being the number of
    training steps done. Every TRACE_EVERY steps adds run metadata. Saves
    model.ckpt-<step> in log_dir at the end. Returns {'global_step',
    'checkpoint', 'train_cross_entropy' (of the last batch), 'test':
    {num_examples, num_correct, precision, cross_entropy}}.
    """
    metrics = {}
    # Check and lock --log_dir before anything slow happens.
    with checkpoints.TrainingRun(flags.log_dir, flags.resume, flags.overwrite,
                                 'mnist_with_summaries') as run, \
            tf.Graph().as_default():
        # Import data
        mnist = data_sets or input_data.read_data_sets(flags.data_dir, flags.fake_data, seed=flags.seed)
        input_data.check_batch_size(mnist.train, flags.batch_size)
        with_summaries.warn_if_old_events(flags.log_dir)

        if flags.seed is not None:
            v1.set_random_seed(flags.seed)
        # The network, its loss, Adam and all summaries, merged into graph.summaries.
        graph = with_summaries.build_graph(flags.learning_rate)
        saver = v1.train.Saver(max_to_keep=None)  # TrainingRun keeps the newest five
        train_op = training.checking_numerics(graph.train_op) if flags.check_numerics else graph.train_op

        # naming_failed_ops: an op's error is one line naming the op and the line that built it.
        with v1.Session(config=training.session_config(flags.mixed_precision)) as sess, \
                training.naming_failed_ops(sess):
            start_step = run.start(sess, saver)  # initialize, or restore with --resume
            # Training and test summaries go to two directories, under the same tags,
            # so TensorBoard draws both curves in one chart.
            with v1.summary.FileWriter(os.path.join(flags.log_dir, 'train'), sess.graph) as train_writer, \
                    v1.summary.FileWriter(os.path.join(flags.log_dir, 'test')) as test_writer:

                def test_point(step):
                    """Test-set accuracy and cross entropy, in batches: written, printed, kept."""
                    metrics['test'] = with_summaries.evaluate(sess, graph, mnist.test)
                    for tag, key in (('accuracy', 'precision'), ('cross_entropy', 'cross_entropy')):
                        training.write_scalar(test_writer, tag, metrics['test'][key], step)
                    test_writer.flush()
                    print('Accuracy at step %s: %s' % (step, metrics['test']['precision']))

                for step in range(start_step, flags.max_steps):
                    run.stop_if_signalled(sess)  # Ctrl-C or SIGTERM: save, then stop
                    if step % EVAL_EVERY == 0:
                        test_point(step)
                    xs, ys = mnist.train.next_batch(flags.batch_size, flags.fake_data)
                    feed_dict = graph.feed(xs, ys, keep_prob=flags.dropout)
                    fetches = [graph.summaries, graph.cross_entropy, train_op]
                    if step % TRACE_EVERY == TRACE_EVERY - 1:
                        # Record execution stats: compute time and memory of every op.
                        run_options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
                        run_metadata = v1.RunMetadata()
                        summary, cross_entropy, _ = sess.run(fetches, feed_dict=feed_dict,
                                                             options=run_options,
                                                             run_metadata=run_metadata)
                        train_writer.add_run_metadata(run_metadata, 'step%03d' % step, step)
                        print('Adding run metadata for', step)
                    else:
                        summary, cross_entropy, _ = sess.run(fetches, feed_dict=feed_dict)
                    run.check_loss(step, cross_entropy)  # NaN or inf: stop before saving it
                    train_writer.add_summary(summary, step)
                    metrics['train_cross_entropy'] = float(cross_entropy)
                    if step % EVAL_EVERY == 0:
                        train_writer.flush()
                metrics['global_step'] = int(sess.run(v1.train.get_global_step()))
                test_point(metrics['global_step'])
                metrics['checkpoint'] = run.save(sess)
    return metrics


def parse_flags(argv=None):
    parser = cli.training_parser(__doc__.splitlines()[0], DEFAULTS)
    parser.add_argument('--dropout', type=cli.keep_probability, default=DEFAULTS['dropout'],
                        help='Keep probability for training dropout.')
    return cli.parse_flags(parser, argv)


def main(argv=None, data_sets=None):
    return train(parse_flags(argv), data_sets)


if __name__ == '__main__':
    cli.run(main)
