import { api, APIError, forget } from './api.js';
import { el, toneClass } from './dom.js';
import { renderChartView, renderKPI } from './chart-view.js';
import { renderInsights } from './insights.js';

// A conversation is kept in sessionStorage under its session id (the API's sessionId), so a
// reload shows it again; `convai.conversation` names the current one.
const currentKey = 'convai.conversation';
const storageKey = (id) => `convai.session.${id}`;

function loadConversation() {
  const id = sessionStorage.getItem(currentKey);
  const text = id ? sessionStorage.getItem(storageKey(id)) : null;
  return text ? JSON.parse(text) : { sessionId: null, entries: [] };
}

// The conversations of this tab, newest first: [{id, title}].
const indexKey = 'convai.sessions';
function conversationIndex() {
  return JSON.parse(sessionStorage.getItem(indexKey) ?? '[]');
}

function saveConversation(conversation) {
  if (!conversation.sessionId) return;
  sessionStorage.setItem(currentKey, conversation.sessionId);
  sessionStorage.setItem(storageKey(conversation.sessionId), JSON.stringify(conversation));
  const index = conversationIndex();
  if (!index.some((item) => item.id === conversation.sessionId)) {
    const first = conversation.entries.find((entry) => entry.kind === 'question');
    index.unshift({ id: conversation.sessionId, title: first?.text ?? 'Conversation' });
    sessionStorage.setItem(indexKey, JSON.stringify(index));
  }
}

