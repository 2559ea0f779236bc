// Draw the API reference with ReDoc from the schema address and settings the page's container carries; the
// style elements ReDoc writes carry the page's nonce, which its Content-Security-Policy allows.
(function () {
  "use strict";
  const container = document.getElementById("redoc-container");
  const settings = {...JSON.parse(container.dataset.settings), nonce: container.dataset.nonce};
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
