"""TF 0.x names and calls that TF 1.0 renamed or reordered, mapped to their TF 1.x homes.

The table is the one of TF 1.0's release notes and its tf_upgrade.py. Mapped,
because the meaning of the old call is certain:
  tf.mul, tf.sub, tf.neg, tf.inv, tf.pack, tf.unpack, tf.select, tf.complex_abs,
  tf.listdiff, tf.batch_matrix_*, tf.batch_fft*, ...  -> the new name, same arguments (RENAMED)
  tf.batch_matmul(x, y, adj_x, adj_y), tf.batch_svd(t, compute_uv, full_matrices) -> tf.matmul, tf.svd
  tf.concat(concat_dim, values), tf.split(split_dim, num_split, value): recognised by an
      integer first argument, where TF 1.x has tensors, and reordered
  tf.reverse(t, [True, False, ...]): boolean dims become the axes TF 1.x takes
  tf.scalar_summary, tf.histogram_summary, tf.image_summary, tf.audio_summary: the TF 0.x
      summary ops, whose tag is used verbatim (tf.summary.* would prefix the name scope)
  tf.merge_summary, tf.merge_all_summaries -> tf.summary.merge, tf.summary.merge_all
  tf.train.SummaryWriter(Cache) -> tf.summary.FileWriter(Cache)
  tf.image.per_image_whitening -> tf.image.per_image_standardization
  tf.nn.rnn, tf.nn.bidirectional_rnn, tf.nn.state_saving_rnn -> tf.nn.static_*
Read in TF 0.x order, with one note on stderr per calling line:
  tf.nn.softmax_cross_entropy_with_logits, tf.nn.sparse_softmax_cross_entropy_with_logits,
  tf.nn.sigmoid_cross_entropy_with_logits called with positional arguments. From TF 1.0 on
  their first parameter was _sentinel, so every TF 1.x release refused such a call: only a
  TF 0.x program makes it, and TF 0.x read it as (logits, labels). TensorFlow 2 reads
  (labels, logits), which would silently train on a swapped loss.
Names TF 1.x still has (tf.initialize_all_variables, tf.all_variables,
reduction_indices=, keep_dims=, ...) need nothing: tf.compat.v1 has them.
"""
import functools
import sys

import numpy as np

from mnist.tf1 import program

import tensorflow as tf

v1 = tf.compat.v1

# TF 0.x name -> TF 1.x name, same arguments in the same order.
RENAMED = {
    'mul': 'multiply', 'sub': 'subtract', 'neg': 'negative', 'inv': 'reciprocal',
    'pack': 'stack', 'unpack': 'unstack', 'select': 'where', 'complex_abs': 'abs',
    'listdiff': 'setdiff1d', 'list_diff': 'setdiff1d',
    'batch_matrix_diag': 'matrix_diag', 'batch_matrix_diag_part': 'matrix_diag_part',
    'batch_matrix_band_part': 'matrix_band_part', 'batch_matrix_set_diag': 'matrix_set_diag',
    'batch_matrix_transpose': 'matrix_transpose', 'batch_matrix_determinant': 'matrix_determinant',
    'batch_matrix_inverse': 'matrix_inverse', 'batch_cholesky': 'cholesky',
    'batch_cholesky_solve': 'cholesky_solve', 'batch_matrix_solve': 'matrix_solve',
    'batch_matrix_triangular_solve': 'matrix_triangular_solve', 'batch_matrix_solve_ls': 'matrix_solve_ls',
    'batch_self_adjoint_eig': 'self_adjoint_eig', 'batch_self_adjoint_eigvals': 'self_adjoint_eigvals',
    'batch_fft': 'fft', 'batch_ifft': 'ifft', 'batch_fft2d': 'fft2d', 'batch_ifft2d': 'ifft2d',
    'batch_fft3d': 'fft3d', 'batch_ifft3d': 'ifft3d',
}
NN_RENAMED = {'rnn': 'static_rnn', 'bidirectional_rnn': 'static_bidirectional_rnn',
              'state_saving_rnn': 'static_state_saving_rnn'}
