import { el, formatValue, memberTitle, toneClass, uniqueId } from './dom.js';

// Colours with enough contrast on white, also told apart by people with common colour blindness.
export const palette = ['#1f6fb2', '#d9730d', '#2e8540', '#b8336a', '#6b4fbb', '#8a6d00', '#0b7a75', '#c0392b'];

export const chartTypes = [
  { value: 'line', label: 'Line' },
  { value: 'bar', label: 'Bar' },
  { value: 'doughnut', label: 'Doughnut' },
  { value: 'table', label: 'Table' },
];

// The visualization kinds the server may name, as the four types the switch offers.
function typeOfKind(kind, fallback) {
  if (kind === 'line' || kind === 'dualAxis') return 'line';
  if (kind === 'bar' || kind === 'horizontalBar' || kind === 'groupedBar') return 'bar';
  if (kind === 'doughnut') return 'doughnut';
  if (kind === 'table') return 'table';
  return fallback;
}

// The answer's rows as a table: the visualization's formatted table when the server sends
// one, else the rows of `data` with titles made from the member names.
export function tableOf(answer) {
  const data = Array.isArray(answer.data) ? answer.data : [];
  const members = data.length > 0 ? Object.keys(data[0]) : [];
  const given = answer.visualization?.table;
  // A member's first title (a comparison's table has the same member for each period).
  const titles = new Map();
  for (const column of given?.columns ?? []) if (!titles.has(column.member)) titles.set(column.member, column.title);
  const rows = data.map((row) => members.map((member) => row[member]));
  const table = {
    members,
    titles: members.map((member) => titles.get(member) ?? memberTitle(member)),
    rows,
    formatted: data.map((row) => members.map((member) => formatValue(row[member]))),
  };
  // On screen, the server's table as it is: its columns (both periods of a comparison) and
  // its cells, {text, value}, written as the tenant writes numbers. The CSV keeps `data`.
  if (given?.columns?.length && Array.isArray(given.rows)) {
    table.display = {
      titles: given.columns.map((column) => column.title),
      numeric: given.columns.map((column) => Boolean(column.isNumeric)),
      rows: given.rows.map((row) => row.map((cell) => (cell && typeof cell === 'object' ? cell.text : String(cell ?? '')))),
    };
  } else {
    table.display = { titles: table.titles, numeric: members.map((_, index) => isNumeric(rows[0]?.[index])), rows: table.formatted };
  }
  return table;
}

const isNumeric = (value) => typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));

