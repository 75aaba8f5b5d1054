// The authenticator's setup page: asks whether a device has used the activation code yet and,
// once one has, says so and moves to the confirmation code. Without JavaScript the page works
// the same; it only does not say when the app is ready.
(() => {
  const setup = document.getElementById('push-setup');
  const status = document.getElementById('push-setup-status');
  if (!setup || !status) return;
  const url = setup.dataset.status;
  status.textContent = 'Waiting for the app to scan the code…';
  let tries = 0;
  const ask = async () => {
    tries += 1;
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      const { status: state } = await response.json();
      if (state === 'activated') {
        status.textContent = 'Account added in the app. Enter the confirmation code it shows.';
        document.getElementById('code')?.focus();
        return;
      }
      if (state === 'expired') {
        status.textContent = 'The activation code has expired. Choose another method, then set this one up again.';
        return;
      }
    } catch {
      // A dropped request: try again on the next tick.
    }
    if (tries < 150) setTimeout(ask, 2000);
  };
  setTimeout(ask, 1000);
})();
