"""Downloading MNIST: mirrors, verification, progress, stalls and the atomic publish.

What TF 1.x kept in `tensorflow/contrib/learn/python/learn/datasets/base.py`
beside its `mnist.py`. maybe_download fetches a file into a directory unless
it is there: from the first MNIST mirror that delivers a copy of the published
size and SHA-256, giving up on a stalled mirror, showing progress, and
publishing the file only once it is verified. mnist.input_data reads what it
downloads (and re-exports these names, as the tutorials import them from there).

Errors are one line naming the directory, file or URLs: DataFileError (a data
directory or file that cannot be used), DownloadError (no mirror delivered).

This module does not import TensorFlow.
"""
import contextlib
import errno
import hashlib
import http.client
import os
import stat
import sys
import tempfile
import time
import urllib.error
import urllib.request

from mnist import platforms

DEFAULT_SOURCE_URL = 'https://storage.googleapis.com/cvdf-datasets/mnist/'
# Tried in order when source_url is one of them; files from them must match MNIST_FILES.
MIRRORS = (DEFAULT_SOURCE_URL, 'https://ossci-datasets.s3.amazonaws.com/mnist/')

TRAIN_IMAGES = 'train-images-idx3-ubyte.gz'
TRAIN_LABELS = 'train-labels-idx1-ubyte.gz'
TEST_IMAGES = 't10k-images-idx3-ubyte.gz'
TEST_LABELS = 't10k-labels-idx1-ubyte.gz'
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

