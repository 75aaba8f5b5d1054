// For methods answered elsewhere (an app, a phone call): asks the sign-in's status route until
// the answer is in, then submits the "Continue" form, exactly what a person without JavaScript
// does by hand.
(() => {
  const script = document.currentScript;
  const form = document.getElementById('verify-form');
  if (!script || !form) return;
  const url = script.dataset.status;
  let tries = 0;
  const ask = async () => {
    tries += 1;
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      const { status } = await response.json();
      if (status === 'answered' || status === 'expired') return form.submit();
    } catch {
      // A dropped request: try again on the next tick.
    }
    if (tries < 150) setTimeout(ask, 2000);
  };
  setTimeout(ask, 2000);
})();
