"""TensorBoard in a real browser: start it on a log_dir, open a dashboard in headless Chromium, take a PNG.

`screenshot(log_dir, path)` is scripts/tensorboard_screenshot.py and the
browser test. It starts `tensorboard --logdir LOG_DIR --host 127.0.0.1` on a
free port and Debian's Chromium (/usr/bin/chromium) headless, drives
Chromium through the DevTools protocol (the websocket-client package, in the
`test` and `browser` extras), waits until a tag's chart is rendered, saves a
screenshot and stops both processes by their ids, on failure too.

Nothing leaves 127.0.0.1: TensorBoard listens there, and Chromium resolves
no host name and sends anything that is not loopback to a closed proxy. The
URL of every request the page makes is returned, so a caller can check.
"""
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from mnist import platforms

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_FLAGS = (
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    # Keep every connection on this machine: no DNS, and non-loopback traffic to
    # a closed port (Chromium never sends loopback through a proxy).
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--proxy-server=127.0.0.1:9',
)
START_SECONDS = 60    # for TensorBoard (it imports TensorFlow) and Chromium to answer
RENDER_SECONDS = 60   # for the dashboard to show the tag


class BrowserError(Exception):
    """Chromium, websocket-client or TensorBoard is missing or failed; the message says which."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _start(command, log_path):
    """Starts command in its own process group (so its children can be stopped with it)."""
    log = open(log_path, 'wb')
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                **platforms.own_process_group())
    finally:
        log.close()


def stop(process, seconds=10):
    """Stops a process started by _start, and whatever it left in its process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(seconds)
    platforms.kill_group(process)


def _wait(condition, seconds, what, process=None, log_path=None):
    """Polls condition() until it returns something true; BrowserError after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BrowserError('%s exited with code %d before %s.%s'
                               % (process.args[0], process.returncode, what, _tail(log_path)))
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    raise BrowserError('Gave up after %d s waiting for %s.%s' % (seconds, what, _tail(log_path)))


def _tail(log_path, lines=5):
    if not log_path or not os.path.exists(log_path):
        return ''
    with open(log_path, errors='replace') as f:
        return ' Its log ends:\n' + ''.join(f.readlines()[-lines:])


def start_tensorboard(log_dir, port, log_path):
    """Starts TensorBoard on 127.0.0.1:port and returns the process once it answers."""
    command = [sys.executable, '-m', 'tensorboard.main', '--logdir', log_dir,
               '--host', '127.0.0.1', '--port', str(port)]
    process = _start(command, log_path)

    def answers():
        try:
            with urllib.request.urlopen('http://127.0.0.1:%d/data/plugins_listing' % port, timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            return False
    try:
        _wait(answers, START_SECONDS, 'TensorBoard to answer on port %d' % port, process, log_path)
    except BaseException:
        stop(process)
        raise
    return process


def start_chromium(user_data_dir, log_path):
    """Starts headless Chromium, DevTools on a port it picks; returns (process, browser websocket URL)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise BrowserError('%s not found: install Debian\'s chromium (apt-get install -y chromium).'
                           % CHROMIUM)
    command = [CHROMIUM, *CHROMIUM_FLAGS, '--user-data-dir=' + user_data_dir,
               '--remote-debugging-port=0', 'about:blank']
    process = _start(command, log_path)
    active_port = os.path.join(user_data_dir, 'DevToolsActivePort')

    def devtools_url():
        # Chromium writes "<port>\n<browser target path>" here once DevTools listens.
        with contextlib.suppress(OSError):
            with open(active_port) as f:
                lines = f.read().split()
            if len(lines) == 2:
                return 'ws://127.0.0.1:%s%s' % tuple(lines)
        return None
    try:
        return process, _wait(devtools_url, START_SECONDS, 'Chromium\'s DevTools port', process,
                              log_path)
    except BaseException:
        stop(process)
        raise


