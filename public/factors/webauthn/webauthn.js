// Runs the WebAuthn ceremony a page asks for, with the SimpleWebAuthn browser helper served by
// Twofold: registering a key (setup), answering a challenge (second factor: at once, and again
// on "Continue"), or signing in with a passkey (the sign-in page's button, and the browser's
// autofill where it offers passkeys). The browser's answer goes into the form's `response`
// field and the form is sent as a person would send it.
(() => {
  const holder = document.getElementById('webauthn');
  const form = holder && holder.closest('form');
  const field = form && form.querySelector('input[name="response"]');
  if (!holder || !form || !field) return;
  const status = document.getElementById('webauthn-status');
  const ceremony = holder.dataset.ceremony;
  let options;
  try {
    options = JSON.parse(holder.dataset.options);
  } catch {
    return; // no ceremony on offer (passkeys are not set up on this server)
  }
  const say = (text) => {
    if (status) status.textContent = text;
  };

  let helper;
  const loadHelper = () => helper ??= new Promise((resolve, reject) => {
    if (window.SimpleWebAuthnBrowser) return resolve(window.SimpleWebAuthnBrowser);
    const script = document.createElement('script');
    script.src = holder.dataset.bundle;
    script.onload = () => resolve(window.SimpleWebAuthnBrowser);
    script.onerror = reject;
    document.head.append(script);
  });

  // The page has two ways to a passkey (the autofill and the button), and either may answer
  // first: the form goes once, and a click after the answer is on its way sends nothing more
  // (a second post would arrive after the first had used the challenge up, and fail).
  let sent = false;
  const send = (answer) => {
    if (sent) return;
    sent = true;
    field.value = JSON.stringify(answer);
    form.submit();
  };

  const explain = (error) => {
    if (error && error.name === 'AbortError') return; // another request (the button) took over
    if (error && error.name === 'InvalidStateError') return say('This key is already set up for your account. Try again with another key.');
    say('Your browser did not get an answer from a security key or passkey. Try again, or choose another way.');
  };

  // Each run replaces the one before: the helper aborts a ceremony still waiting when another
  // starts, so "Continue" always opens a fresh dialog.
  const run = async () => {
    try {
      const webauthn = await loadHelper();
      if (!webauthn.browserSupportsWebAuthn()) return say('This browser cannot use security keys or passkeys. Choose another way.');
      say('Follow the instructions from your browser.');
      send(ceremony === 'register' ? await webauthn.startRegistration({ optionsJSON: options }) : await webauthn.startAuthentication({ optionsJSON: options }));
    } catch (error) {
      explain(error);
    }
  };

  // The script sends the form itself, with the browser's answer (form.submit() fires no event).
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!sent) run();
  });

  // At once, unless the page reports a failed answer: then the person chooses to try again.
  if (ceremony === 'authenticate' && holder.dataset.autostart === 'yes') run();
  if (ceremony === 'passkey') {
    // Conditional mediation: the browser lists passkeys under the username field, no dialog.
    loadHelper().then(async (webauthn) => {
      if (!(await webauthn.browserSupportsWebAuthnAutofill())) return;
      send(await webauthn.startAuthentication({ optionsJSON: options, useBrowserAutofill: true }));
    }).catch(() => {
      // Cancelled, or the button started its own request: nothing to say.
    });
  }
})();
