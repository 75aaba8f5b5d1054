// "Copy key" on the setup pages. The button is hidden until this script runs, so without
// JavaScript the key is plain text to select; with it, one tap copies the key without the
// spaces that group it, and the status line says so (or says to select it by hand).
(() => {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    if (!source) continue;
    const say = (text) => {
      if (status) status.textContent = text;
    };
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.replace(/\s+/g, ''));
        say('Key copied. Paste it into your authenticator app.');
      } catch {
        // No clipboard here (an old browser, a refused permission): select the key instead.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        say('The key is selected: copy it, then paste it into your authenticator app.');
      }
    });
  }
})();