export function renderChat(main, me) {
  let conversation = loadConversation();
  let busy = false;
  const history = el('ol', { class: 'history', 'data-testid': 'history', 'aria-label': 'Conversation' });
  // Announces each new answer or question to screen readers, in one short sentence.
  const announcer = el('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'announcer' });
  const input = el('input', { id: 'question', type: 'text', autocomplete: 'off', required: true, maxlength: 2000,
    placeholder: 'e.g. net sales by brand last month', 'data-testid': 'question-input' });
  const sendButton = el('button', { type: 'submit', 'data-testid': 'ask-button', text: 'Ask' });
  const form = el('form', { class: 'ask-form', 'data-testid': 'ask-form' },
    el('label', { for: 'question', text: 'Your question' }),
    el('div', { class: 'ask-row' }, input, sendButton));
  const newButton = el('button', { type: 'button', class: 'secondary', 'data-testid': 'new-conversation', text: 'New conversation' });
  const earlier = conversationIndex();
  const picker = el('select', { id: 'conversation-picker', 'data-testid': 'conversation-picker' },
    conversation.sessionId ? null : el('option', { value: '', text: 'New conversation' }),
    earlier.map((item) => el('option', { value: item.id, text: item.title })));
  picker.value = conversation.sessionId ?? '';
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    sessionStorage.setItem(currentKey, picker.value);
    renderChat(main, me);
  });
  const pickerField = el('span', { class: 'field-inline', hidden: earlier.length === 0 },
    el('label', { for: 'conversation-picker', text: 'Conversation' }), picker);
  const insightsPanel = el('aside', { class: 'insights', 'aria-labelledby': 'insights-title', 'data-testid': 'insights' });

  main.replaceChildren(el('div', { class: 'chat-layout' },
    el('section', { class: 'chat', 'aria-labelledby': 'chat-title' },
      el('div', { class: 'chat-header' }, el('h1', { id: 'chat-title', text: 'Ask about your sales' }),
        el('div', { class: 'chat-tools' }, pickerField, newButton)),
      history, announcer, form),
    insightsPanel));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (question) ask(question);
  });
  newButton.addEventListener('click', () => {
    sessionStorage.removeItem(currentKey);
    renderChat(main, me);
    main.querySelector('[data-testid=announcer]').textContent = 'New conversation started.';
  });

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    history.setAttribute('aria-busy', String(value));
    main.querySelector('.chat')?.classList.toggle('busy', value);
  }

  function append(entry, { store = true } = {}) {
    if (store) {
      conversation.entries.push(entry);
      saveConversation(conversation);
    }
    const item = renderEntry(entry);
    history.append(item);
    item.querySelector('.chart-view')?.draw?.();
    item.scrollIntoView({ block: 'nearest' });
    return item;
  }

  async function run(call) {
    if (busy) return;
    setBusy(true);
    const pending = el('li', { class: 'entry pending', 'data-testid': 'pending', text: 'Working on it…' });
    history.append(pending);
    try {
      const reply = await call();
      pending.remove();
      conversation.sessionId = reply.sessionId ?? conversation.sessionId;
      if (reply.status === 'needs_clarification') {
        append({ kind: 'clarification', reply, picks: {} });
        announcer.textContent = `ConvAI needs more detail: ${reply.questions.map((item) => item.question).join(' ')}`;
        history.lastElementChild.querySelector('button')?.focus();
      } else {
        const item = append({ kind: 'answer', reply });
        announcer.textContent = `Answer: ${reply.insight?.text ?? reply.understood ?? ''}`;
        // The options that were clicked are disabled now: keyboard focus moves to the answer.
        item.querySelector('.answer-card')?.focus({ preventScroll: true });
      }
    } catch (error) {
      pending.remove();
      if (error instanceof APIError && error.status === 401) {
        forget();
        location.hash = '#/signin';
        return;
      }
      append({ kind: 'error', text: error.message }, { store: false });
      announcer.textContent = `Error: ${error.message}`;
    } finally {
      setBusy(false);
    }
  }

  function ask(question) {
    input.value = '';
    append({ kind: 'question', text: question });
    return run(() => api.ask(question, conversation.sessionId));
  }

  function renderEntry(entry) {
    switch (entry.kind) {
      case 'question':
        return el('li', { class: 'entry question', 'data-testid': 'question' }, el('p', { text: entry.text }));
      case 'clarification':
        return renderClarification(entry);
      case 'answer':
        return renderAnswer(entry.reply);
      default:
        return el('li', { class: 'entry error', role: 'alert', 'data-testid': 'error' }, el('p', { text: entry.text }));
    }
  }

  function renderClarification(entry) {
    const { reply } = entry;
    const done = () => reply.questions.every((item) => entry.picks[item.dimension] !== undefined);
    const item = el('li', { class: 'entry clarification', 'data-testid': 'clarification' });
    const groups = reply.questions.map((question) => el('fieldset', { class: 'options', 'data-dimension': question.dimension },
      el('legend', { text: question.question }),
      el('div', { class: 'option-row' }, question.options.map((option) => el('button', {
        type: 'button', class: 'option', 'data-testid': 'clarify-option', 'data-dimension': question.dimension,
        'aria-pressed': String(entry.picks[question.dimension] === option), text: option,
        disabled: entry.sent || undefined,
        onclick: (event) => {
          entry.picks[question.dimension] = option;
          for (const sibling of event.target.parentElement.querySelectorAll('button')) {
            sibling.setAttribute('aria-pressed', String(sibling === event.target));
          }
          const complete = done() && !entry.sent;
          if (complete) entry.sent = true;
          saveConversation(conversation);
          if (complete) {
            for (const button of item.querySelectorAll('button.option')) button.disabled = true;
            run(() => api.clarify(reply.sessionId, entry.picks));
          }
        },
      }))),
    ));
    item.append(el('p', { class: 'assistant-says', text: 'To answer precisely, I need to know:' }), ...groups);
    if (reply.suggestions?.length) {
      item.append(el('div', { class: 'suggestions' },
        el('p', { text: 'Or ask one of these:' }),
        el('ul', {}, reply.suggestions.map((suggestion) => el('li', {},
          el('button', { type: 'button', class: 'suggestion', 'data-testid': 'suggestion', text: suggestion, onclick: () => ask(suggestion) }))))));
    }
    return item;
  }

  function renderAnswer(answer) {
    const item = el('li', { class: 'entry answer' });
    const card = el('article', { class: 'answer-card', 'data-testid': 'answer-card', 'aria-label': 'Answer', tabindex: '-1' });
    card.append(el('p', { class: `headline ${toneClass(answer.insight?.tone)}`, 'data-testid': 'answer-insight', text: answer.insight?.text ?? 'Here is what I found.' }));
    if (answer.understood) card.append(el('p', { class: 'understood', text: `Understood as: ${answer.understood}` }));
    if (answer.visualization?.kind === 'kpi' && answer.visualization.kpi) card.append(renderKPI(answer.visualization.kpi));
    // The headline is often the strongest annotation; it is not said twice.
    const notes = (answer.visualization?.annotations ?? []).filter((note) => note.text !== answer.insight?.text);
    if (notes.length) {
      card.append(el('ul', { class: 'annotations', 'data-testid': 'annotations' },
        notes.map((note) => el('li', { class: toneClass(note.tone), text: note.text }))));
    }
    card.append(renderChartView(answer));
    if (answer.sql) {
      const sql = el('pre', { class: 'sql', hidden: true, 'data-testid': 'answer-sql' }, el('code', { text: answer.sql }));
      const toggle = el('button', { type: 'button', 'aria-pressed': 'false', 'data-testid': 'show-sql', text: 'Show SQL' });
      toggle.addEventListener('click', () => {
        sql.hidden = !sql.hidden;
        toggle.setAttribute('aria-pressed', String(!sql.hidden));
        toggle.textContent = sql.hidden ? 'Show SQL' : 'Hide SQL';
      });
      card.append(el('div', { class: 'sql-box' }, toggle, sql));
    }
    if (answer.followUp) {
      card.append(el('p', { class: 'follow-up' }, 'Next: ',
        el('button', { type: 'button', class: 'suggestion', 'data-testid': 'follow-up', text: answer.followUp, onclick: () => ask(answer.followUp) })));
    }
    item.append(card);
    return item;
  }

  for (const entry of conversation.entries) append(entry, { store: false });
  renderInsights(insightsPanel, (question) => ask(question));
  input.focus();
}
