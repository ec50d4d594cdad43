/* tests/data/ui: a stand-in for a Backstage frontend build's hashed bundle
 * (test_ui.py); the itest runner gzips it beside itself for gzip_static. */
(function () {
  var script = document.querySelector('script[type="backstage.io/config"]');
  var config = script ? JSON.parse(script.textContent) : [];
  document.getElementById('root').textContent = JSON.stringify(config);
})();
