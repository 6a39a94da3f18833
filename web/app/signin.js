import { api, APIError, remember } from './api.js';
import { el, uniqueId } from './dom.js';

const hierarchyNames = { NSM: 'National sales manager', ZSM: 'Zonal sales manager', ASM: 'Area sales manager', SO: 'Sales officer' };

function personLabel(person) {
  const role = person.hierarchyRole ? person.hierarchyRole : person.role;
  const territory = person.territoryName ? ` · ${person.territoryName} (${person.territoryLevel})` : '';
  return { name: person.name, detail: `${role}${territory}` };
}

// Development mode lists the seeded people; production takes a token from the identity provider.
export function renderSignIn(main, { onSignedIn }) {
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-testid': 'signin-status' });
  const tokenId = uniqueId('token');
  const tokenForm = el(
    'form',
    { class: 'card token-form', 'data-testid': 'token-form' },
    el('h2', { text: 'Sign in with a token' }),
    el('label', { for: tokenId, text: 'Token from your identity provider' }),
    el('textarea', { id: tokenId, rows: 3, required: true, spellcheck: 'false', autocomplete: 'off', 'data-testid': 'token-input' }),
    el('button', { type: 'submit', text: 'Sign in' }),
  );
  tokenForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = tokenForm.querySelector('textarea').value.trim().replace(/^Bearer\s+/i, '');
    await signIn(value);
  });

  const development = el('section', { class: 'card development', 'aria-labelledby': 'dev-title', hidden: true, 'data-testid': 'dev-signin' });
  main.replaceChildren(
    el('h1', { text: 'Sign in to ConvAI' }),
    el('p', { class: 'lead', text: 'Ask questions about your sales in plain words; get numbers, a chart and what they mean.' }),
    status,
    el('div', { class: 'signin-grid' }, development, tokenForm),
  );

  async function signIn(newToken, name) {
    status.textContent = 'Signing in…';
    try {
      const me = { ...(await api.me(newToken)), name };
      remember(newToken, me);
      status.textContent = `Signed in as ${me.name ?? me.subject}.`;
      onSignedIn(me);
    } catch (error) {
      status.textContent = error instanceof APIError && error.status === 401 ? `That token was refused: ${error.message}` : `Cannot sign in: ${error.message}`;
    }
  }

  api.developmentUsers().then(
    (list) => showDevelopmentUsers(development, list, async (tenant, person) => {
      status.textContent = `Signing in as ${person.name}…`;
      try {
        const minted = await api.developmentToken(tenant, person.userId);
        await signIn(minted.token, person.name);
      } catch (error) {
        status.textContent = `Cannot sign in: ${error.message}`;
      }
    }),
    () => { development.hidden = true; },
  );
}

function showDevelopmentUsers(section, list, pick) {
  const selectId = uniqueId('tenant');
  const filterId = uniqueId('filter');
  const select = el('select', { id: selectId, 'data-testid': 'tenant-select' },
    list.tenants.map((tenant) => el('option', { value: tenant.id, text: tenant.name })));
  const filter = el('input', { id: filterId, type: 'search', autocomplete: 'off', placeholder: 'name, role or place', 'data-testid': 'people-filter' });
  const people = el('div', { class: 'people', 'data-testid': 'people' });
  section.replaceChildren(
    el('h2', { id: 'dev-title', text: 'Development sign-in' }),
    el('p', { class: 'hint', text: 'Development mode: pick anyone from the seeded sales hierarchy. Production servers take tokens from the identity provider only.' }),
    el('div', { class: 'field' }, el('label', { for: selectId, text: 'Company' }), select),
    el('div', { class: 'field' }, el('label', { for: filterId, text: 'Find a person' }), filter),
    people,
  );
  section.hidden = false;

  function render() {
    const tenant = list.tenants.find((item) => item.id === select.value) ?? list.tenants[0];
    const words = filter.value.trim().toLowerCase();
    const groups = new Map();
    for (const person of tenant.users) {
      const { name, detail } = personLabel(person);
      if (words && !`${name} ${detail} ${person.role}`.toLowerCase().includes(words)) continue;
      const group = hierarchyNames[person.hierarchyRole] ?? 'Head office';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(el('li', {},
        el('button', {
          type: 'button', class: 'person', 'data-testid': 'signin-user', 'data-user-id': person.userId,
          'data-role': person.role, 'data-hierarchy-role': person.hierarchyRole ?? '',
          onclick: () => pick(tenant.id, person),
        }, el('span', { class: 'person-name', text: name }), el('span', { class: 'person-detail', text: detail }))));
    }
    const children = [];
    if (tenant.error) children.push(el('p', { class: 'error', role: 'alert', text: tenant.error }));
    for (const [group, items] of groups) {
      children.push(el('h3', { text: `${group}s`.replace('Head offices', 'Head office') }), el('ul', { class: 'people-list' }, items));
    }
    if (groups.size === 0) children.push(el('p', { text: 'Nobody matches.' }));
    people.replaceChildren(...children);
  }
  select.addEventListener('change', render);
  filter.addEventListener('input', render);
  render();
}
