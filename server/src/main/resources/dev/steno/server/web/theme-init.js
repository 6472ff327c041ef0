// Classic (blocking) script: applies the saved or OS theme before first paint.
// Apply the saved/OS theme before first paint (no flash of the wrong theme).
(function () {
  try {
    var d = document.documentElement;
    var t = localStorage.getItem('steno.theme');
    d.dataset.theme = t || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    if (localStorage.getItem('steno.contrast') === 'high') d.dataset.contrast = 'high';
    var f = parseFloat(localStorage.getItem('steno.fontScale'));
    if (f > 0) d.style.setProperty('--font-scale', String(f));
  } catch (e) { /* storage unavailable: defaults */ }
})();
