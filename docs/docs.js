// Renders the document named by #redoc's data-spec with the vendored Redoc.
(function () {
  var el = document.getElementById("redoc");
  Redoc.init(el.getAttribute("data-spec"), {
    expandResponses: "200,201",
    jsonSampleExpandLevel: 3,
    pathInMiddlePanel: true,
    requiredPropsFirst: true,
    sortPropsAlphabetically: false,
    hideDownloadButton: false,
    theme: { typography: { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif", headings: { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif" }, code: { fontFamily: "ui-monospace, Menlo, Consolas, monospace" } } }
  }, el);
})();
