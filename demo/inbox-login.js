// The inbox's sign-in page: posts the form as JSON to /inbox/login and, once signed in, loads the inbox.
// The server's refusal is one generic sentence; it is shown with textContent, as everything here.

const form = /** @type {HTMLFormElement} */ (document.getElementById('sign-in'));
const email = /** @type {HTMLInputElement} */ (document.getElementById('email'));
const password = /** @type {HTMLInputElement} */ (document.getElementById('password'));
const error = /** @type {HTMLElement} */ (document.getElementById('error'));
const submit = /** @type {HTMLButtonElement} */ (document.getElementById('submit'));

// Without script the form posts itself and a failure comes back here as ?signin=failed.
if (new URLSearchParams(location.search).get('signin') === 'failed') error.textContent = 'Sign-in failed. Check the address and password.';

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  submit.disabled = true;
  error.textContent = '';
  try {
    const response = await fetch('/inbox/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: email.value, password: password.value }),
      credentials: 'same-origin',
    });
    if (response.ok) {
      const query = new URLSearchParams(location.search);
      query.delete('signin');
      location.replace(`/inbox${query.size > 0 ? `?${query}` : ''}`);
      return;
    }
    const body = await response.json().catch(() => ({}));
    error.textContent = typeof body.error === 'string' ? body.error : `Sign-in failed (${response.status}).`;
  } catch {
    error.textContent = 'The server cannot be reached. Try again in a moment.';
  }
  password.value = '';
  submit.disabled = false;
  password.focus();
});

email.focus();
