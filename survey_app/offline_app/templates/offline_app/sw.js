/*
 * The offline app's service worker (served by offline_app/views.py at /app/sw.js, scope /app/), version {{ version }}.
 * Workbox (vendored, static/{{ workbox_dir }}) precaches the app shell and its files under their content-hashed
 * URLs and answers them from the cache, network or not. A new version of any file is a new worker: it installs
 * beside the old one, takes over at once and removes the precache entries no longer listed. Households, drafts and
 * the outbox are in IndexedDB, never in these caches, so an update leaves them as they are. Nothing else is
 * cached here: the API (package, definitions, sync) is the page's business (docs/offline.md).
 */
importScripts("{{ workbox_sw }}");
workbox.setConfig({ modulePathPrefix: "{{ workbox_dir }}", debug: false });
workbox.core.setCacheNameDetails({ prefix: "khao-sat", precache: "shell" });
workbox.core.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ entries|tojson }});
