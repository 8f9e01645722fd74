"""The three graph modules: they learn, restore exactly, and name their variables."""
import numpy as np
import pytest

from mnist import checkpoints, training

import tensorflow as tf

v1 = tf.compat.v1

# A learning rate per model at which the tiny separable set is learnt in a few dozen steps.
FAST_LEARNING_RATE = {'softmax': 0.5, 'fully_connected': 0.1, 'cnn': 1e-3}


def _train(sess, graph, data_sets, steps, batch_size=20):
    losses = []
    for _ in range(steps):
        feed = graph.feed(*data_sets.train.next_batch(batch_size), keep_prob=0.5)
        _, loss = sess.run([graph.train_op, graph.loss], feed)
        losses.append(loss)
    return losses


@pytest.mark.parametrize('model', sorted(training.MODELS))
def test_model_learns_a_separable_set_perfectly(model, separable_data_sets):
    with tf.Graph().as_default():
        v1.set_random_seed(0)
        graph = training.build_graph(model, FAST_LEARNING_RATE[model])
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            losses = _train(sess, graph, separable_data_sets, steps=60)
            result = training.do_eval(sess, graph.eval_correct, graph.images, graph.labels,
                                      separable_data_sets.test)
    assert np.mean(losses[-5:]) < 0.5 * losses[0]
    assert result['num_correct'] == result['num_examples'] == separable_data_sets.test.num_examples


@pytest.mark.parametrize('model', sorted(training.MODELS))
def test_checkpoint_restores_identical_logits_in_a_new_graph(model, separable_data_sets, tmp_path):
    images = separable_data_sets.test.images
    with tf.Graph().as_default():
        graph = training.build_graph(model, FAST_LEARNING_RATE[model])
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            _train(sess, graph, separable_data_sets, steps=3)
            expected = sess.run(graph.logits, {graph.images: images})
            path = v1.train.Saver().save(sess, str(tmp_path / 'model.ckpt'))
    with tf.Graph().as_default():
        graph = training.build_graph(model, 0.0)
        with v1.Session() as sess:
            checkpoints.restore(sess, path, model)
            restored = sess.run(graph.logits, {graph.images: images})
    np.testing.assert_array_equal(restored, expected)


def test_variables_have_the_tutorials_names():
    expected = {
        'softmax': {'softmax_linear/weights', 'softmax_linear/biases'},
        'fully_connected': {'hidden1/weights', 'hidden1/biases', 'hidden2/weights',
                            'hidden2/biases', 'softmax_linear/weights', 'softmax_linear/biases'},
        'cnn': {'conv1/weights', 'conv1/biases', 'conv2/weights', 'conv2/biases',
                'fc1/weights', 'fc1/biases', 'fc2/weights', 'fc2/biases'},
    }
    for model, names in expected.items():
        with tf.Graph().as_default():
            training.build_graph(model, 0.1)
            assert {v.op.name for v in v1.trainable_variables()} == names


def test_initializers_follow_the_tutorials():
    with tf.Graph().as_default():
        v1.set_random_seed(1)
        training.build_graph('fully_connected', 0.1, hidden1=400, hidden2=30)
        training.build_graph('softmax', 0.1)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            values = {v.op.name: sess.run(v) for v in v1.trainable_variables()}
    hidden1 = values['hidden1/weights']
    assert hidden1.shape == (784, 400)
    # Truncated at two stddevs, stddev 1/sqrt(fan_in): the sample stddev is about 0.88 of it.
    assert np.abs(hidden1).max() <= 2 / np.sqrt(784) + 1e-6
    assert 0.8 / np.sqrt(784) < hidden1.std() < 0.95 / np.sqrt(784)
    assert not values['hidden1/biases'].any()
    assert not values['softmax_linear_1/weights'].any() and not values['softmax_linear_1/biases'].any()


def test_cnn_dropout_is_driven_by_keep_prob_not_rate():
    with tf.Graph().as_default():
        v1.set_random_seed(2)
        graph = training.build_graph('cnn', 1e-4)
        dropped = tf.compat.v1.get_default_graph().get_tensor_by_name('dropout/fc1_drop:0')
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            images = np.random.default_rng(0).random((64, 784), dtype=np.float32)
            kept = {}
            for keep_prob in (1.0, 0.9, 0.5):
                output = sess.run(dropped, {graph.images: images, graph.keep_prob: keep_prob})
                kept[keep_prob] = np.count_nonzero(output) / output.size
    # About half the ReLU units are active; dropout keeps a keep_prob share of those.
    assert kept[1.0] > 0.3
    assert kept[0.9] == pytest.approx(0.9 * kept[1.0], abs=0.02)
    assert kept[0.5] == pytest.approx(0.5 * kept[1.0], abs=0.02)


def test_loss_stays_finite_where_the_naive_formula_goes_nan():
    logits = np.array([[1000.0, 0.0] + [0.0] * 8], dtype=np.float32)
    labels = np.array([1], dtype=np.int32)
    with tf.Graph().as_default():
        one_hot = tf.one_hot(labels, 10)
        naive = -tf.reduce_sum(one_hot * tf.math.log(tf.nn.softmax(logits)))
        ours = training.MODELS['softmax'].loss(tf.constant(logits), tf.constant(labels))
        with v1.Session() as sess:
            naive_value, ours_value = sess.run([naive, ours])
    assert not np.isfinite(naive_value)
    assert ours_value == pytest.approx(1000.0)
