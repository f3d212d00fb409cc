// The till's service worker (scope /pos/): a till reloaded while the network is down still opens.
// The till page tells it what to keep (the page itself and its scripts and styles); they come
// from the network first and from this cache only when the network fails, so a till that is
// online always gets the current version. Everything else (lookups, sales, prices) goes to the
// network untouched: the till's own offline queue handles sales.
"use strict";

var CACHE = "storeos-pos-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

// {keep: [url, …]} from the till page: the page and what it loaded.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok) return cache.put(url, response);
      }).catch(function () { /* offline now: kept from an earlier visit, if any */ });
    }));
  }));
});

function fromNetwork(request) {
  return fetch(request).then(function (response) {
    if (response.ok && request.method === "GET") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  var tillPage = request.mode === "navigate" && url.pathname === new URL(self.registration.scope).pathname;
  if (tillPage || url.pathname.indexOf("/static/") === 0) {
    // Static files keep their names across versions: the network first here too, never stale.
    event.respondWith(fromNetwork(request).catch(function () {
      // The page varies by cookie and language, which a request made offline cannot match.
      return caches.match(request, { ignoreSearch: tillPage, ignoreVary: true });
    }));
  }
});
