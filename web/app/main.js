import { forget, signedInUser, token } from './api.js';
import { renderSignIn } from './signin.js';
import { renderChat } from './chat.js';
import { renderAdmin } from './admin.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const adminLink = document.getElementById('admin-link');
const who = document.getElementById('who');

function showNavigation(me) {
  nav.hidden = !me;
  if (!me) return;
  who.textContent = `${me.name ?? me.subject} · ${me.role.replace('_', ' ')}${me.territory ? ` · ${me.territory}` : ''} · ${me.tenantName}`;
  // The API refuses the metrics to roles without view_metrics; the link is only a convenience.
  adminLink.hidden = !me.permissions.includes('view_metrics');
}

function route() {
  const me = token() ? signedInUser() : null;
  showNavigation(me);
  const path = location.hash.replace(/^#/, '') || '/chat';
  if (!me || path === '/signin') {
    if (path !== '/signin') {
      location.replace('#/signin');
      return;
    }
    document.title = 'Sign in — ConvAI';
    renderSignIn(main, { onSignedIn: () => { location.hash = '#/chat'; } });
  } else if (path === '/admin') {
    document.title = 'Admin — ConvAI';
    renderAdmin(main, me);
  } else {
    document.title = 'Chat — ConvAI';
    renderChat(main, me);
  }
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#${path}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  forget();
  location.hash = '#/signin';
});

window.addEventListener('hashchange', route);
// Chart.js is a classic deferred script: it has run before this module (modules are deferred too, and run in order).
route();