function csvField(value) {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell starting with = + - @ is a formula to a spreadsheet; numbers are left alone.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !isNumeric(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvOf(answer) {
  const table = tableOf(answer);
  return [table.titles, ...table.rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function download(answer) {
  const blob = new Blob([csvOf(answer)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
  const link = el('a', { href: url, download: `convai-${stamp}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function styledConfig(base, type, hidden) {
  const config = structuredClone(base);
  const datasets = config.data?.datasets ?? [];
  const labels = config.data?.labels ?? [];
  config.type = type;
  config.options = config.options ?? {};
  config.options.responsive = true;
  config.options.maintainAspectRatio = false;
  config.options.animation = { duration: matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 300 };
  datasets.forEach((dataset, index) => {
    const colour = palette[index % palette.length];
    if (type === 'doughnut') {
      dataset.backgroundColor = labels.map((_, position) => palette[position % palette.length]);
      dataset.borderColor = '#ffffff';
    } else {
      dataset.borderColor = colour;
      dataset.backgroundColor = type === 'line' ? `${colour}33` : colour;
      dataset.fill = false;
      dataset.tension = 0.2;
      dataset.spanGaps = true;
    }
    dataset.hidden = hidden.has(index);
  });
  // A line runs along time or categories left to right; only bars lie on their side.
  if (type !== 'bar') delete config.options.indexAxis;
  if (type === 'doughnut') delete config.options.scales;
  return config;
}

// One answer's chart, its controls and its table.
export function renderChartView(answer) {
  const base = answer.chart;
  const datasets = base?.data?.datasets ?? [];
  const hidden = new Set();
  const table = tableOf(answer);
  const initialType = typeOfKind(answer.visualization?.kind, base?.type === 'line' ? 'line' : base ? 'bar' : 'table');
  let chart = null;
  let type = initialType;

  const title = base?.options?.plugins?.title?.text ?? answer.understood ?? 'Answer';
  const canvas = el('canvas', { role: 'img', 'aria-label': `Chart: ${title}`, 'data-testid': 'answer-chart' });
  const chartBox = el('div', { class: 'chart-box' }, canvas);
  const tableBox = el('div', { class: 'table-box', hidden: true, 'data-testid': 'answer-table' },
    el('table', {},
      el('caption', { text: title }),
      el('thead', {}, el('tr', {}, table.display.titles.map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, table.display.rows.map((row) => el('tr', {}, row.map((text, index) =>
        el('td', { class: table.display.numeric[index] ? 'number' : undefined, text })))))));

  const typeId = uniqueId('chart-type');
  const typeSelect = el('select', { id: typeId, 'data-testid': 'chart-type' },
    chartTypes.map((option) => el('option', {
      value: option.value, text: option.label,
      // A doughnut shows one series: with several it would mix them up.
      disabled: option.value === 'doughnut' && datasets.length > 1,
    })));
  typeSelect.value = initialType;
  const seriesToggles = el('fieldset', { class: 'series', 'data-testid': 'series-toggles', hidden: datasets.length === 0 },
    el('legend', { text: 'Series' }),
    datasets.map((dataset, index) => {
      const id = uniqueId('series');
      return el('span', { class: 'series-toggle' },
        el('input', {
          type: 'checkbox', id, checked: true, 'data-testid': 'series-toggle', 'data-index': index,
          onchange: (event) => setSeriesVisible(index, event.target.checked),
        }),
        el('label', { for: id, text: dataset.label ?? `Series ${index + 1}` }));
    }));
  const tableToggle = el('button', {
    type: 'button', 'aria-pressed': 'false', 'data-testid': 'table-toggle', text: 'Show table',
    onclick: () => {
      const showing = tableBox.hidden;
      tableBox.hidden = !showing;
      tableToggle.setAttribute('aria-pressed', String(showing));
      tableToggle.textContent = showing ? 'Hide table' : 'Show table';
    },
  });
  const csvButton = el('button', { type: 'button', 'data-testid': 'download-csv', text: 'Download CSV', onclick: () => download(answer) });
  const controls = el('div', { class: 'chart-controls', role: 'group', 'aria-label': 'Chart options' },
    el('span', { class: 'field-inline' }, el('label', { for: typeId, text: 'Chart type' }), typeSelect),
    tableToggle, csvButton, seriesToggles);

  function setSeriesVisible(index, visible) {
    if (visible) hidden.delete(index);
    else hidden.add(index);
    if (chart) {
      chart.setDatasetVisibility(index, visible);
      chart.update();
    }
  }

  function syncToggles() {
    for (const box of seriesToggles.querySelectorAll('input')) box.checked = !hidden.has(Number(box.dataset.index));
  }

  function draw() {
    if (chart) {
      chart.destroy();
      chart = null;
    }
    const showsChart = type !== 'table' && base && window.Chart;
    chartBox.hidden = !showsChart;
    seriesToggles.hidden = !showsChart || datasets.length === 0;
    if (type === 'table') {
      tableBox.hidden = false;
      tableToggle.setAttribute('aria-pressed', 'true');
      tableToggle.textContent = 'Hide table';
    }
    if (!showsChart) return;
    const config = styledConfig(base, type, hidden);
    const legend = (config.options.plugins = config.options.plugins ?? {}).legend = config.options.plugins.legend ?? {};
    // The legend hides series too: keep the checkboxes telling the truth.
    legend.onClick = (event, item, legendInstance) => {
      window.Chart.defaults.plugins.legend.onClick.call(legendInstance, event, item, legendInstance);
      const index = item.datasetIndex ?? -1;
      if (index >= 0) {
        if (legendInstance.chart.isDatasetVisible(index)) hidden.delete(index);
        else hidden.add(index);
        syncToggles();
      }
    };
    chart = new window.Chart(canvas, config);
  }

  typeSelect.addEventListener('change', () => {
    type = typeSelect.value;
    draw();
  });

  const view = el('div', { class: 'chart-view' }, controls, chartBox, tableBox);
  if (!base) {
    typeSelect.value = 'table';
    typeSelect.disabled = true;
  }
  // Drawn once the card is in the document, when the canvas has a size.
  view.draw = draw;
  return view;
}

export function renderKPI(kpi) {
  const change = kpi.formattedChange ?? (kpi.changePercent !== undefined && kpi.changePercent !== null
    ? `${kpi.changePercent > 0 ? '+' : ''}${formatValue(kpi.changePercent)}%` : null);
  const previous = kpi.formattedPreviousValue
    ? `vs ${kpi.formattedPreviousValue}${kpi.previousPeriod ? ` in ${kpi.previousPeriod}` : ''}` : null;
  return el('div', { class: `kpi ${toneClass(kpi.tone)}`, 'data-testid': 'answer-kpi' },
    el('span', { class: 'kpi-label', text: [kpi.title, kpi.period].filter(Boolean).join(', ') }),
    el('span', { class: 'kpi-value', 'data-testid': 'kpi-value', text: kpi.formattedValue ?? formatValue(kpi.value) }),
    change || previous ? el('span', { class: 'kpi-change', text: [change, previous].filter(Boolean).join(' ') }) : null);
}