CROSS_ENTROPIES = ('softmax_cross_entropy_with_logits', 'sparse_softmax_cross_entropy_with_logits',
                   'sigmoid_cross_entropy_with_logits')


def _is_integer(value):
    """True for a Python or NumPy integer, or an integer scalar tensor: an axis, never a tensor list."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, np.integer)):
        return True
    return tf.is_tensor(value) and value.dtype.is_integer and value.shape.ndims == 0


def concat(*args, **kwargs):
    """tf.concat(values, axis, name) of TF 1.x, or TF 0.x's tf.concat(concat_dim, values, name)."""
    if 'concat_dim' in kwargs or (args and _is_integer(args[0])):
        return _concat_0x(*args, **kwargs)
    return v1.concat(*args, **kwargs)


def _concat_0x(concat_dim, values, name='concat'):
    return v1.concat(values, concat_dim, name=name)


def split(*args, **kwargs):
    """tf.split(value, num_or_size_splits, axis, ...) of TF 1.x, or TF 0.x's (split_dim, num_split, value)."""
    old_keywords = 'split_dim' in kwargs or 'num_split' in kwargs
    if old_keywords or (args and _is_integer(args[0]) and (len(args) >= 3 or 'value' in kwargs)):
        return _split_0x(*args, **kwargs)
    return v1.split(*args, **kwargs)


def _split_0x(split_dim, num_split, value, name='split'):
    return v1.split(value, num_split, axis=split_dim, name=name)


def reverse(tensor, axis=None, name=None, dims=None):
    """tf.reverse(tensor, axis) of TF 1.x, or TF 0.x's tf.reverse(tensor, dims), one bool per dimension."""
    flags = dims if dims is not None else axis
    if tf.is_tensor(flags) and flags.dtype == tf.bool:
        axis = tf.reshape(tf.where(flags), [-1])
    elif (isinstance(flags, (list, tuple, np.ndarray)) and len(flags)
          and all(isinstance(f, (bool, np.bool_)) for f in flags)):
        axis = [i for i, flag in enumerate(flags) if flag]
    return v1.reverse(tensor, axis, name=name)


def batch_matmul(x, y, adj_x=False, adj_y=False, name=None):
    """TF 0.x tf.batch_matmul: tf.matmul with adjoint_a/adjoint_b."""
    return v1.matmul(x, y, adjoint_a=adj_x, adjoint_b=adj_y, name=name)


def batch_svd(tensor, compute_uv=True, full_matrices=False, name=None):
    """TF 0.x tf.batch_svd, whose second and third arguments tf.svd takes the other way round."""
    return v1.svd(tensor, full_matrices=full_matrices, compute_uv=compute_uv, name=name)


def _collect(summary, collections):
    for key in [v1.GraphKeys.SUMMARIES] if collections is None else collections:
        v1.add_to_collection(key, summary)
    return summary


def scalar_summary(tags, values, collections=None, name=None):
    """TF 0.x tf.scalar_summary: a Summary string tensor; tags are used as given."""
    with v1.name_scope(name, 'ScalarSummary', [tags, values]) as scope:
        return _collect(v1.raw_ops.ScalarSummary(tags=tags, values=values, name=scope), collections)


def histogram_summary(tag, values, collections=None, name=None):
    """TF 0.x tf.histogram_summary: a Summary string tensor; the tag is used as given."""
    with v1.name_scope(name, 'HistogramSummary', [tag, values]) as scope:
        return _collect(v1.raw_ops.HistogramSummary(tag=tag, values=values, name=scope), collections)


def image_summary(tag, tensor, max_images=3, collections=None, name=None):
    """TF 0.x tf.image_summary: images float or uint8 [batch, height, width, channels]."""
    with v1.name_scope(name, 'ImageSummary', [tag, tensor]) as scope:
        return _collect(v1.raw_ops.ImageSummary(tag=tag, tensor=tensor, max_images=max_images, name=scope),
                        collections)


