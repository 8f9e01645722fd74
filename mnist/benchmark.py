"""Side-by-side speed and memory figures on real data: `python -m mnist.benchmark`.

For each model at its tutorial's batch size it measures, after a warm-up:
our training loop (steps/s and examples/s) with the model's session executor
(training.EXECUTORS) and, where that is not TensorFlow's default, with the
default; the floor (`Session.run` of the bare train op fed one fixed batch);
the same model trained by `tf.keras` `model.fit` at its
defaults and at its fastest settings (KERAS_BEST), and batched evaluation;
plus `read_data_sets`, and peak RSS of CNN training with its test evaluation.
Every rate divides the training steps that really ran (the global step, or
Keras's optimizer.iterations, before and after) by the time they took. Every
figure is the median over --repeats runs. The machine is shared and noisy:
read the ratios, which come from the same run, rather than the absolute times.
"""
import argparse
import contextlib
import dataclasses
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist'
MODEL_ORDER = ('softmax', 'fully_connected', 'cnn')

# The children below run in a fresh interpreter, so their peak RSS is their work's alone.
_PEAK_RSS_MB = '''
from mnist import platforms
def peak_rss_mb():
    return platforms.peak_rss_bytes() / 2**20
'''

_READ_DATA_SETS_CHILD = _PEAK_RSS_MB + '''
import json, sys, time
import tensorflow as tf
from mnist import input_data
before = peak_rss_mb()
start = time.perf_counter()
data_sets = input_data.read_data_sets(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_rss_mb_above_import": peak_rss_mb() - before}))
'''

# Peak RSS of a whole CNN training run with its test evaluation, as a user runs it.
_CNN_RSS_CHILD = _PEAK_RSS_MB + '''
import json, sys
from mnist import cli
flags = ['--data_dir', sys.argv[1], '--log_dir', sys.argv[2], '--max_steps', sys.argv[3]]
cli.load_script('mnist_deep').main(flags + (['--mixed_precision'] if sys.argv[4] == '1' else []))
print(json.dumps({"peak_rss_mb": peak_rss_mb()}))
'''


# Keras fit at its fastest here. steps_per_execution runs that many batches in one call of
# the compiled training function (a loop inside the graph, one Python round trip for all of
# them); jit_compile=True compiles that function with XLA. Keras's defaults are 1 and, on
# this CPU, False. Measured on this machine under other load (Fashion-MNIST, best of 5
# interleaved fits of 1000 steps, 100 for the CNN; steps/s for steps_per_execution 1, 10, 50,
# 200, without / with XLA):
#   softmax          1855 3746 3714 4978 / 1559 2683 2943 3816
#   fully_connected   718 1667 1862 1947 /  921 1802 1434 1660
#   cnn (1, 50)        17   17           /    6    6
# (Measured before fits counted their steps: each fit of 1000 steps ran 550 on this
# training set, so the softmax and fully_connected figures are 1.82x too high; their order
# stands.) Many batches per execution pay off where a step is short; XLA does not help on this CPU
# and makes the CNN's convolutions about 3x slower. The CNN's step is all compute:
# steps_per_execution changes nothing there, so its best are Keras's defaults.
KERAS_DEFAULTS = {'steps_per_execution': 1, 'jit_compile': False}
KERAS_BEST = {
    'softmax': {'steps_per_execution': 200, 'jit_compile': False},
    'fully_connected': {'steps_per_execution': 200, 'jit_compile': False},
    'cnn': KERAS_DEFAULTS,
}


@dataclasses.dataclass
class Budget:
    """Steps per timed run (the loop is timed as the difference of a run of 2n and one of n)."""
    steps: dict
    keras_steps: dict
    repeats: int
    rss_steps: int


FULL = Budget(steps={'softmax': 1000, 'fully_connected': 1000, 'cnn': 100},
              keras_steps={'softmax': 1000, 'fully_connected': 1000, 'cnn': 100},
              repeats=5, rss_steps=300)
QUICK = Budget(steps={'softmax': 20, 'fully_connected': 20, 'cnn': 4},
               keras_steps={'softmax': 10, 'fully_connected': 10, 'cnn': 4},
               repeats=1, rss_steps=4)


