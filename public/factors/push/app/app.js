// The web authenticator: accounts bound to P-256 keys made here with WebCrypto (not
// extractable, kept in IndexedDB; the server gets only the public key), sign-in requests
// received over an event stream and answered with a signature, and rolling verification codes.
// The signed texts are those of src/factors/push/protocol.ts.
(() => {
  const $ = (id) => document.getElementById(id);
  const supported = window.isSecureContext && window.crypto?.subtle && window.indexedDB;
  if (!supported) {
    $('unsupported').hidden = false;
    return;
  }

  // ---- Storage: one IndexedDB object store of accounts, keyed by device id.
  const openDb = () => new Promise((resolve, reject) => {
    const request = indexedDB.open('twofold-authenticator', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('accounts', { keyPath: 'deviceId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = async (mode, run) => {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction('accounts', mode);
      const result = run(transaction.objectStore('accounts'));
      transaction.oncomplete = () => resolve(result.result);
      transaction.onerror = () => reject(transaction.error);
    });
  };
  const allAccounts = () => tx('readonly', (store) => store.getAll());
  const saveAccount = (account) => tx('readwrite', (store) => store.put(account));
  const removeAccount = (deviceId) => tx('readwrite', (store) => store.delete(deviceId));

  // ---- Crypto.
  const encoder = new TextEncoder();
  const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const signText = async (key, text) => b64url(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, encoder.encode(text)));
  const normalizeCode = (code) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

  const base32 = (text) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const char of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
    const bytes = new Uint8Array(Math.floor(bits.length / 8));
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
    return bytes;
  };
  const totp = async ({ secret, digits, period }, at = Date.now()) => {
    const key = await crypto.subtle.importKey('raw', base32(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const counter = new DataView(new ArrayBuffer(8));
    counter.setBigUint64(0, BigInt(Math.floor(at / 1000 / period)));
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter.buffer));
    const offset = mac[mac.length - 1] & 0xf;
    const value = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
    return String(value % 10 ** digits).padStart(digits, '0');
  };

  // ---- Talking to the server.
  const signedUrl = async (account, path) => {
    const ts = Date.now();
    const sig = await signText(account.privateKey, `twofold-read\n${account.deviceId}\n${path}\n${ts}`);
    return `${path}?${new URLSearchParams({ device: account.deviceId, ts: String(ts), sig })}`;
  };
  const postJson = async (path, body) => {
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(json.message || `The server answered ${response.status}.`), { status: response.status });
    return json;
  };

  async function activate(code, name) {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const signature = await signText(pair.privateKey, `twofold-activate\n${normalizeCode(code)}`);
    const result = await postJson('/authenticator/api/activate', { code, name, publicKey: { kty, crv, x, y }, signature });
    const account = { deviceId: result.deviceId, account: result.account, issuer: result.issuer, name, privateKey: pair.privateKey, totp: result.totp, addedAt: Date.now() };
    await saveAccount(account);
    return { account, confirmation: result.confirmation };
  }

  // ---- Requests.
  const shown = new Map();
  function renderRequest(account, request) {
    if (shown.has(request.id) || request.expiresAt <= Date.now()) return;
    const node = $('request-template').content.firstElementChild.cloneNode(true);
    node.id = `request-${request.id}`;
    node.querySelector('.request-title').textContent = `Sign in to ${request.clientName || 'an application'} as ${account.account}?`;
    node.querySelector('.request-app').textContent = request.clientName || 'Unknown application';
    node.querySelector('.request-ip').textContent = [request.ip, request.location].filter(Boolean).join(', ') || 'Unknown';
    node.querySelector('.request-browser').textContent = request.userAgent || 'Unknown';
    node.querySelector('.request-time').textContent = new Date(request.createdAt).toLocaleTimeString();
    const input = node.querySelector('.request-number');
    input.id = `number-${request.id}`;
    node.querySelector('.request-number-label').htmlFor = input.id;
    const done = (text) => {
      node.querySelector('.request-form').replaceWith(Object.assign(document.createElement('p'), { className: 'banner notice', textContent: text }));
      setTimeout(() => { node.remove(); shown.delete(request.id); refreshRequestsHeading(); }, 4000);
    };
    const send = async (decision) => {
      const number = decision === 'approve' ? input.value.trim() : '';
      try {
        const signature = await signText(account.privateKey, `twofold-answer\n${request.id}\n${decision}\n${number}`);
        const { status } = await postJson(`/authenticator/api/requests/${request.id}/answer`, { device: account.deviceId, decision, number, signature });
        done({ approved: 'Approved.', denied: 'Denied.', fraud: 'Denied and reported. Your administrator has been told.', wrong_number: 'That was not the number shown, so the sign-in was denied.' }[status] || status);
      } catch (error) {
        done(error.message);
      }
    };
    node.querySelector('.request-form').addEventListener('submit', (event) => { event.preventDefault(); send('approve'); });
    node.querySelector('.request-deny').addEventListener('click', () => send('deny'));
    node.querySelector('.request-fraud').addEventListener('click', () => send('fraud'));
    shown.set(request.id, node);
    $('request-list').append(node);
    refreshRequestsHeading();
    setTimeout(() => { if (node.isConnected && node.querySelector('.request-form')) done('This request expired.'); }, request.expiresAt - Date.now());
    input.focus();
  }
  const refreshRequestsHeading = () => { $('requests').hidden = shown.size === 0; };

  // Pending requests when the app opens, then the event stream while it is open. A stream's
  // signature carries a time, so a dropped stream is reopened with a fresh one.
  // A device just added is refused until the setup page takes its confirmation code: keep
  // asking meanwhile. One refused after it worked was removed from the account.
  const streams = new Map();
  async function watch(account, confirmed = false) {
    try {
      const response = await fetch(await signedUrl(account, '/authenticator/api/requests'), { headers: { accept: 'application/json' } });
      if (response.status === 401) {
        if (confirmed) return markRevoked(account);
        setState(account, 'Waiting for the setup page to take the confirmation code…');
        return setTimeout(() => watch(account), 2000);
      }
      setState(account, `On this device as "${account.name}".`);
      (await response.json()).requests.forEach((request) => renderRequest(account, request));
    } catch {
      // Offline: the stream below retries.
    }
    const open = async () => {
      const source = new EventSource(await signedUrl(account, '/authenticator/api/stream'));
      streams.set(account.deviceId, source);
      source.addEventListener('request', (event) => renderRequest(account, JSON.parse(event.data)));
      source.onerror = () => {
        source.close();
        streams.delete(account.deviceId);
        // Reopened with a fresh signature, unless the device was removed meanwhile.
        setTimeout(() => watch(account, true), 3000);
      };
    };
    if (!streams.has(account.deviceId)) open();
  }
  function setState(account, text) {
    const item = document.querySelector(`[data-device="${account.deviceId}"] .account-state`);
    if (item) item.textContent = text;
  }
  const markRevoked = (account) => setState(account, 'This device was removed from the account. Remove it here too.');

  // ---- Accounts and their codes.
  async function renderAccounts() {
    const accounts = await allAccounts();
    $('no-accounts').hidden = accounts.length > 0;
    const list = $('account-list');
    list.replaceChildren();
    for (const account of accounts) {
      const item = document.createElement('li');
      item.dataset.device = account.deviceId;
      const title = Object.assign(document.createElement('strong'), { textContent: `${account.account} · ${account.issuer}` });
      const code = Object.assign(document.createElement('p'), { className: 'secret account-code' });
      code.setAttribute('aria-label', `Verification code for ${account.account}`);
      const state = Object.assign(document.createElement('p'), { className: 'detail account-state', textContent: `On this device as "${account.name}".` });
      const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'link', textContent: `Remove ${account.account} from this app` });
      remove.addEventListener('click', async () => {
        await removeAccount(account.deviceId);
        streams.get(account.deviceId)?.close();
        renderAccounts();
      });
      item.append(title, code, state, remove);
      list.append(item);
      if (!account.totp) code.hidden = true;
    }
    return accounts;
  }
  async function tickCodes() {
    for (const account of await allAccounts()) {
      const node = document.querySelector(`[data-device="${account.deviceId}"] .account-code`);
      if (node && account.totp) node.textContent = (await totp(account.totp)).replace(/^(\d{3})/, '$1 ');
    }
  }

  // ---- Adding an account: a pasted link, a typed code, the link the QR code opened, or the camera.
  const codeFrom = (text) => {
    const match = /[#&]activate=([A-Za-z0-9-]+)/.exec(text);
    return match ? match[1] : text.trim();
  };
  $('device-name').value = /Android|iPhone|iPad/.exec(navigator.userAgent)?.[0] ?? 'This browser';
  $('add-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('add-result');
    result.className = '';
    result.textContent = 'Adding…';
    try {
      const { account, confirmation } = await activate(codeFrom($('activation').value), $('device-name').value.trim());
      result.className = 'banner notice';
      result.textContent = `Added ${account.account} at ${account.issuer}. Enter this confirmation code on the setup page: ${confirmation}`;
      result.dataset.confirmation = confirmation;
      $('activation').value = '';
      history.replaceState(null, '', '/authenticator');
      await renderAccounts();
      watch(account);
      tickCodes();
    } catch (error) {
      result.className = 'banner error';
      result.textContent = error.message;
    }
  });
  if (location.hash.includes('activate=')) {
    $('activation').value = codeFrom(location.hash);
    $('add-result').textContent = 'Check the device name, then choose "Add account".';
  }
  if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
    $('scan-button').hidden = false;
    $('scan-button').addEventListener('click', async () => {
      const video = $('scanner');
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      const look = async () => {
        const [found] = await detector.detect(video).catch(() => []);
        if (!found) return requestAnimationFrame(look);
        stream.getTracks().forEach((track) => track.stop());
        video.hidden = true;
        $('activation').value = codeFrom(found.rawValue);
      };
      look();
    });
  }

  // ---- Web Push, when the server has VAPID keys: the installed app is woken for a request.
  const fromB64url = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  async function registerSubscription(subscription) {
    const { endpoint, keys } = subscription.toJSON();
    for (const account of await allAccounts()) {
      const ts = Date.now();
      const signature = await signText(account.privateKey, `twofold-subscribe\n${account.deviceId}\n${endpoint}\n${keys.p256dh}\n${keys.auth}\n${ts}`);
      await postJson('/authenticator/api/subscription', { device: account.deviceId, ts, endpoint, p256dh: keys.p256dh, auth: keys.auth, signature }).catch(() => {});
    }
  }
  async function setUpNotifications() {
    if (!('serviceWorker' in navigator) || !('PushManager' in window)) return;
    const response = await fetch('/authenticator/api/web-push').catch(() => undefined);
    if (!response?.ok) return;
    const { publicKey } = await response.json();
    const registration = await navigator.serviceWorker.ready;
    const existing = await registration.pushManager.getSubscription();
    if (existing && Notification.permission === 'granted') return registerSubscription(existing);
    $('notifications').hidden = false;
    $('notify-button').addEventListener('click', async () => {
      try {
        if ((await Notification.requestPermission()) !== 'granted') throw new Error('Notifications are not allowed for this site.');
        const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromB64url(publicKey) });
        await registerSubscription(subscription);
        $('notify-status').textContent = 'Notifications are on.';
      } catch (error) {
        $('notify-status').textContent = error.message;
      }
    });
  }

  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/authenticator/sw.js', { scope: '/authenticator' }).then(setUpNotifications).catch(() => {});
  renderAccounts().then((accounts) => {
    accounts.forEach(watch);
    tickCodes();
    setInterval(tickCodes, 1000);
  });
})();
