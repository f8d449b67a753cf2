// The demo shop's own service worker (not part of Natter). On a real site the shop and its chat backend are
// different servers; in the demo one server is both. This worker keeps a copy of the shop page and the widget
// script, so that when the demo server is stopped the shop still opens — and the widget shows the whole
// conversation from the browser's storage, as it would with a real shop whose chat backend is down.
const CACHE = 'natter-demo-shop-v1';
const KEPT = ['/', '/natter.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(KEPT)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Network first, so the shop and the widget are always fresh while the server runs; the copy only when not.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !KEPT.includes(url.pathname)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(url.pathname, copy)));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname).then((cached) => cached ?? Response.error())),
  );
});
