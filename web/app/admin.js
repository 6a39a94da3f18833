import { api, APIError } from './api.js';
import { el, formatValue, uniqueId } from './dom.js';
import { palette } from './chart-view.js';

function chartCard(name, title, config, description) {
  const canvas = el('canvas', { role: 'img', 'aria-label': `${title}. ${description}`, 'data-testid': 'admin-chart', 'data-chart': name });
  const card = el('figure', { class: 'card admin-card' }, el('figcaption', { text: title }), el('div', { class: 'chart-box' }, canvas));
  card.draw = () => new window.Chart(canvas, config);
  return card;
}

function barConfig(labels, datasets, { percent = false, horizontal = false } = {}) {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((dataset, index) => ({ ...dataset, backgroundColor: palette[index % palette.length] })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: { duration: 0 },
      indexAxis: horizontal ? 'y' : 'x',
      scales: percent ? { [horizontal ? 'x' : 'y']: { min: 0, max: 100 } } : {},
    },
  };
}

function breakdownCharts(by, rows) {
  const labels = rows.map((row) => row.key ?? '(none)');
  const horizontal = rows.length > 6;
  const noun = by === 'department' ? 'department' : 'user';
  return [
    chartCard(`cost-by-${noun}`, `Cost (USD) by ${noun}`,
      barConfig(labels, [{ label: 'Cost (USD)', data: rows.map((row) => Number(row.costUSD)) }], { horizontal }),
      rows.map((row) => `${row.key ?? '(none)'}: ${row.costUSD} USD`).join('; ')),
    chartCard(`latency-by-${noun}`, `Latency (ms) by ${noun}`,
      barConfig(labels, [
        { label: 'Average', data: rows.map((row) => Number(row.averageLatencyMs)) },
        { label: '95th percentile', data: rows.map((row) => Number(row.p95LatencyMs)) },
      ], { horizontal }),
      rows.map((row) => `${row.key ?? '(none)'}: average ${row.averageLatencyMs} ms, p95 ${row.p95LatencyMs} ms`).join('; ')),
    chartCard(`success-by-${noun}`, `Success rate (%) by ${noun}`,
      barConfig(labels, [{ label: 'Answered or clarified (%)', data: rows.map((row) => Number(row.successRate) * 100) }], { percent: true, horizontal }),
      rows.map((row) => `${row.key ?? '(none)'}: ${formatValue(Number(row.successRate) * 100)}%`).join('; ')),
  ];
}

function breakdownTable(by, rows) {
  const columns = [
    [by === 'department' ? 'Department' : 'User', (row) => row.key ?? '(none)'], ['Questions', (row) => row.queries],
    ['Answered', (row) => row.answered], ['Clarified', (row) => row.clarifications], ['Errors', (row) => row.errors],
    ['Cost (USD)', (row) => row.costUSD], ['Average ms', (row) => row.averageLatencyMs], ['p95 ms', (row) => row.p95LatencyMs],
    ['Success', (row) => `${formatValue(Number(row.successRate) * 100)}%`],
  ];
  return el('div', { class: 'table-box' }, el('table', { 'data-testid': `admin-table-${by}` },
    el('caption', { text: `Usage by ${by}, last 30 days` }),
    el('thead', {}, el('tr', {}, columns.map(([title]) => el('th', { scope: 'col', text: title })))),
    el('tbody', {}, rows.map((row) => el('tr', {}, columns.map(([, value]) => el('td', { text: String(value(row)) })))))));
}

