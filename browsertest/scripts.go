package browsertest

import "strings"

// CheckA11y runs the accessibility check on the page on screen and fails
// the test with the list of problems:
//   - <html lang="zh-CN">, a non-empty <title>, exactly one <h1> and one <main>
//   - every input, select and textarea has a label (label, aria-label,
//     aria-labelledby or title); every label's for= names an element
//   - no link or button without text; every link has an href
//   - every image has an alt attribute
//   - ids are unique
//   - form errors are associated: an aria-invalid field names its error
//     message in aria-describedby, every error message is named by a field,
//     aria-describedby names existing ids, field errors come with an error
//     summary whose links lead to existing fields
func (p *Page) CheckA11y() {
	p.T.Helper()
	var problems []string
	p.Eval(&problems, a11yJS)
	if len(problems) > 0 {
		p.T.Errorf("accessibility problems on %s:\n  - %s", p.URL(), strings.Join(problems, "\n  - "))
	}
}

// describeJS names an element for a message: tag#id, tag[name=…] or tag.class, and its text.
const describeJS = `const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  else if (el.getAttribute('name')) s += '[name=' + el.getAttribute('name') + ']';
  else if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\s+/).join('.');
  const t = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 30);
  return '<' + s + '>' + (t ? ' "' + t + '"' : '');
};
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();`

const a11yJS = `() => {
` + describeJS + `
  const problems = [];
  const html = document.documentElement;
  if (html.getAttribute('lang') !== 'zh-CN') problems.push('<html lang="' + html.getAttribute('lang') + '">, want lang="zh-CN"');
  if (!norm(document.title)) problems.push('empty <title>');
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(h1s.length + ' <h1> elements, want exactly one');
  const mains = document.querySelectorAll('main');
  if (mains.length !== 1) problems.push(mains.length + ' <main> elements, want exactly one');
  const seen = {};
  document.querySelectorAll('[id]').forEach((e) => { seen[e.id] = (seen[e.id] || 0) + 1; });
  for (const [id, n] of Object.entries(seen)) if (n > 1) problems.push('id "' + id + '" is used ' + n + ' times');
  const textOfId = (id) => { const e = document.getElementById(id); return e ? norm(e.textContent) : ''; };
  const accessibleName = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) { const t = by.split(/\s+/).map(textOfId).filter(Boolean).join(' '); if (t) return t; }
    if (norm(el.getAttribute('aria-label'))) return norm(el.getAttribute('aria-label'));
    if (el.labels && el.labels.length) { const t = norm(Array.from(el.labels).map((l) => l.textContent).join(' ')); if (t) return t; }
    return norm(el.getAttribute('title'));
  };
  document.querySelectorAll('input, select, textarea').forEach((el) => {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (type === 'hidden') return;
    if (['submit', 'button', 'reset', 'image'].includes(type)) {
      if (!norm(el.value) && !accessibleName(el) && !el.getAttribute('alt')) problems.push(describe(el) + ': button without text');
      return;
    }
    if (!accessibleName(el)) problems.push(describe(el) + ': no label');
  });
  document.querySelectorAll('label[for]').forEach((l) => {
    if (!document.getElementById(l.htmlFor)) problems.push('label "' + norm(l.textContent) + '" is for #' + l.htmlFor + ', which does not exist');
  });
  document.querySelectorAll('a').forEach((a) => {
    if (!a.hasAttribute('href')) { problems.push(describe(a) + ': link without href'); return; }
    const alts = Array.from(a.querySelectorAll('img[alt]')).map((i) => norm(i.alt)).join('');
    if (!norm(a.textContent) && !alts && !accessibleName(a)) problems.push(describe(a) + ' (' + a.getAttribute('href') + '): link without text');
  });
  document.querySelectorAll('button').forEach((b) => {
    if (!norm(b.textContent) && !accessibleName(b)) problems.push(describe(b) + ': button without text');
  });
  document.querySelectorAll('img').forEach((i) => {
    if (!i.hasAttribute('alt')) problems.push('<img src="' + i.getAttribute('src') + '"> without alt');
  });
  document.querySelectorAll('[aria-describedby]').forEach((el) => {
    el.getAttribute('aria-describedby').split(/\s+/).filter(Boolean).forEach((id) => {
      if (!document.getElementById(id)) problems.push(describe(el) + ': aria-describedby names #' + id + ', which does not exist');
    });
  });
  document.querySelectorAll('[aria-invalid="true"]').forEach((el) => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const linked = ids.some((id) => { const e = document.getElementById(id); return e && e.classList.contains('field-error') && norm(e.textContent); });
    if (!linked) problems.push(describe(el) + ': marked invalid, but its error message is not named in aria-describedby');
  });
  const errors = document.querySelectorAll('.field-error');
  errors.forEach((e) => {
    if (!e.id || !document.querySelector('[aria-describedby~="' + CSS.escape(e.id) + '"]')) problems.push('error message "' + norm(e.textContent) + '" is not tied to its field (aria-describedby)');
  });
  if (errors.length && !document.querySelector('.error-summary')) problems.push('field errors without an error summary at the top of the page');
  document.querySelectorAll('.error-summary a[href^="#"]').forEach((a) => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!document.getElementById(id)) problems.push('error summary link "' + norm(a.textContent) + '" leads to #' + id + ', which does not exist');
  });
  return problems;
}`

