// The web authenticator's service worker: keeps the app's shell for opening offline (requests
// need the network anyway), and shows a notification when a Web Push message arrives.
const shell = ['/authenticator', '/authenticator/app.js', '/authenticator/manifest.webmanifest', '/public/twofold.css', '/public/factors/push/icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open('twofold-authenticator-v1').then((cache) => cache.addAll(shell)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Network first, so an update is seen at once; the cache only when offline. The API is never cached.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/authenticator/api/')) return;
  event.respondWith(fetch(event.request).catch(() => caches.match(event.request)));
});

self.addEventListener('push', (event) => {
  event.waitUntil(self.registration.showNotification('Sign-in request', {
    body: 'Open the Authenticator to approve or deny it.', icon: '/public/factors/push/icon.svg', tag: 'twofold-request',
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((windows) => (windows[0] ? windows[0].focus() : self.clients.openWindow('/authenticator'))));
});
