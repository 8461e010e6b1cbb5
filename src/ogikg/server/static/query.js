// The query page: an editor (Yasqe when its build is installed, else a textarea with its own
// SPARQL highlighting), the example queries, results as a table, a bar chart of a numeric column,
// and CSV download. Talks to the SPARQL endpoint with plain fetch().
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("ogikg-config").textContent);
  const statusLine = document.getElementById("status");
  const resultsBox = document.getElementById("results");
  const runButton = document.getElementById("run");
  const csvButton = document.getElementById("download-csv");
  const examplesSelect = document.getElementById("examples");
  const permalink = document.getElementById("permalink");
  const chartArea = document.getElementById("chart-area");
  const chartColumn = document.getElementById("chart-column");
  const canvas = document.getElementById("chart");

  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map((name) => XSD + name));
  const MAX_ROWS_SHOWN = 2000;
  const MAX_BARS = 60;

  // -- highlighting (plain editor) ------------------------------------------------------------

  const KEYWORDS = ["SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "PREFIX", "BASE", "FROM", "NAMED",
    "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "SERVICE", "SILENT", "BIND", "AS", "VALUES", "GROUP",
    "BY", "ORDER", "ASC", "DESC", "HAVING", "LIMIT", "OFFSET", "DISTINCT", "REDUCED", "NOT", "EXISTS", "IN",
    "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "IF", "COALESCE", "BOUND",
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "IRI", "URI", "BNODE", "STRSTARTS", "STRENDS", "CONTAINS",
    "REGEX", "REPLACE", "SUBSTR", "STRLEN", "UCASE", "LCASE", "CONCAT", "ISIRI", "ISURI", "ISBLANK",
    "ISLITERAL", "ISNUMERIC", "YEAR", "MONTH", "DAY", "NOW", "ROUND", "CEIL", "FLOOR", "ABS", "A", "TRUE", "FALSE"];
  const TOKEN = new RegExp([
    "(#[^\\n]*)",                                               // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\\s\"{}|^`\\\\]*>)",                                  // 3 IRI
    "([?$][A-Za-z_0-9\\u00B7-\\uFFFF]+)",                         // 4 variable
    "([A-Za-z][\\w.-]*)?(:(?:[\\w\\-%]|\\\\.|\\.(?=[\\w\\\\]))*)", // 5,6 prefixed name
    "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)",                // 7 number
    "\\b(" + KEYWORDS.join("|") + ")\\b",                       // 8 keyword
  ].join("|"), "gi");

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" })[ch]);
  }

  function highlight(text) {
    let html = "";
    let last = 0;
    for (const match of text.matchAll(TOKEN)) {
      html += escapeHtml(text.slice(last, match.index));
      const token = escapeHtml(match[0]);
      let kind = "keyword";
      if (match[1]) kind = "comment";
      else if (match[2]) kind = "string";
      else if (match[3]) kind = "iri";
      else if (match[4]) kind = "variable";
      else if (match[6] !== undefined) kind = "prefixed";
      else if (match[7]) kind = "number";
      html += `<span class="hl-${kind}">${token}</span>`;
      last = match.index + match[0].length;
    }
    return html + escapeHtml(text.slice(last)) + "\n";
  }

  // -- the editor ---------------------------------------------------------------------------------

  function plainEditor() {
    const box = document.getElementById("plain-editor");
    const textarea = document.getElementById("query-text");
    const painted = document.getElementById("query-highlight");
    box.hidden = false;
    const repaint = () => {
      painted.innerHTML = highlight(textarea.value);
      painted.scrollTop = textarea.scrollTop;
      painted.scrollLeft = textarea.scrollLeft;
    };
    textarea.addEventListener("input", repaint);
    textarea.addEventListener("scroll", repaint);
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      } else if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
        repaint();
      }
    });
    repaint();
    return {
      kind: "plain",
      get: () => textarea.value,
      set: (text) => { textarea.value = text; repaint(); },
    };
  }

  function yasqeEditor() {
    const Yasqe = window.Yasgui && window.Yasgui.Yasqe;
    if (!Yasqe) return null;
    const host = document.createElement("div");
    host.id = "yasqe";
    document.getElementById("editor").prepend(host);
    try {
      const yasqe = new Yasqe(host, {
        value: config.initial,
        persistenceId: null,
        showQueryButton: false,
        resizeable: true,
        editorHeight: "22rem",
        createShareableLink: null,
        autocompleters: ["prefixes", "variables"],
        requestConfig: { endpoint: config.endpoint, method: "POST" },
      });
      const keys = Object.assign({}, yasqe.getOption("extraKeys") || {}, {
        "Ctrl-Enter": () => run(),
        "Cmd-Enter": () => run(),
      });
      yasqe.setOption("extraKeys", keys);
      return { kind: "yasqe", get: () => yasqe.getValue(), set: (text) => yasqe.setValue(text), yasqe };
    } catch (error) {
      host.remove();
      console.warn("Yasqe could not start; using the plain editor", error);
      return null;
    }
  }

  const editor = (config.editor === "yasqe" && yasqeEditor()) || plainEditor();
  document.getElementById("editor").dataset.active = editor.kind;

  // -- examples and links -----------------------------------------------------------------------

  function showExample(name) {
    const example = config.examples.find((e) => e.name === name);
    if (!example) return;
    editor.set(example.sparql);
    examplesSelect.value = name;
    history.replaceState(null, "", `#example=${encodeURIComponent(name)}`);
  }

  examplesSelect.addEventListener("change", () => showExample(examplesSelect.value));
  const fromHash = /example=([^&]+)/.exec(location.hash);
  if (fromHash && !config.fromUrl) showExample(decodeURIComponent(fromHash[1]));
  else if (!config.fromUrl && config.examples.length) examplesSelect.value = config.examples[0].name;

  permalink.addEventListener("click", (event) => {
    event.preventDefault();
    const url = `${location.pathname}?query=${encodeURIComponent(editor.get())}`;
    history.replaceState(null, "", url);
    permalink.href = url;
  });

  // -- running ----------------------------------------------------------------------------------

  function localHref(iri) {
    const areas = [[config.dataBase, ["id/", "graph/"]], [config.site, ["def/", "eli/"]]];
    for (const [base, names] of areas) {
      for (const area of names) {
        if (iri.startsWith(base + area)) return "/" + area + iri.slice(base.length + area.length);
      }
    }
    return /^https?:\/\//.test(iri) ? iri : null;  // never a javascript: or data: link
  }

  function shortIri(iri) {
    if (iri.startsWith(config.dataBase + "id/")) return iri.slice(config.dataBase.length + 3);
    if (iri.startsWith(config.vocab)) return "ogi:" + iri.slice(config.vocab.length);
    return iri;
  }

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function post(query, accept) {
    return fetch(config.endpoint, {
      method: "POST",
      headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: new URLSearchParams({ query }).toString(),
    });
  }

  async function run() {
    const query = editor.get();
    if (!query.trim()) return;
    runButton.disabled = true;
    csvButton.disabled = true;
    setStatus("running… · 运行中");
    resultsBox.replaceChildren();
    chartArea.hidden = true;
    const started = performance.now();
    try {
      const response = await post(query, "application/sparql-results+json, text/turtle;q=0.9");
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (!response.ok) {
        setStatus(await response.text(), true);
        return;
      }
      const truncated = response.headers.get("OGIKG-Result-Truncated") === "true";
      const type = response.headers.get("Content-Type") || "";
      if (type.includes("json")) {
        const data = await response.json();
        if ("boolean" in data) {
          resultsBox.innerHTML = `<p class="ask-result" id="ask-result">${data.boolean}</p>`;
          setStatus(`ASK · ${seconds} s`);
        } else {
          const rows = data.results.bindings;
          renderTable(data.head.vars, rows);
          renderChart(data.head.vars, rows);
          csvButton.disabled = false;
          setStatus(`${rows.length} rows · 行 · ${seconds} s` +
            (truncated ? ` — cut at the server's limit of ${response.headers.get("OGIKG-Result-Limit")} rows` : ""));
        }
      } else {
        const pre = document.createElement("pre");
        pre.id = "graph-result";
        pre.textContent = await response.text();
        resultsBox.append(pre);
        setStatus(`graph · ${seconds} s` + (truncated ? " — cut at the server's limit" : ""));
      }
    } catch (error) {
      setStatus(`the request failed: ${error}`, true);
    } finally {
      runButton.disabled = false;
    }
  }

  function cellFor(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const href = localHref(term.value);
      const a = document.createElement(href ? "a" : "span");
      if (href) a.href = href;
      a.textContent = shortIri(term.value);
      a.title = term.value;
      td.append(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
      if (term.datatype) td.title = term.datatype;
      if (NUMERIC.has(term.datatype)) td.className = "num";
    }
    return td;
  }

  function renderTable(vars, rows) {
    const table = document.createElement("table");
    table.className = "results";
    table.id = "results-table";
    const head = table.createTHead().insertRow();
    for (const name of vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows.slice(0, MAX_ROWS_SHOWN)) {
      const tr = body.insertRow();
      for (const name of vars) tr.append(cellFor(row[name]));
    }
    resultsBox.append(table);
    if (rows.length > MAX_ROWS_SHOWN) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = `The first ${MAX_ROWS_SHOWN} of ${rows.length} rows are shown; download the CSV for all of them.`;
      resultsBox.append(note);
    }
  }

  // -- chart of a numeric column --------------------------------------------------------------

  function numericColumns(vars, rows) {
    return vars.filter((name) => {
      const bound = rows.filter((row) => row[name]);
      return bound.length > 0 && bound.every((row) => row[name].type === "literal" && NUMERIC.has(row[name].datatype));
    });
  }

  function labelOf(row, vars, numeric) {
    // every text column of the row (an agency's name and a year), else the first IRI
    const texts = vars.filter((v) => !numeric.includes(v) && row[v] && row[v].type === "literal").map((v) => row[v].value);
    if (texts.length) return texts.join(" ");
    const name = vars.find((v) => !numeric.includes(v) && row[v]);
    return name ? shortIri(row[name].value) : "";
  }

  function niceCeiling(value) {
    if (value <= 0) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
    return 10 * power;
  }

  function renderChart(vars, rows) {
    const numeric = numericColumns(vars, rows);
    if (!numeric.length || !rows.length) {
      chartArea.hidden = true;
      return;
    }
    chartColumn.replaceChildren(...numeric.map((name) => new Option(name, name)));
    const draw = () => drawBars(rows, vars, numeric, chartColumn.value);
    chartColumn.onchange = draw;
    chartArea.hidden = false;
    draw();
  }

  function drawBars(rows, vars, numeric, column) {
    const points = rows.filter((row) => row[column]).slice(0, MAX_BARS)
      .map((row) => ({ label: labelOf(row, vars, numeric), value: Number(row[column].value) }));
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 900;
    const height = 320;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const left = 64, right = 12, top = 14, bottom = 90;
    const plotW = width - left - right, plotH = height - top - bottom;
    const max = niceCeiling(Math.max(0, ...points.map((p) => p.value)));
    const lowest = Math.min(0, ...points.map((p) => p.value));
    const min = lowest < 0 ? -niceCeiling(-lowest) : 0;
    const span = max - min || 1;
    const y = (v) => top + plotH - ((v - min) / span) * plotH;
    ctx.font = "12px system-ui, sans-serif";
    ctx.strokeStyle = "#e2e2ea";
    ctx.fillStyle = "#5a5a66";
    ctx.textAlign = "right";
    for (let i = 0; i <= 4; i++) {
      const v = min + (span * i) / 4;
      ctx.beginPath();
      ctx.moveTo(left, y(v));
      ctx.lineTo(width - right, y(v));
      ctx.stroke();
      ctx.fillText(Number.isInteger(v) ? v.toLocaleString() : String(Number(v.toPrecision(3))), left - 6, y(v) + 4);
    }
    const slot = plotW / points.length;
    points.forEach((point, index) => {
      const x = left + index * slot;
      ctx.fillStyle = "#1f6fb2";
      ctx.fillRect(x + slot * 0.15, Math.min(y(point.value), y(0)), slot * 0.7, Math.abs(y(point.value) - y(0)));
      ctx.save();
      ctx.translate(x + slot / 2, top + plotH + 6);
      ctx.rotate(-Math.PI / 4);
      ctx.fillStyle = "#5a5a66";
      ctx.textAlign = "right";
      const text = point.label.length > 24 ? point.label.slice(0, 23) + "…" : point.label;
      ctx.fillText(text, 0, 0);
      ctx.restore();
    });
    canvas.dataset.points = String(points.length);
    canvas.dataset.column = column;
  }

  // -- CSV --------------------------------------------------------------------------------------

  async function downloadCsv() {
    csvButton.disabled = true;
    try {
      const response = await post(editor.get(), "text/csv");
      if (!response.ok) {
        setStatus(await response.text(), true);
        return;
      }
      const blob = await response.blob();
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "results.csv";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } finally {
      csvButton.disabled = false;
    }
  }

  runButton.addEventListener("click", run);
  csvButton.addEventListener("click", downloadCsv);
  window.ogikgQuery = { run, editor, highlight };
})();
