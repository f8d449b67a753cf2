/*
 * The benchmark's probe: installed in every document of the benchmark's browser before the page's own
 * scripts run (Playwright's addInitScript). It only observes what a visitor could see, through Natter's
 * public surfaces — the widget's open shadow root under [data-natter-widget], its [data-testid="message"]
 * items, the launcher button, `window.Natter` and its events — so it keeps working while the widget's
 * insides change. It reports to Node through the `__benchReport` binding (no polling of the page).
 *
 * What it measures, in the page's own clock (ms since navigation start):
 * - `watch(name, kind, arg)`: the first animation frame in which something is on screen (a message with
 *   the given text, a clickable launcher, the blank fixture having run), and the moment just after that
 *   frame was painted (a task posted from the frame's rAF runs after its paint);
 * - the arrival of every WebSocket frame (a listener added before the page's own), for "frame arrived";
 * - long tasks (PerformanceObserver), as a cross-check of the trace;
 * - Natter's `ready`, `message` and `status` events, when the page asks (`listen`).
 * Every time it reports is also a `performance.mark`, so Node can line it up with the trace.
 */
(() => {
  if (window.top !== window) return;
  const id = Math.random().toString(36).slice(2);
  const anchor = performance.mark(`bench:anchor:${id}`);
  const report = (name, payload) => {
    try {
      window.__benchReport?.(name, payload);
    } catch {
      // the binding is missing on pages not made by the benchmark
    }
  };
  const bench = {
    id,
    anchorName: anchor.name,
    anchorTime: anchor.startTime,
    results: {},
    /** WebSocket frames received: [time, length]. */
    frames: [],
    /** Called with (time, event) for each WebSocket frame, before the page's own handler. */
    onFrame: undefined,
    longtasks: [],
    /** Pointer presses (event.timeStamp): when a click began, as the browser saw it. */
    clicks: [],
    events: { ready: [], message: 0, lastMessage: undefined, status: [] },
    watch,
    onScreen,
  };
  window.__bench = bench;

  addEventListener('pointerdown', (event) => bench.clicks.push(event.timeStamp), true);

  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longtasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no Long Tasks API
  }

  const Native = window.WebSocket;
  if (Native) {
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => {
          const t = performance.now();
          bench.frames.push([t, typeof event.data === 'string' ? event.data.length : 0]);
          bench.onFrame?.(t, event);
        });
      }
    };
  }

  let config = {};
  try {
    const match = /[#&]bench=([^&]*)/.exec(location.hash);
    if (match) config = JSON.parse(decodeURIComponent(match[1]));
  } catch {
    config = {};
  }
  if (config.listen) {
    // Natter's events, listened to the way a page script would: right after the script tag has defined
    // `window.Natter` (a microtask later, so the script's own start-up decisions see no call of ours).
    let api;
    let listening = false;
    const listen = (natter) => {
      natter.on('ready', () => {
        bench.events.ready.push(performance.now());
        report('ready', { t: performance.now() });
      });
      natter.on('message', (message) => {
        bench.events.message++;
        bench.events.lastMessage = message && message.text;
      });
      natter.on('status', (message) => {
        const t = performance.now();
        bench.events.status.push([t, message.key, message.status]);
        bench.onStatus?.(t, message);
        report(`status:${message.status}`, { t, key: message.key });
      });
    };
    Object.defineProperty(window, 'Natter', {
      configurable: true,
      enumerable: true,
      get: () => api,
      set(value) {
        api = value;
        if (listening || !value || typeof value.on !== 'function') return;
        listening = true;
        queueMicrotask(() => listen(value));
      },
    });
  }

  // ---- "on screen" ---------------------------------------------------------------------------------

  const watchers = new Set();
  const observed = new WeakSet();
  let dirty = true;
  let frame = 0;
  let looping = false;
  const touch = () => {
    dirty = true;
  };
  const mutations = new MutationObserver(touch);

  /** The open shadow roots of the widgets on the page (Natter's, or the benchmark's plain Preact one). */
  function roots() {
    const found = [];
    for (const host of document.querySelectorAll('[data-natter-widget], [data-bench-widget]')) {
      const root = host.shadowRoot;
      if (!root) continue;
      if (!observed.has(root)) {
        observed.add(root);
        mutations.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
        root.addEventListener('scroll', touch, true);
        dirty = true;
      }
      found.push(root);
    }
    return found;
  }

  /** Whether `el` is painted in the viewport and not covered: the middle of its visible part hits it. */
  function onScreen(root, el) {
    const r = el.getBoundingClientRect();
    const left = Math.max(r.left, 0);
    const right = Math.min(r.right, innerWidth);
    const top = Math.max(r.top, 0);
    const bottom = Math.min(r.bottom, innerHeight);
    if (right - left < 1 || bottom - top < 1) return false;
    const hit = root.elementFromPoint((left + right) / 2, (top + bottom) / 2);
    return !!hit && (hit === el || el.contains(hit));
  }

  const checks = {
    /** The message whose text contains `text`, on screen. A log lists oldest first: the newest is near the end. */
    message(text) {
      for (const root of roots()) {
        const items = root.querySelectorAll('[data-testid="message"]');
        for (let i = items.length - 1, n = 0; i >= 0 && n < 50; i--, n++) {
          const el = items[i];
          if (el.textContent.includes(text)) return onScreen(root, el) ? el : undefined;
        }
      }
      return undefined;
    },
    /** The launcher: a button that opens a panel (aria-expanded), outside the panel, on screen. */
    launcher() {
      for (const root of roots()) {
        for (const button of root.querySelectorAll('button[aria-expanded]')) {
          if (!button.closest('[role="dialog"]') && onScreen(root, button)) return button;
        }
      }
      return undefined;
    },
    /** The blank fixture's script has run. */
    blank() {
      return window.__benchBlank === true ? document.documentElement : undefined;
    },
  };

  function afterPaint(fn) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      fn();
    };
    channel.port2.postMessage(0);
  }

  function loop() {
    if (looping) return;
    looping = true;
    requestAnimationFrame(function tick() {
      frame++;
      if (dirty || frame % 10 === 0) {
        dirty = false;
        for (const watcher of [...watchers]) {
          let found;
          try {
            found = watcher.check();
          } catch {
            found = undefined;
          }
          if (!found) continue;
          watchers.delete(watcher);
          const seen = performance.now();
          const rect = found.getBoundingClientRect();
          afterPaint(() => watcher.done(seen, performance.now(), rect));
        }
      }
      if (watchers.size) requestAnimationFrame(tick);
      else looping = false;
    });
  }

  /**
   * Reports `name` once `kind` (with `arg`) is on screen: { seen, painted, x, y } in ms since navigation
   * start, with the middle of the element (for a click).
   */
  function watch(name, kind, arg) {
    const check = checks[kind];
    if (!check) throw new Error(`unknown watch kind ${kind}`);
    return new Promise((resolve) => {
      watchers.add({
        check: () => check(arg),
        done(seen, painted, rect) {
          performance.mark(`bench:${name}:${id}`);
          const result = { seen, painted, x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
          bench.results[name] = result;
          report(name, result);
          resolve(result);
        },
      });
      dirty = true;
      loop();
    });
  }

  for (const [name, kind, arg] of config.watch ?? []) void watch(name, kind, arg);
  // Rendered before the widget's host went into the page: look again when the document changes.
  new MutationObserver(touch).observe(document, { childList: true, subtree: true });
})();
