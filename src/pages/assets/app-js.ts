// The one script of the pages: a confirmation dialog before submitting forms marked data-confirm.
// Everything else works without it (CSP forbids inline handlers, so this file is the only hook).
export const APP_JS = `'use strict';
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!form || !form.getAttribute) return;
  var message = form.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0f2a4d"/><path d="M16 5.5 25 9v6.6c0 5.4-3.7 9.7-9 11.4-5.3-1.7-9-6-9-11.4V9z" fill="#fff"/><path d="m12 16 3 3 5.5-6" fill="none" stroke="#0f2a4d" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>
`;
