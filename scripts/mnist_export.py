"""Exports a training script's checkpoint as a SavedModel for TensorFlow 2 and TF Serving.

Writes EXPORT_DIR/<version>/saved_model.pb and variables/, the layout TF Serving
watches; the version is the checkpoint's global step unless --version says
otherwise. The `serving_default` signature takes `images` (float32 [None, 784],
pixels in [0, 1]) and returns `probabilities` (float32 [None, 10]) and `classes`
(int64 [None]). An existing version is kept unless --overwrite.
"""
import argparse

from mnist import cli, paths, serving, training


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--model', required=True, choices=sorted(training.MODELS),
                        help='The model the checkpoint holds.')
    parser.add_argument('--log_dir', required=True, help='The training run\'s --log_dir.')
    parser.add_argument('--checkpoint', default=None,
                        help='A checkpoint path (e.g. LOG_DIR/model.ckpt-1000); default: the latest.')
    parser.add_argument('--export_dir', required=True,
                        help='The model\'s base directory: the SavedModel goes to EXPORT_DIR/<version>.')
    parser.add_argument('--version', type=cli.positive_int, default=None,
                        help='The version number; default: the checkpoint\'s global step.')
    parser.add_argument('--overwrite', action='store_true',
                        help='Replace EXPORT_DIR/<version> if it exists.')
    args = parser.parse_args(argv)
    paths.writable_dir(args.export_dir, '--export_dir')
    if args.version is not None:  # refuse before restoring anything
        serving.version_dir(args.export_dir, args.version, args.overwrite)
    with training.restored_model(args.model, args.log_dir, args.checkpoint) as model:
        print('Restored %s (step %d).' % (model.checkpoint, model.global_step))
        version = model.global_step if args.version is None else args.version
        path = serving.export_saved_model(model, args.export_dir, version, args.overwrite)
    print('Exported %s: signature %s, images float32 [None, 784] -> probabilities float32 '
          '[None, 10], classes int64 [None].' % (path, serving.SIGNATURE_KEY))
    return {'path': path, 'version': version, 'checkpoint': model.checkpoint,
            'global_step': model.global_step}


if __name__ == '__main__':
    cli.run(main, errors=(serving.ExportError,))