def _child_json(code, *args):
    child = subprocess.run([sys.executable, '-c', code, *map(str, args)],
                           capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError('benchmark child failed:\n' + child.stderr[-2000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def measure_read_data_sets(data_dir, repeats):
    """Median wall seconds of read_data_sets(data_dir) and its peak RSS above the TF import (MB)."""
    runs = [_child_json(_READ_DATA_SETS_CHILD, data_dir) for _ in range(repeats)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def tutorial_script(model):
    """The tutorial script that trains `model`, imported as a module."""
    from mnist import cli
    return cli.load_script(cli.TRAINING_SCRIPTS[model])


def batch_size_of(model):
    """The batch size of `model`'s tutorial."""
    return tutorial_script(model).DEFAULTS['batch_size']


def _timed_run(script, steps, log_dir, mixed_precision, data_sets):
    """(wall seconds, global step reached) of main() for `steps` steps, saving once, at the end."""
    script.CHECKPOINT_EVERY = steps + 1
    flags = ['--log_dir', log_dir, '--max_steps', str(steps), '--seed', '0']
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        metrics = script.main(flags + (['--mixed_precision'] if mixed_precision else []), data_sets)
    return time.perf_counter() - start, metrics['global_step']


@contextlib.contextmanager
def session_executor(model, executor_type):
    """Within it, training.session_config() asks for executor_type for model ('' is TensorFlow's default)."""
    from mnist import training
    shipped = training.EXECUTORS[model]
    training.EXECUTORS[model] = executor_type
    try:
        yield
    finally:
        training.EXECUTORS[model] = shipped


def measure_our_loop(model, data_sets, steps, repeats, mixed_precision=False, executor_types=(None,)):
    """Steps/s of the tutorial script's loop under each of executor_types (None: the model's own).

    A rate is (steps of a 2n-step run - steps of an n-step run) / (the
    difference of their times), the steps read from the global step each run
    reached: graph building, initialization, the final save and evaluation
    cancel out. The executors take turns in every repeat, so the machine's
    load weighs on them alike. Returns one median rate per executor type.
    """
    from mnist import training
    script = tutorial_script(model)
    executor_types = [training.EXECUTORS[model] if e is None else e for e in executor_types]
    rates = [[] for _ in executor_types]
    with tempfile.TemporaryDirectory() as log_root:
        def timed(executor_type, steps, name):
            with session_executor(model, executor_type):
                return _timed_run(script, steps, os.path.join(log_root, name), mixed_precision, data_sets)

        for i, executor_type in enumerate(executor_types):
            timed(executor_type, steps, 'warm%d' % i)
        for repeat in range(repeats):
            for i, executor_type in enumerate(executor_types):
                short, short_steps = timed(executor_type, steps, 's%d_%d' % (repeat, i))
                long, long_steps = timed(executor_type, 2 * steps, 'l%d_%d' % (repeat, i))
                rates[i].append((long_steps - short_steps) / max(long - short, 1e-9))
    return [statistics.median(r) for r in rates]


def measure_floor_and_eval(model, data_sets, steps, repeats, mixed_precision=False):
    """(µs per Session.run of the bare train op fed one fixed batch, eval examples/s of the test set)."""
    from mnist import training

    import tensorflow as tf
    v1 = tf.compat.v1
    batch_size = batch_size_of(model)
    images, labels = data_sets.train.images[:batch_size], data_sets.train.labels[:batch_size]
    with tf.Graph().as_default():
        v1.set_random_seed(0)
        graph = training.build_graph(model, training.MODELS[model].LEARNING_RATE)
        with v1.Session(config=training.session_config(mixed_precision, model)) as sess:
            sess.run(v1.global_variables_initializer())
            feed = graph.feed(images, labels, keep_prob=0.5)
            for _ in range(max(steps // 10, 2)):
                sess.run(graph.train_op, feed)
            floors, evals = [], []
            for _ in range(repeats):
                first_step = sess.run(graph.global_step)
                start = time.perf_counter()
                for _ in range(steps):
                    sess.run(graph.train_op, feed)
                seconds = time.perf_counter() - start
                floors.append(seconds / (sess.run(graph.global_step) - first_step) * 1e6)
                start = time.perf_counter()
                training.do_eval(sess, graph.eval_correct, graph.images, graph.labels, data_sets.test,
                                 verbose=False)
                evals.append(data_sets.test.num_examples / (time.perf_counter() - start))
    return statistics.median(floors), statistics.median(evals)


def keras_model(model, **compile_options):
    """The same architecture, initialization, loss and optimizer as mnist.<model>, in tf.keras.

    compile_options go to Model.compile (steps_per_execution, jit_compile).
    """
    import math

    import tensorflow as tf
    keras = tf.keras
    normal = keras.initializers.TruncatedNormal

    if model == 'softmax':
        layers = [keras.layers.Dense(10, kernel_initializer='zeros')]
        optimizer = keras.optimizers.SGD(0.5)
    elif model == 'fully_connected':
        layers = [keras.layers.Dense(128, 'relu', kernel_initializer=normal(stddev=1 / math.sqrt(784))),
                  keras.layers.Dense(32, 'relu', kernel_initializer=normal(stddev=1 / math.sqrt(128))),
                  keras.layers.Dense(10, kernel_initializer=normal(stddev=1 / math.sqrt(32)))]
        optimizer = keras.optimizers.SGD(0.01)
    else:
        conv = dict(padding='same', activation='relu', kernel_initializer=normal(stddev=0.1),
                    bias_initializer=keras.initializers.Constant(0.1))
        dense = dict(kernel_initializer=normal(stddev=0.1),
                     bias_initializer=keras.initializers.Constant(0.1))
        layers = [keras.layers.Reshape((28, 28, 1)),
                  keras.layers.Conv2D(32, 5, **conv), keras.layers.MaxPooling2D(2, padding='same'),
                  keras.layers.Conv2D(64, 5, **conv), keras.layers.MaxPooling2D(2, padding='same'),
                  keras.layers.Flatten(), keras.layers.Dense(1024, 'relu', **dense),
                  keras.layers.Dropout(0.5), keras.layers.Dense(10, **dense)]
        optimizer = keras.optimizers.Adam(1e-4, epsilon=1e-8)  # TF 1.x AdamOptimizer's epsilon
    net = keras.Sequential([keras.Input((784,))] + layers)
    net.compile(optimizer=optimizer,
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), **compile_options)
    return net


def measure_keras(model, data_sets, steps, repeats, **compile_options):
    """(training steps/s, steps per timed fit) of keras_model(model, **compile_options).fit.

    Each fit runs over whole batches of the training set for as many epochs
    as it takes to make at least `steps` steps (a small data set takes
    several), and its rate divides the steps it really made, the optimizer's
    iterations before and after, by its time. A first fit of the same size
    compiles the training function (each execution of steps_per_execution
    batches is one call of it) and is not timed.
    """
    import math

    batch_size = batch_size_of(model)
    batches_per_epoch = max(1, min(steps, data_sets.train.num_examples // batch_size))
    images = data_sets.train.images[:batches_per_epoch * batch_size]
    labels = data_sets.train.labels[:batches_per_epoch * batch_size].astype('int32')
    epochs = math.ceil(steps / batches_per_epoch)
    net = keras_model(model, **compile_options)
    rates = []
    for repeat in range(repeats + 1):
        first_step = int(net.optimizer.iterations.numpy())
        start = time.perf_counter()
        net.fit(images, labels, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
        seconds = time.perf_counter() - start
        steps_made = int(net.optimizer.iterations.numpy()) - first_step
        if repeat:  # the first is the warm-up
            rates.append(steps_made / seconds)
    return statistics.median(rates), steps_made


def measure_cnn_rss(data_dir, steps, mixed_precision=False):
    """Peak RSS (MB) of a CNN training run of `steps` steps with its test evaluation."""
    with tempfile.TemporaryDirectory() as log_dir:
        return _child_json(_CNN_RSS_CHILD, data_dir, log_dir, steps, int(mixed_precision))['peak_rss_mb']


def run(data_dir=FASHION_MNIST_DIR, budget=FULL, mixed_precision=None, progress=sys.stderr,
        models=MODEL_ORDER):
    """Measures everything; returns the figures as a dict (what --json writes)."""
    from mnist import input_data, training

    def note(text):
        print(text, file=progress, flush=True)

    if mixed_precision is None:
        mixed_precision = training.mixed_precision_device() is not None
    results = {'data_dir': data_dir, 'repeats': budget.repeats, 'models': {}}
    note('read_data_sets ...')
    results['read_data_sets'] = measure_read_data_sets(data_dir, budget.repeats)
    with contextlib.redirect_stdout(io.StringIO()):
        data_sets = input_data.read_data_sets(data_dir, seed=0)
    variants = [(m, False) for m in models] + ([('cnn', True)] if mixed_precision and 'cnn' in models else [])
    for model, mixed in variants:
        key = model + ('_mixed_precision' if mixed else '')
        note('%s ...' % key)
        batch_size = batch_size_of(model)
        steps = budget.steps[model]
        from_default = training.EXECUTORS[model] != ''
        ours, *default = measure_our_loop(model, data_sets, steps, budget.repeats, mixed,
                                          executor_types=(None, '') if from_default else (None,))
        floor_us, eval_rate = measure_floor_and_eval(model, data_sets, steps, budget.repeats, mixed)
        figures = {'batch_size': batch_size, 'steps_per_s': ours,
                   'examples_per_s': ours * batch_size, 'floor_us_per_step': floor_us,
                   'ours_over_floor': ours * floor_us / 1e6, 'executor': training.EXECUTORS[model],
                   'eval_examples_per_s': eval_rate}
        if default:
            figures.update(default_executor_steps_per_s=default[0],
                           ours_over_default_executor=ours / default[0])
        if not mixed:
            keras, keras_steps = measure_keras(model, data_sets, budget.keras_steps[model], budget.repeats)
            best = keras if KERAS_BEST[model] == KERAS_DEFAULTS else measure_keras(
                model, data_sets, budget.keras_steps[model], budget.repeats, **KERAS_BEST[model])[0]
            figures.update(keras_steps_per_s=keras, ours_over_keras=ours / keras,
                           keras_best_steps_per_s=best, ours_over_keras_best=ours / best,
                           keras_best_settings=KERAS_BEST[model], keras_steps_per_fit=keras_steps)
        results['models'][key] = figures
    note('CNN peak RSS ...')
    results['cnn_peak_rss_mb'] = measure_cnn_rss(data_dir, budget.rss_steps)
    return results


def format_table(results):
    """The figures as a plain-text table."""
    from mnist import training
    lines = ['%-26s %9s %10s %11s %10s %12s %10s %11s %10s %11s %10s %12s' % (
        'model (batch)', 'steps/s', 'examples/s', 'floor us', 'ours/floor', 'tf exec st/s',
        'ours/tf', 'keras st/s', 'ours/keras', 'best st/s', 'ours/best', 'eval ex/s')]
    for key, f in results['models'].items():
        if 'keras_steps_per_s' in f:
            keras = '%11.0f %10.2f %11.0f %10.2f' % (f['keras_steps_per_s'], f['ours_over_keras'],
                                                     f['keras_best_steps_per_s'], f['ours_over_keras_best'])
        else:
            keras = '%11s %10s %11s %10s' % (('-',) * 4)
        if 'default_executor_steps_per_s' in f:
            executor = '%12.0f %10.2f' % (f['default_executor_steps_per_s'], f['ours_over_default_executor'])
        else:
            executor = '%12s %10s' % ('-', '-')
        lines.append('%-26s %9.0f %10.0f %11.0f %10.2f %s %s %12.0f' % (
            '%s (%d)' % (key, f['batch_size']), f['steps_per_s'], f['examples_per_s'],
            f['floor_us_per_step'], f['ours_over_floor'], executor, keras, f['eval_examples_per_s']))
    read = results['read_data_sets']
    lines.append('read_data_sets: %.3f s, peak RSS %.0f MB above the TensorFlow import'
                 % (read['seconds'], read['peak_rss_mb_above_import']))
    lines.append('CNN training with test evaluation: peak RSS %.0f MB' % results['cnn_peak_rss_mb'])
    if 'cnn_mixed_precision' in results['models']:
        speedup = (results['models']['cnn_mixed_precision']['examples_per_s']
                   / results['models']['cnn']['examples_per_s'])
        lines.append('CNN bfloat16 mixed precision / fp32: %.2fx examples/s' % speedup)
    lines.append('Keras best: %s' % '; '.join(
        '%s steps_per_execution=%d jit_compile=%s' % (model, o['steps_per_execution'], o['jit_compile'])
        for model, o in KERAS_BEST.items()))
    lines.append('tf exec: our loop under TensorFlow\'s default executor; ours: %s' % '; '.join(
        '%s %s' % (model, executor or 'the default') for model, executor in training.EXECUTORS.items()))
    lines.append('(medians of %d repeats)' % results['repeats'])
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--data_dir', default=FASHION_MNIST_DIR,
                        help='Directory with the four MNIST-format .gz files.')
    parser.add_argument('--models', nargs='+', choices=MODEL_ORDER, default=list(MODEL_ORDER),
                        help='The models to measure.')
    parser.add_argument('--quick', action='store_true',
                        help='A few steps and one repeat: checks that everything runs.')
    parser.add_argument('--json', default=None, help='Also write the figures to this JSON file.')
    args = parser.parse_args(argv)
    results = run(args.data_dir, QUICK if args.quick else FULL, models=args.models)
    print(format_table(results))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
