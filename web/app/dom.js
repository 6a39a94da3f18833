// Builds elements without innerHTML, so that text from the API is never parsed as markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let nextId = 0;
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// "Transactions.netSales" → "Net sales"; "Transactions.transactionDate.month" → "Transaction date (month)".
export function memberTitle(member) {
  const parts = member.split('.');
  const words = (parts[1] ?? parts[0]).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  const title = words.charAt(0).toUpperCase() + words.slice(1);
  return parts.length > 2 ? `${title} (${parts[2]})` : title;
}

const numberFormat = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 2 });
export function formatValue(value) {
  if (typeof value === 'number') return numberFormat.format(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return numberFormat.format(Number(value));
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?$/.test(value)) return value.slice(0, 10);
  return value === null || value === undefined ? '' : String(value);
}

export const tones = ['positive', 'negative', 'neutral', 'warning', 'action'];
export function toneClass(tone) {
  return `tone-${tones.includes(tone) ? tone : 'neutral'}`;
}
