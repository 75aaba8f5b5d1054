// Finishes a sign-out the application asked for with an ID token of the person signed in here:
// presses the page's "Sign out" button, exactly what a person without JavaScript does.
(() => {
  const button = document.getElementById('sign-out-now');
  if (button) button.click();
})();
