// The painter widget's boot script, inlined into each widget's HTML (painters.browser.widget):
// it is all a page carries before the reader asks for a painting. It shows every painter
// widget on the page that is not shown yet (without JavaScript they stay hidden and the page is
// as it was), lets the word buttons add their word to the prompt, and loads the painter module
// (from the site's own folder, found from Material's __config base) on the first Paint.
for (const w of document.querySelectorAll('.painter-widget[hidden]:not([data-booted])')) {
  w.dataset.booted = '';
  w.hidden = false;
  const p = w.querySelector('input[name=prompt]');
  w.querySelectorAll('.painter-word').forEach((b) => b.addEventListener('click', () => {
    p.value = (p.value.trim() + ' ' + b.dataset.word).trim();
    p.focus();
  }));
  let m;
  w.querySelector('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = document.getElementById('__config');
    const base = new URL((c ? JSON.parse(c.textContent).base : '.') + '/assets/painter/', location.href);
    m = m || import(new URL('painter.js', base).href).then((x) => x.mount(w, base.href));
    try {
      (await m).paint();
    } catch (x) {
      m = null;
      w.querySelector('.painter-status').textContent = 'Could not load the painters: ' + x.message;
    }
  });
}