class DevTools:
    """One DevTools protocol connection to a browser, attached to one new page."""

    def __init__(self, browser_url, seconds=30):
        try:
            import websocket
        except ImportError:
            raise BrowserError('websocket-client is not installed, and it drives Chromium: '
                               'pip install -e ".[browser]" (or pip install websocket-client).') from None
        # No Origin header: Chromium refuses websocket clients from other origins.
        self._socket = websocket.create_connection(browser_url, timeout=seconds, suppress_origin=True)
        self._next_id = 0
        self.events = []
        target = self.call('Target.createTarget', url='about:blank')['targetId']
        self._session = self.call('Target.attachToTarget', targetId=target, flatten=True)['sessionId']

    def call(self, method, **params):
        """Sends one command (to the page, once attached) and returns its result; keeps the events."""
        self._next_id += 1
        message = {'id': self._next_id, 'method': method, 'params': params}
        if getattr(self, '_session', None):
            message['sessionId'] = self._session
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv())
            if reply.get('id') == self._next_id:
                if 'error' in reply:
                    raise BrowserError('DevTools %s failed: %s' % (method, reply['error']))
                return reply.get('result', {})
            if 'method' in reply:
                self.events.append(reply)

    def evaluate(self, expression):
        """The JSON value of a JavaScript expression in the page."""
        result = self.call('Runtime.evaluate', expression=expression, returnByValue=True)
        return result.get('result', {}).get('value')

    def close(self):
        self._socket.close()


# The texts of the page's leaf elements, shadow DOMs included (the dashboards are
# Polymer elements), and how many curves (paths in a chart-sized SVG) and images are drawn.
_PAGE_STATE = '''(() => {
  const texts = []; let drawn = 0;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.children.length === 0 && !['STYLE', 'SCRIPT'].includes(el.tagName)
          && el.textContent.trim()) texts.push(el.textContent.trim());
      if ((el.tagName === 'path' && el.getTotalLength && el.getTotalLength() > 0
           && el.closest('svg') && el.closest('svg').getBoundingClientRect().width > 100)
          || (el.tagName === 'IMG' && el.naturalWidth > 0)) drawn += 1;
    }
  };
  walk(document);
  return {texts: texts, drawn: drawn};
})()'''


@contextlib.contextmanager
def _browser(log_dir, fragment, width, height, work_dir, wait_for_plugin=None):
    """Starts TensorBoard on log_dir, and headless Chromium on its #fragment; yields (DevTools, url, process).

    With wait_for_plugin, waits until TensorBoard says that plugin is active
    before opening the page (the page asks only once). Stops both on exit.
    """
    if not os.path.isdir(log_dir):
        raise BrowserError('%s is not a directory: expected the --log_dir of a training run.' % log_dir)
    work_dir = work_dir or tempfile.mkdtemp(prefix='tensorboard-screenshot-')
    port = free_port()
    url = 'http://127.0.0.1:%d/#%s' % (port, fragment)
    tensorboard = start_tensorboard(log_dir, port, os.path.join(work_dir, 'tensorboard.log'))
    chromium = devtools = None
    try:
        if wait_for_plugin:
            def active():
                with urllib.request.urlopen('http://127.0.0.1:%d/data/plugins_listing' % port,
                                            timeout=10) as response:
                    return json.load(response).get(wait_for_plugin, {}).get('enabled')
            _wait(active, RENDER_SECONDS, 'TensorBoard\'s %s plugin to find something to show in %s'
                  % (wait_for_plugin, log_dir), tensorboard)
        chromium, browser_url = start_chromium(os.path.join(work_dir, 'chromium-profile'),
                                               os.path.join(work_dir, 'chromium.log'))
        devtools = DevTools(browser_url)
        devtools.call('Network.enable')
        devtools.call('Emulation.setDeviceMetricsOverride', width=width, height=height,
                      deviceScaleFactor=1, mobile=False)
        devtools.call('Page.navigate', url=url)
        yield devtools, url, tensorboard
    finally:
        if devtools is not None:
            devtools.close()
        if chromium is not None:
            stop(chromium)
        stop(tensorboard)
        shutil.rmtree(os.path.join(work_dir, 'chromium-profile'), ignore_errors=True)


def _save_screenshot(devtools, path):
    """Writes the page as a PNG at path; returns every URL the page requested."""
    image = devtools.call('Page.captureScreenshot', format='png')['data']
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(base64.b64decode(image))
    return [event['params']['request']['url'] for event in devtools.events
            if event['method'] == 'Network.requestWillBeSent']


