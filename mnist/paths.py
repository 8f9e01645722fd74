"""Checks of the directories a script writes into, made before any slow work starts.

Imports no TensorFlow.
"""
import errno
import os
import tempfile

from mnist import platforms

# writable_dir writes this much (then deletes it), so that a full disk stops a run at its start
# rather than at its events file: the graph the tutorial scripts write first is 36 to 171 KB.
ROOM_BYTES = 1 << 20


class PathError(OSError):
    """A directory flag that cannot be used; the message names the flag and the path."""


def writable_dir(path, flag):
    """Creates `path` if needed and checks that ROOM_BYTES can be written in it; returns it.

    Raises PathError naming `flag` (e.g. '--log_dir') when the path is empty,
    holds a character this system's file names cannot (Windows: * ? " < > |),
    is a file, cannot be created, is not writable (permissions, or a
    read-only file system) or is full. Writing a probe file is the only reliable check:
    os.access says yes to root on a directory without write permission.
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
            probe.write(bytes(ROOM_BYTES))
            probe.flush()
            os.fsync(probe.fileno())  # where space is allocated late, a full disk shows here
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise PathError('%s %s has no room for %d KiB: %s. Free some space or choose another %s.'
                            % (flag, path, ROOM_BYTES // 1024, e.strerror, flag)) from None
        raise PathError('%s %s is not a writable directory: %s.' % (flag, path, e.strerror or e)) from None
    return path
