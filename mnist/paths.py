"""Checks of the directories a script writes into, made before any slow work starts.

Imports no TensorFlow.
"""
import errno
import os
import shutil
import tempfile

from mnist import platforms

# Files take whole blocks of their file system; 4 KiB is the usual block of ext4, APFS, NTFS and
# tmpfs. writable_dir writes one; TrainingRun.start asks for the room its checkpoints need.
BLOCK_BYTES = 4096


class PathError(OSError):
    """A directory flag that cannot be used; the message names the flag and the path."""


def writable_dir(path, flag):
    """Creates `path` if needed and checks that a block can be written in it; returns it.

    Raises PathError naming `flag` (e.g. '--log_dir') when the path is empty,
    holds a character this system's file names cannot (Windows: * ? " < > |),
    is a file, cannot be created, is not writable (permissions, or a
    read-only file system) or is full (check_room asks for more). Writing a
    probe file is the only reliable check: os.access says yes to root on a
    directory without write permission.
    """
    if not path:
        raise PathError('%s is empty: expected a directory path.' % flag)
    character = platforms.forbidden_character(path)
    if character:
        raise PathError('%s %s: Windows does not allow %r in file names.' % (flag, path, character))
    if os.path.lexists(path) and not os.path.isdir(path):
        what = 'a dangling symbolic link' if os.path.islink(path) else 'a file'
        raise PathError('%s %s is %s, not a directory.' % (flag, path, what))
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path) as probe:
            probe.write(bytes(BLOCK_BYTES))
            probe.flush()
            os.fsync(probe.fileno())  # where space is allocated late, a full disk shows here
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise PathError('%s %s is full: %s. Free some space or choose another %s.'
                            % (flag, path, e.strerror, flag)) from None
        raise PathError('%s %s is not a writable directory: %s.' % (flag, path, e.strerror or e)) from None
    return path


def on_disk(size):
    """The bytes a file of `size` bytes takes: whole blocks."""
    return -(-size // BLOCK_BYTES) * BLOCK_BYTES


def check_room(path, flag, needed, what):
    """Raises PathError naming `flag`, the room `needed` (bytes, for `what`) and the room free."""
    free = shutil.disk_usage(path).free
    if free < needed:
        raise PathError('%s %s has %d KiB free; this run needs %d KiB (%s). Free some space or '
                        'choose another %s.' % (flag, path, free // 1024, -(-needed // 1024), what, flag))