// Usage, cost, latency and success by department and by user, for roles with view_metrics.
export async function renderAdmin(main, me) {
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', text: 'Loading usage…' });
  const body = el('div', { class: 'admin-body' });
  main.replaceChildren(el('h1', { text: `Usage of ${me.tenantName}` }), status, body);
  const refuse = () => {
    status.textContent = '';
    body.replaceChildren(el('p', { class: 'error', role: 'alert', 'data-testid': 'admin-denied', text: 'You do not have access to the admin page.' }),
      el('p', {}, el('a', { href: '#/chat', text: 'Back to the chat' })));
  };
  // The API refuses these roles (403); the page does not ask it in vain.
  if (!me.permissions.includes('view_metrics')) {
    refuse();
    return;
  }
  let department, user, daily, models;
  try {
    [department, user, daily, models] = await Promise.all([
      api.metricsSummary('department'), api.metricsSummary('user'), api.metricsDaily(), api.costByModel(),
    ]);
  } catch (error) {
    if (error instanceof APIError && (error.status === 403 || error.status === 401)) {
      refuse();
    } else {
      status.textContent = `Usage is not available: ${error.message}`;
    }
    return;
  }
  status.textContent = `Last ${department.days} days.`;
  const totals = department.rows.reduce((sum, row) => ({
    queries: sum.queries + row.queries, cost: sum.cost + Number(row.costUSD),
  }), { queries: 0, cost: 0 });
  const dailyConfig = {
    type: 'line',
    data: {
      labels: daily.series.map((row) => row.day),
      datasets: [
        { label: 'Questions', data: daily.series.map((row) => row.queries), borderColor: palette[0], backgroundColor: palette[0], yAxisID: 'y' },
        { label: 'p95 latency (ms)', data: daily.series.map((row) => Number(row.p95LatencyMs)), borderColor: palette[1], backgroundColor: palette[1], yAxisID: 'latency' },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: { duration: 0 },
      scales: { y: { position: 'left', beginAtZero: true }, latency: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } },
    },
  };
  const sections = [
    el('section', { class: 'kpis', 'aria-label': 'Totals' },
      el('div', { class: 'kpi' }, el('span', { class: 'kpi-label', text: 'Questions' }), el('span', { class: 'kpi-value', text: formatValue(totals.queries) })),
      el('div', { class: 'kpi' }, el('span', { class: 'kpi-label', text: 'Cost (USD)' }), el('span', { class: 'kpi-value', text: totals.cost.toFixed(4) })),
      el('div', { class: 'kpi' }, el('span', { class: 'kpi-label', text: 'Departments' }), el('span', { class: 'kpi-value', text: String(department.rows.length) }))),
  ];
  const cards = [];
  for (const [by, reply] of [['department', department], ['user', user]]) {
    const id = uniqueId('by');
    const charts = breakdownCharts(by, reply.rows);
    cards.push(...charts);
    sections.push(el('section', { class: 'admin-section', 'aria-labelledby': id },
      el('h2', { id, text: `By ${by}` }), el('div', { class: 'admin-grid' }, charts), breakdownTable(by, reply.rows)));
  }
  const dailyCard = chartCard('daily', 'Questions and p95 latency per day', dailyConfig,
    daily.series.map((row) => `${row.day}: ${row.queries} questions`).join('; '));
  cards.push(dailyCard);
  sections.push(el('section', { class: 'admin-section', 'aria-labelledby': 'daily-title' }, el('h2', { id: 'daily-title', text: 'Per day' }), dailyCard));
  sections.push(el('section', { class: 'admin-section', 'aria-labelledby': 'models-title' },
    el('h2', { id: 'models-title', text: 'LLM cost by model' }),
    models.models.length === 0
      ? el('p', { text: 'No LLM was called: every question was understood by the built-in parser.' })
      : el('div', { class: 'table-box' }, el('table', { 'data-testid': 'admin-models' },
        el('thead', {}, el('tr', {}, ['Provider', 'Model', 'Calls', 'Input tokens', 'Output tokens', 'Cost (USD)'].map((text) => el('th', { scope: 'col', text })))),
        el('tbody', {}, models.models.map((row) => el('tr', {},
          [row.provider, row.model, row.calls, row.inputTokens, row.outputTokens, row.costUSD].map((text) => el('td', { text: String(text) })))))))));
  body.replaceChildren(...sections);
  for (const card of cards) card.draw();
}
