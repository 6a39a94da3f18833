import { api } from './api.js';
import { el, toneClass } from './dom.js';

// The signed-in user's insights, as the morning digest carries them.
export function renderInsights(panel, ask) {
  const list = el('ol', { class: 'insight-list', 'data-testid': 'insight-list' });
  const status = el('p', { class: 'status', role: 'status', text: 'Looking for what changed…' });
  panel.replaceChildren(el('h2', { id: 'insights-title', text: 'Insights for you' }), status, list);
  api.insights().then(
    (reply) => {
      status.textContent = reply.insights.length === 0
        ? 'Nothing unusual in your territory.'
        : `As of ${reply.asOf}${reply.territory ? `, ${reply.territory.name} (${reply.territory.level})` : ''}:`;
      list.replaceChildren(...reply.insights.map((insight) => el('li', {},
        el('article', { class: `insight-card ${toneClass(insight.tone)}`, 'data-testid': 'insight-card' },
          el('h3', { text: insight.title }),
          el('p', { text: insight.text }),
          insight.followUpQuestion
            ? el('button', { type: 'button', class: 'suggestion', 'data-testid': 'insight-follow-up', text: insight.followUpQuestion,
              onclick: () => ask(insight.followUpQuestion) })
            : null))));
    },
    (error) => { status.textContent = `Insights are not available: ${error.message}`; },
  );
}
