"""Takes a PNG screenshot of TensorBoard showing a log_dir, in Debian's headless Chromium.

Starts TensorBoard on 127.0.0.1, opens a dashboard, waits until --tag's chart is drawn, saves
the picture and stops both. Needs chromium (apt-get install -y chromium) and websocket-client.
"""
import argparse

from mnist import cli, tensorboard_screenshot


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--log_dir', required=True, default=argparse.SUPPRESS,
                        help='The run\'s --log_dir.')
    parser.add_argument('--out', default='tensorboard.png', help='The PNG file to write.')
    parser.add_argument('--dashboard', default='scalars',
                        help='TensorBoard dashboard to open (scalars, images, histograms, ...).')
    parser.add_argument('--tag', default='loss', help='Wait until this tag is shown.')
    parser.add_argument('--tag_filter', default=None,
                        help='Show only the tags matching this regular expression.')
    parser.add_argument('--width', type=cli.positive_int, default=1280, help='Window width in pixels.')
    parser.add_argument('--height', type=cli.positive_int, default=800, help='Window height in pixels.')
    args = parser.parse_args(argv)
    result = tensorboard_screenshot.screenshot(args.log_dir, args.out, args.tag, args.dashboard,
                                               args.tag_filter, args.width, args.height)
    print('Wrote %s (%s)' % (result['path'], result['url']))
    return result


if __name__ == '__main__':
    cli.run(main)
