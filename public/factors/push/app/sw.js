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

// The message (decrypted by the browser) names the request and the application, never the number.
self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    // Not ours to read: still say something arrived.
  }
  const who = message.clientName ? `${message.clientName} (${message.issuer || 'Twofold'})` : 'An application';
  event.waitUntil(self.registration.showNotification('Sign-in request', {
    body: `${who} is asking you to approve a sign-in. Open the Authenticator and enter the number shown.`,
    icon: '/public/factors/push/icon.svg', tag: message.id || 'twofold-request',
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((windows) => (windows[0] ? windows[0].focus() : self.clients.openWindow('/authenticator'))));
});