# Published size in bytes and SHA-256 of each MNIST file.
MNIST_FILES = {
    TRAIN_IMAGES: (9912422, '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609'),
    TRAIN_LABELS: (28881, '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c'),
    TEST_IMAGES: (1648877, '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6'),
    TEST_LABELS: (4542, 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6'),
}

# A download that receives less than STALL_BYTES in STALL_SECONDS is abandoned
# and the next mirror tried: a dead or crawling mirror (one byte every 20 s)
# then fails within about two minutes instead of never. 64 KiB a minute is far
# below any working connection, and STALL_SECONDS is also the socket timeout.
STALL_SECONDS = 60
STALL_BYTES = 64 * 1024
_READ_BYTES = 64 * 1024  # at most this much per read


class DataFileError(ValueError):
    """A data directory or file that cannot be used (missing permission, not a file, not valid
    MNIST IDX data, too large for memory); the one-line message names it and says why."""


class DownloadError(OSError):
    """No mirror delivered a valid copy of a file; the one-line message lists each URL and why."""


class _Progress:
    """Download progress on stderr: one updating line on a terminal, a line per 10% in a log.

    The first line, naming the URL, is written before connecting, so a mirror
    that does not answer shows at once which URL is being waited for.
    """

    def __init__(self, filename, url, stream=None):
        # Looked up per download, not at import, so a redirected sys.stderr gets the progress.
        self._stream = sys.stderr if stream is None else stream
        self._filename, self._total = filename, None
        self._shown = -1
        self._stream.write('Downloading %s from %s\n' % (filename, url))
        self._stream.flush()

    def update(self, received, total=None):
        self._total = total if total is not None else self._total
        tenths = 10 * received // self._total if self._total else 0
        if self._stream.isatty():
            done = '%3d%%' % (10 * tenths) if self._total else '%d bytes' % received
            self._stream.write('\rDownloading %s: %s' % (self._filename, done))
        elif tenths > self._shown:
            self._stream.write('Downloading %s: %d%%\n' % (self._filename, 10 * tenths))
        self._shown = tenths
        self._stream.flush()

    def close(self):
        if self._stream.isatty() and self._shown >= 0:
            self._stream.write('\n')


def _cannot_write(path, error):
    """The DataFileError for a download that cannot be written where it belongs."""
    return DataFileError('Cannot download %s into %s: %s.'
                         % (os.path.basename(path), os.path.dirname(path) or '.', error.strerror or error))


@contextlib.contextmanager
def _unnamed_file(path):
    """Yields (file, publish): a file beside `path` that disappears unless publish() is called.

    Where the system can (platforms.open_unnamed_file) the file has no name at
    all until it is published, so even a process killed mid-download leaves
    nothing behind. Elsewhere a hidden temporary file is removed on any
    exception. A directory that cannot be written raises DataFileError: no
    mirror can help with that.
    """
    directory = os.path.dirname(path) or '.'
    temp_path = None
    try:
        fd = platforms.open_unnamed_file(directory)
        if fd is None:
            fd, temp_path = tempfile.mkstemp(dir=directory, prefix='.download-', suffix='.part')
    except OSError as e:
        raise _cannot_write(path, e) from None
    f = os.fdopen(fd, 'w+b')

    def publish():
        try:
            f.flush()
            os.fsync(f.fileno())
            if temp_path is None:
                try:
                    platforms.link_unnamed_file(f.fileno(), directory, os.path.basename(path))
                except FileExistsError:
                    pass  # a concurrent download placed its verified copy first
            else:
                os.chmod(temp_path, 0o644)
                os.replace(temp_path, path)
        except OSError as e:
            raise _cannot_write(path, e) from None

    try:
        yield f, publish
    finally:
        f.close()
        if temp_path is not None and os.path.exists(temp_path):
            os.remove(temp_path)


def _network_error(error):
    """A short reason for a failed request or transfer, for DownloadError."""
    if isinstance(error, urllib.error.HTTPError):
        return 'HTTP %d %s' % (error.code, error.reason)
    if isinstance(error, urllib.error.URLError):
        error = error.reason
    if isinstance(error, TimeoutError) or str(error) == 'timed out':
        return 'no answer within %d s' % STALL_SECONDS
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return '%s: %s' % (type(error).__name__, error) if str(error) else type(error).__name__


def _receive(url, f, path, progress, total):
    """Writes the body of url into f, the file for path; returns (bytes received, SHA-256, total).

    total is the expected size, or None to use Content-Length. Raises
    DownloadError when the request fails or the transfer stalls (less than
    STALL_BYTES in STALL_SECONDS), DataFileError when f cannot be written.
    """
    try:
        response = urllib.request.urlopen(url, timeout=STALL_SECONDS)
    except (OSError, http.client.HTTPException) as e:
        raise DownloadError(_network_error(e)) from None
    with response:
        if total is None:
            try:
                total = int(response.headers.get('Content-Length'))
            except (TypeError, ValueError):
                pass
        progress.update(0, total)
        digest = hashlib.sha256()
        received = 0
        window_start, window_received = time.monotonic(), 0
        while True:
            try:
                # read1 returns whatever has arrived; read(n) would wait for all n bytes.
                chunk = response.read1(_READ_BYTES)
            except TimeoutError:
                chunk = None  # nothing for STALL_SECONDS; the socket is unusable now
            except (OSError, http.client.HTTPException) as e:
                raise DownloadError('%s after %d bytes' % (_network_error(e), received)) from None
            if chunk == b'':
                break
            if chunk:
                try:
                    f.write(chunk)
                except OSError as e:
                    raise _cannot_write(path, e) from None
                digest.update(chunk)
                received += len(chunk)
                progress.update(received)
            if received - window_received >= STALL_BYTES:
                window_start, window_received = time.monotonic(), received
            elif chunk is None or time.monotonic() - window_start >= STALL_SECONDS:
                raise DownloadError('stalled: %d bytes in %d s, expected at least %d (received %d of %s)'
                                    % (received - window_received, STALL_SECONDS, STALL_BYTES, received,
                                       total if total is not None else 'an unknown number of bytes'))
    return received, digest, total


def _download(url, path, expected, check):
    """Downloads url into path, atomically, after checking size, digest and structure.

    expected is (size, sha256) or None; check(file, url), if given, raises
    DataFileError for content that is not what it should be. Raises
    DownloadError with what went wrong on the way, DataFileError when path
    cannot be written.
    """
    filename = os.path.basename(path)
    progress = _Progress(filename, url)
    with _unnamed_file(path) as (f, publish):
        try:
            received, digest, total = _receive(url, f, path, progress, expected[0] if expected else None)
        finally:
            progress.close()
        if total is not None and received != total:
            raise DownloadError('received %d bytes, expected %d' % (received, total))
        if expected and digest.hexdigest() != expected[1]:
            raise DownloadError('SHA-256 mismatch: expected %s, got %s' % (expected[1], digest.hexdigest()))
        if check:
            f.flush()
            f.seek(0)
            try:
                check(f, url)
            except DataFileError as e:
                raise DownloadError(str(e)) from None
        publish()
    print('Successfully downloaded', filename, received, 'bytes.')


def sources(source_url):
    """Returns (base URLs to try in order, whether MNIST_FILES checksums apply)."""
    normalized = source_url if source_url.endswith('/') else source_url + '/'
    if normalized in MIRRORS:
        return [normalized] + [m for m in MIRRORS if m != normalized], True
    return [normalized], False


def what_is(path):
    """Says what path is, following symbolic links: 'missing', 'a directory', 'a file' or what else.

    Raises DataFileError when it cannot even be looked at (a directory on
    the way that this user may not enter).
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return 'a symbolic link to %s, which does not exist' % os.readlink(path)
        return 'missing'
    except OSError as e:
        if e.errno == errno.ELOOP:
            return 'a symbolic link loop'
        raise DataFileError('Cannot look at %s: %s.' % (path, e.strerror or e)) from None
    if stat.S_ISDIR(mode):
        return 'a directory'
    if stat.S_ISREG(mode):
        return 'a file'
    if stat.S_ISFIFO(mode):
        return 'a named pipe'
    if stat.S_ISSOCK(mode):
        return 'a socket'
    return 'a device'


def check_data_dir(directory):
    """Raises DataFileError unless directory is a directory this user can enter, or nothing yet."""
    if not directory:
        raise DataFileError("The data directory is an empty string: expected the directory that holds "
                            "the MNIST files or is to receive them, such as 'MNIST_data'.")
    kind = what_is(directory)
    if kind == 'missing':
        return
    if kind != 'a directory':
        raise DataFileError('The data directory %s is %s, not a directory.' % (directory, kind))
    try:
        os.stat(os.path.join(directory, '.'))  # needs permission to look inside
    except OSError as e:
        raise DataFileError('The data directory %s cannot be read: %s.'
                            % (directory, e.strerror or e)) from None


def open_data_file(path):
    """open(path, 'rb'), raising DataFileError naming the file when that fails."""
    try:
        return open(path, 'rb')
    except OSError as e:
        raise DataFileError('Cannot read %s: %s.' % (path, e.strerror or e)) from None


def data_file_exists(path):
    """True for a readable file, False when nothing is there (it will be downloaded).

    Raises DataFileError for anything else, saying what it is: a directory, a
    dangling symbolic link or a loop, a file this user cannot read.
    """
    kind = what_is(path)
    if kind == 'missing':
        return False
    if kind != 'a file':
        raise DataFileError('%s is %s: expected an IDX file, or nothing there to download it.'
                            % (path, kind))
    open_data_file(path).close()
    return True


def _make_dirs(directory):
    """Creates directory and its missing parents; returns those it created, outermost first."""
    missing = []
    head = directory
    while head and not os.path.lexists(head):
        missing.append(head)
        head = os.path.dirname(head.rstrip(os.sep))
    created = []
    try:
        for new_dir in reversed(missing):
            try:
                os.mkdir(new_dir)
            except FileExistsError:
                continue  # made meanwhile by a concurrent run: not ours to remove
            created.append(new_dir)
    except OSError as e:
        _remove_dirs(created)
        raise DataFileError('Cannot create the data directory %s: %s.'
                            % (directory, e.strerror or e)) from None
    return created


def _remove_dirs(created):
    """Removes the directories _make_dirs created, innermost first, as long as they are empty."""
    for new_dir in reversed(created):
        try:
            os.rmdir(new_dir)
        except OSError:
            return  # something else was put there meanwhile: keep it


def maybe_download(filename, work_directory, source_url=DEFAULT_SOURCE_URL, check=None):
    """Returns the path of `filename` in `work_directory`, downloading it if it is not there.

    A download is verified before it is moved into place: against the
    published size and SHA-256 when it comes from an MNIST mirror, against
    Content-Length otherwise, and by check(file, url) when given (input_data's
    maybe_download checks the four MNIST files' gzip and IDX structure). A
    failure, or a stall (see STALL_SECONDS), tries the next mirror; when all
    fail, DownloadError lists each URL and why, and the directories this call
    created are removed again. Something other than a
    readable file under that name, or a directory that cannot be read or
    written, raises DataFileError. Existing files are checked when they are read.
    """
    check_data_dir(work_directory)
    path = os.path.join(work_directory, filename)
    if data_file_exists(path):
        return path
    created = _make_dirs(work_directory)
    try:
        _download_from_mirrors(filename, path, source_url, check)
    except BaseException:
        _remove_dirs(created)  # a mistyped --data_dir leaves no tree behind
        raise
    return path


def _download_from_mirrors(filename, path, source_url, check):
    """Downloads filename into path from the first source that delivers it; DownloadError if none."""
    bases, checked = sources(source_url)
    expected = MNIST_FILES.get(filename) if checked else None
    failures = []
    for i, base in enumerate(bases):
        url = base + filename
        try:
            _download(url, path, expected, check)
            return
        except DownloadError as e:
            failures.append('%s: %s' % (url, e))
            if i + 1 < len(bases):
                print('Giving up on %s: %s. Trying the next mirror.' % (url, e), file=sys.stderr)
    directory = os.path.dirname(path) or '.'
    raise DownloadError('Could not download %s into %s (%s). Without internet access, put the four '
                        'files (%s), gzipped or not, in %s by hand.'
                        % (filename, directory, '; '.join(failures), ', '.join(FILE_NAMES), directory))
