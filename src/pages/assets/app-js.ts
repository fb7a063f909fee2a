// The one script of the pages: confirmation dialogs (the manual's style, 3章 and 5章) before a form
// marked data-confirm is sent and before the header's logout. Everything works without it: the
// logout link then opens the confirmation page (CSP forbids inline handlers, so this file is the only hook).
export const APP_JS = `'use strict';
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!form || !form.getAttribute) return;
  var message = form.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener('click', function (event) {
  var link = event.target && event.target.closest ? event.target.closest('a[data-logout]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  if (!window.confirm(link.getAttribute('data-logout'))) return;
  var href = link.getAttribute('href');
  // The confirmation page carries the logout form and its CSRF token: post that form directly.
  fetch(href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
    .then(function (res) { return res.text(); })
    .then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var source = doc.querySelector('form[data-logout-form]');
      if (!source) throw new Error('no logout form');
      var form = document.createElement('form');
      form.method = 'post';
      form.action = source.getAttribute('action');
      source.querySelectorAll('input[type="hidden"]').forEach(function (input) {
        var copy = document.createElement('input');
        copy.type = 'hidden';
        copy.name = input.name;
        copy.value = input.value;
        form.appendChild(copy);
      });
      document.body.appendChild(form);
      form.submit();
    })
    .catch(function () { window.location.href = href; });
});
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0f2a4d"/><path d="M16 5.5 25 9v6.6c0 5.4-3.7 9.7-9 11.4-5.3-1.7-9-6-9-11.4V9z" fill="#fff"/><path d="m12 16 3 3 5.5-6" fill="none" stroke="#0f2a4d" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>
`;