def audio_summary(tag, tensor, sample_rate, max_outputs=3, collections=None, name=None):
    """TF 0.x tf.audio_summary: audio float32 [batch, frames] or [batch, frames, channels]."""
    with v1.name_scope(name, 'AudioSummary', [tag, tensor]) as scope:
        sample_rate = tf.convert_to_tensor(sample_rate, dtype=tf.float32)
        return _collect(v1.raw_ops.AudioSummaryV2(tag=tag, tensor=tensor, sample_rate=sample_rate,
                                                  max_outputs=max_outputs, name=scope), collections)


def merge_summary(inputs, collections=None, name=None):
    """TF 0.x tf.merge_summary: tf.summary.merge."""
    return v1.summary.merge(inputs, collections=collections, name=name)


def merge_all_summaries(key=v1.GraphKeys.SUMMARIES):
    """TF 0.x tf.merge_all_summaries: tf.summary.merge_all."""
    return v1.summary.merge_all(key)


SUMMARIES = dict(scalar_summary=scalar_summary, histogram_summary=histogram_summary,
                 image_summary=image_summary, audio_summary=audio_summary,
                 merge_summary=merge_summary, merge_all_summaries=merge_all_summaries)


# The TF 0.x parameters of the cross entropies, in order: what a positional call meant.
TF0_PARAMETERS = {
    'softmax_cross_entropy_with_logits': ('logits', 'labels', 'dim', 'name'),
    'sparse_softmax_cross_entropy_with_logits': ('logits', 'labels', 'name'),
    'sigmoid_cross_entropy_with_logits': ('logits', 'labels', 'name'),  # TF 0.x: (logits, targets, name)
}
_noted = set()  # the notes already printed


def note(frame, message):
    """Prints `note: FILE, line N: message` (FILE `In [N]` for a notebook cell) on stderr, once for each."""
    line = 'note: %s, line %d: %s' % (program.source_name(frame.f_code.co_filename), frame.f_lineno, message)
    if line not in _noted:
        _noted.add(line)
        print(line, file=sys.stderr)


def _tf0_order(name):
    """tf.nn.<name>, reading positional arguments in TF 0.x's order (logits first), with a note."""
    function = getattr(v1.nn, name)
    parameters = TF0_PARAMETERS[name]

    @functools.wraps(function)
    def call(*args, **kwargs):
        if args:
            note(sys._getframe(1),
                 'tf.nn.%s(%s) with positional arguments is read in TF 0.x order, logits first '
                 '(TF 1.x refused positional arguments here, TF 2 would read labels first)'
                 % (name, ', '.join(parameters[:len(args)])))
            for parameter, value in zip(parameters, args):
                if parameter in kwargs:
                    raise TypeError('tf.nn.%s got two values for %s (TF 0.x order: %s)'
                                    % (name, parameter, ', '.join(parameters)))
                kwargs[parameter] = value
        return function(**kwargs)
    return call


def top_level():
    """{name: object} for the TF 0.x names directly under tf."""
    names = {old: getattr(v1, new) for old, new in RENAMED.items()}
    names.update(SUMMARIES, concat=concat, split=split, reverse=reverse, batch_matmul=batch_matmul,
                 batch_svd=batch_svd)
    return names


def nn():
    """{name: object} for tf.nn: the TF 0.x RNN names and the cross entropies in TF 0.x order."""
    names = {old: getattr(v1.nn, new) for old, new in NN_RENAMED.items()}
    names.update({name: _tf0_order(name) for name in CROSS_ENTROPIES})
    return names


def train():
    """{name: object} for tf.train: the TF 0.x summary writer names."""
    return dict(SummaryWriter=v1.summary.FileWriter, SummaryWriterCache=v1.summary.FileWriterCache)


def image():
    """{name: object} for tf.image."""
    return dict(per_image_whitening=v1.image.per_image_standardization)