def screenshot(log_dir, path, tag='loss', dashboard='scalars', tag_filter=None, width=1280,
               height=800, work_dir=None):
    """Opens TensorBoard's dashboard on log_dir, waits until `tag` and its chart show, saves a PNG at path.

    Returns {'path', 'url', 'requests': every URL the page requested,
    'texts': the page's texts}. Raises BrowserError when something is
    missing or the tag does not show within RENDER_SECONDS.
    """
    fragment = dashboard
    if tag_filter:
        fragment += '&tagFilter=' + urllib.parse.quote(tag_filter)
    with _browser(log_dir, fragment, width, height, work_dir) as (devtools, url, tensorboard):
        def rendered():
            state = devtools.evaluate(_PAGE_STATE) or {}
            return state if tag in state.get('texts', ()) and state.get('drawn') else None
        state = _wait(rendered, RENDER_SECONDS, 'the %r chart in %s' % (tag, url), tensorboard)
        time.sleep(1.0)  # let the charts finish their transitions
        requests = _save_screenshot(devtools, path)
    return {'path': path, 'url': url, 'requests': requests, 'texts': state['texts']}


# One step towards showing `run`'s `tensor` coloured by `color`, in the projector (an iframe
# in an iframe of the page): it makes the next choice the data panel needs and returns
# null, or, once all is shown, what the projector holds.
_PROJECTOR_STEP = '''((run, tensor, color) => {
  const find = (root, tag) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === tag) return el;
      const inside = el.shadowRoot && find(el.shadowRoot, tag);
      if (inside) return inside;
    }
    return null;
  };
  const outer = find(document, 'IFRAME');
  const inner = outer && outer.contentDocument && outer.contentDocument.querySelector('iframe');
  const doc = inner && inner.contentDocument;
  const projector = doc && find(doc, 'VZ-PROJECTOR');
  const panel = doc && find(doc, 'VZ-PROJECTOR-DATA-PANEL');
  if (!projector || !panel || !panel.selectedRun || !panel.projectorConfig) return null;
  if (panel.selectedRun !== run) { panel.selectedRun = run; return null; }
  const embedding = panel.projectorConfig.embeddings.find(e => e.tensorName === tensor);
  if (!embedding) return null;
  if (panel.selectedTensor !== tensor) { panel.selectedTensor = tensor; return null; }
  const data = projector.dataSet;
  const info = data && data.spriteAndMetadataInfo;
  if (!data || data.dim[0] !== embedding.tensorShape[0] || data.dim[1] !== embedding.tensorShape[1]
      || !info || !info.spriteImage || !info.spriteImage.complete) return null;
  if (!(panel.colorOptions || []).some(option => option.name === color)) return null;
  if (panel.selectedColorOptionName !== color) { panel.selectedColorOptionName = color; return null; }
  const box = (el) => el.getBoundingClientRect();
  const canvas = find(doc, 'CANVAS');
  const [o, i, c] = [box(outer), box(inner), box(canvas)];
  return {run: panel.selectedRun, tensor: panel.selectedTensor, color: panel.selectedColorOptionName,
          shape: data.dim, metadata: data.points.map(point => point.metadata),
          sprite: [info.spriteImage.naturalWidth, info.spriteImage.naturalHeight],
          canvas: [o.left + i.left + c.left, o.top + i.top + c.top, c.width, c.height]};
})(%s)'''


def projector_screenshot(log_dir, path, run, tensor, color_by='label', width=1280, height=800,
                         work_dir=None):
    """Opens TensorBoard's Projector tab on log_dir, shows `run`'s embedding `tensor` coloured by the
    metadata column `color_by`, and saves a PNG at path.

    Returns {'path', 'url', 'requests', 'run', 'tensor', 'color', 'shape': the
    points and dimensions shown, 'metadata': each point's metadata, 'sprite':
    the sprite image's size, 'canvas': [left, top, width, height] of the
    points' canvas in the PNG}. Raises BrowserError when something is missing
    or the embedding does not show within RENDER_SECONDS.
    """
    step = _PROJECTOR_STEP % json.dumps([run, tensor, color_by])[1:-1]
    with _browser(log_dir, 'projector', width, height, work_dir, 'projector') as (devtools, url,
                                                                                  tensorboard):
        state = _wait(lambda: devtools.evaluate(step), RENDER_SECONDS,
                      'the projector to show %s of run %s coloured by %s in %s'
                      % (tensor, run, color_by, url), tensorboard)
        time.sleep(2.0)  # let the points settle where PCA puts them
        state['requests'] = _save_screenshot(devtools, path)
    state.update(path=path, url=url)
    return state