// findFieldJS marks the control a label (or a fieldset's legend) names.
const findFieldJS = `(label) => {
` + describeJS + `
  const textOf = (l) => { const c = l.cloneNode(true); c.querySelectorAll('.field-required, .visually-hidden').forEach((e) => e.remove()); return norm(c.textContent); };
  const labels = Array.from(document.querySelectorAll('label, legend'));
  let hits = labels.filter((l) => textOf(l) === label);
  if (!hits.length) hits = labels.filter((l) => textOf(l).startsWith(label));
  if (!hits.length) return {Error: 'no field labelled "' + label + '"; the labels are: ' + labels.map(textOf).join(' | ')};
  const l = hits[0];
  const el = l.tagName === 'LABEL' ? l.control : l.closest('fieldset');
  if (!el) return {Error: 'the label "' + label + '" belongs to no field'};
  const mark = 'bt' + Math.random().toString(36).slice(2);
  el.setAttribute('data-bt', mark);
  return {Mark: mark, Kind: el.tagName === 'FIELDSET' ? 'fieldset' : (el.type || el.tagName.toLowerCase())};
}`

// setValueJS sets a field's value as typing would, with input and change events.
const setValueJS = `(sel, value) => {
  const el = document.querySelector(sel);
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
}`

// selectJS chooses an option by its text; it returns an error text or "".
const selectJS = `(sel, text) => {
  const el = document.querySelector(sel);
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const opt = Array.from(el.options).find((o) => norm(o.textContent) === text);
  if (!opt) return 'no option "' + text + '"; the options are: ' + Array.from(el.options).map((o) => norm(o.textContent)).join(' | ');
  el.value = opt.value;
  el.dispatchEvent(new Event('change', {bubbles: true}));
  return '';
}`

// findClickableJS marks the visible button or link whose name is text.
const findClickableJS = `(text) => {
` + describeJS + `
  const all = Array.from(document.querySelectorAll('button, a[href], input[type=submit], input[type=button]'));
  const name = (e) => norm(e.tagName === 'INPUT' ? e.value : (e.getAttribute('aria-label') || e.textContent));
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  let hits = all.filter((e) => name(e) === text);
  if (!hits.length) return {Error: 'no button or link "' + text + '"; there are: ' + all.filter(visible).map(name).filter(Boolean).join(' | ')};
  const el = hits.find(visible) || hits[0];
  const mark = 'bt' + Math.random().toString(36).slice(2);
  el.setAttribute('data-bt', mark);
  return {Mark: mark};
}`

// overflowJS lists what sticks out of the viewport sideways (outside
// scrolling containers); empty when the page fits.
const overflowJS = `() => {
` + describeJS + `
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return [];
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) continue;
    let inScroller = false;
    for (let q = el.parentElement; q && q !== document.body; q = q.parentElement) {
      const ox = getComputedStyle(q).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inScroller = true; break; }
    }
    if (!inScroller) out.push(describe(el) + ' reaches ' + Math.round(r.right) + ' px');
    if (out.length >= 8) break;
  }
  if (!out.length) out.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
  return out;
}`
