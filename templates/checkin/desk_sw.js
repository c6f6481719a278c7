// The desk's service worker (conference.checkin.worker): the desk page opens with no network.
// It keeps the page and its files, nothing else: API answers, the live stream and every other
// page go to the network untouched, so nothing stale is ever shown as current.
const VERSION = {{ worker.version|tojson }};
const SCOPE = {{ worker.scope|tojson }};
const ASSETS = {{ worker.assets|list|tojson }};
// One cache per desk page and version: another event's desk keeps its own.
const PREFIX = `conference-desk:${SCOPE}:`;
const CACHE = PREFIX + VERSION;
// The page is asked of the network first; past this, the kept copy is shown.
const PAGE_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // "reload": the files themselves, never a copy from the browser's HTTP cache.
    await cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" })));
    try {
      await keepPage(cache, await fetch(new Request(SCOPE, { cache: "reload", credentials: "same-origin" })));
    } catch (error) {
      /* the page is kept on its next visit */
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // This desk's older versions go.
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// Only the desk page itself, signed in (not a redirect to the login page), is kept.
async function keepPage(cache, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    await cache.put(SCOPE, response.clone());
  }
  return response;
}

async function page(request) {
  const cache = await caches.open(CACHE);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PAGE_TIMEOUT_MS);
  try {
    return await keepPage(cache, await fetch(request, { signal: controller.signal }));
  } catch (error) {
    const kept = await cache.match(SCOPE);
    if (kept) return kept;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SCOPE) {
    event.respondWith(page(request));
  } else if (ASSETS.includes(url.pathname)) {
    // Kept files first: they change only with a new version of this worker.
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((kept) => kept || fetch(request)));
  }
});
