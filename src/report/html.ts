// @fileoverview The audit report as one self-contained HTML file (inline style and script, no network): per target
// the verdict counts, then the findings × targets matrix in colour with filters (level, target, text), and under
// each finding its upstream evidence per target (repository, commit, file:line), its call chain and its rewrite
// advice. Readable on a narrow screen: the matrix scrolls sideways inside its box and the details stack.

import type { Verdict } from "../types.js";
import { IssueOrder } from "./issues.js";
import type { Issue } from "./issues.js";
import { memorySpool } from "./spool.js";
import { whole } from "./types.js";
import type { StreamFormatter } from "./types.js";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const STYLE = `
:root{--b:#c62828;--w:#b26a00;--ok:#2e7d32;--u:#6a1b9a;--bg:#fff;--fg:#1b1b1b;--mut:#5f6368;--line:#ddd}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:1rem;color:var(--fg);background:var(--bg);max-width:80rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
code{font:13px/1.3 ui-monospace,monospace;word-break:break-word}
.verdicts{display:flex;flex-wrap:wrap;gap:.5rem}.card{border:1px solid var(--line);border-radius:6px;padding:.4rem .7rem;min-width:9rem}
.card b{display:block}.v-blocked{color:var(--b)}.v-warnings{color:var(--w)}.v-compatible{color:var(--ok)}.v-unknown{color:var(--u)}
.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;margin:.5rem 0}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f5f5f5;position:sticky;top:0}td.c{text-align:center;font-weight:600;white-space:nowrap}
td.blocker{background:#fde0dc;color:var(--b)}td.warning{background:#fff3cd;color:var(--w)}td.ok{color:var(--ok)}
.finding{border:1px solid var(--line);border-radius:6px;margin:.5rem 0;padding:.3rem .7rem}.finding summary{cursor:pointer}
.lvl{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:12px;color:#fff}.lvl.blocker{background:var(--b)}.lvl.warning{background:var(--w)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}dt{font-weight:600}dd{margin:0}
@media (max-width:40rem){body{padding:.5rem;font-size:14px}dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
.hidden{display:none}
`;

// Filters: a row (and its details) is shown when its level is ticked, it concerns the chosen target and its text
// contains the search words.
const SCRIPT = `
(function(){
  var q=document.getElementById('q'),t=document.getElementById('target'),boxes=document.querySelectorAll('input[data-level]');
  function apply(){
    var want={};boxes.forEach(function(b){want[b.dataset.level]=b.checked});
    var text=q.value.toLowerCase(),tg=t.value,n=0;
    document.querySelectorAll('[data-issue]').forEach(function(el){
      var ok=want[el.dataset.level]&&(tg===''||(' '+el.dataset.targets+' ').indexOf(' '+tg+' ')>=0)&&el.dataset.text.indexOf(text)>=0;
      el.classList.toggle('hidden',!ok);if(ok&&el.tagName==='TR')n++;
    });
    document.getElementById('shown').textContent=n;
  }
  q.addEventListener('input',apply);t.addEventListener('change',apply);boxes.forEach(function(b){b.addEventListener('change',apply)});apply();
})();
`;

/** An upstream evidence string (owner/repo@commit:path:line) as a link when it names a GitHub repository. */
function evidence(e: string): string {
  const m = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{7,40}):([^:\s]+)(?::(\d+)(?:-(\d+))?)?/.exec(e);
  if (m === null) return `<code>${esc(e)}</code>`;
  const [, repo, commit, path, from, to] = m;
  const url = `https://github.com/${repo}/blob/${commit}/${path}${from !== undefined ? `#L${from}${to !== undefined ? `-L${to}` : ""}` : ""}`;
  return `<a href="${esc(url)}"><code>${esc(e)}</code></a>`;
}

function details(i: Issue, n: number): string {
  const where = i.location !== undefined ? `${i.path}:${i.location.line}:${i.location.column}` : i.path;
  const rows: string[] = [`<dt>where</dt><dd><code>${esc(where)}</code>${i.address !== undefined ? ` at <code>${esc(i.address)}</code>` : ""}</dd>`];
  if (i.excerpt !== undefined) rows.push(`<dt>line</dt><dd><code>${esc(i.excerpt)}</code></dd>`);
  if (i.chain !== undefined) rows.push(`<dt>chain</dt><dd class="chain"><code>${esc(i.chain.join(" → "))}</code></dd>`);
  else if (i.via.length > 0) rows.push(`<dt>from</dt><dd><code>${esc(i.via.slice(0, 8).join(", "))}</code>${i.via.length > 8 ? ` and ${i.via.length - 8} more` : ""}</dd>`);
  for (const t of i.targets) {
    const status = t.status !== undefined ? ` (${esc(t.status)})` : "";
    rows.push(
      `<dt>${esc(t.target)}</dt><dd><span class="lvl ${t.level}">${t.level}</span>${status}${t.note !== undefined ? ` ${esc(t.note)}` : ""}` +
        `${t.evidence !== undefined ? `<br>evidence: ${evidence(t.evidence)}` : ""}${t.advice !== undefined && t.advice !== i.hint ? `<br>advice: ${esc(t.advice)}` : ""}</dd>`,
    );
  }
  if (i.hint !== undefined) rows.push(`<dt>rewrite</dt><dd class="advice">${esc(i.hint)}</dd>`);
  const text = esc(`${i.path} ${i.name} ${i.message}`.toLowerCase());
  return (
    `<details class="finding" id="f${n}" data-issue data-level="${i.level}" data-targets="${esc(i.targets.map((t) => t.target).join(" "))}" data-text="${text}">` +
    `<summary><span class="lvl ${i.level}">${i.level}</span> <b>${esc(i.name)}</b> in <code>${esc(where)}</code></summary><dl>${rows.join("")}</dl></details>`
  );
}

const VERDICT_TEXT: Readonly<Record<Verdict, string>> = { compatible: "compatible", warnings: "works with warnings", blocked: "blocked", unknown: "unknown" };

/** Streamed: the issues come in report order (IssueOrder); their rows and details wait in spools for the count. */
export const htmlStream: StreamFormatter = (write, options) => {
  const spool = options.spool ?? memorySpool;
  const order = new IssueOrder(spool);
  return {
    file: (f) => order.add(f),
    end(report) {
      const targets = report.targets.map((t) => t.name);
      const rows = spool();
      const detailed = spool();
      let count = 0;
      order.drain((i) => {
        const n = count++;
        const cells = targets.map((t) => {
          const x = i.targets.find((y) => y.target === t);
          return x === undefined ? `<td class="c ok" title="fine">✓</td>` : `<td class="c ${x.level}" title="${x.level}">${x.level === "blocker" ? "✖" : "⚠"}</td>`;
        });
        const where = i.location !== undefined ? `${i.path}:${i.location.line}` : i.path;
        const text = esc(`${i.path} ${i.name} ${i.message}`.toLowerCase());
        const sep = n === 0 ? "" : "\n";
        rows.write(`${sep}<tr data-issue data-level="${i.level}" data-targets="${esc(i.targets.map((t) => t.target).join(" "))}" data-text="${text}"><td><a href="#f${n}">${esc(i.name)}</a></td><td><code>${esc(where)}</code></td>${cells.join("")}</tr>`);
        detailed.write(sep + details(i, n));
      });
      const cards = report.summary.verdicts.map(
        (v) =>
          `<div class="card" data-target="${esc(v.target)}"><b>${esc(v.target)}</b><span class="v-${v.verdict}">${VERDICT_TEXT[v.verdict]}</span><br>` +
          `${v.blockers} blockers, ${v.warnings} warnings<br><small>${v.files.blocked} of ${report.summary.files} files blocked</small></div>`,
      );
      const head = `<tr><th>finding</th><th>file</th>${targets.map((t) => `<th>${esc(t)}</th>`).join("")}</tr>`;
      const errors = report.errors.map((e) => `<li><code>${esc(e.path)}</code>: ${esc(e.message)}</li>`);
      write(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>unifit report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>unifit: unikernel compatibility</h1>
<p>${report.summary.files} file${report.summary.files === 1 ? "" : "s"} scanned, ${report.summary.errors} error${report.summary.errors === 1 ? "" : "s"}; unifit ${esc(report.tool.version)}, fail-on ${report.failOn}.</p>
<section class="verdicts" id="verdicts">${cards.join("")}</section>
${errors.length > 0 ? `<h2>Inputs that could not be read</h2><ul>${errors.join("")}</ul>` : ""}
<h2>Findings × targets</h2>
<div class="filters">
<label><input type="checkbox" data-level="blocker" checked> blockers</label>
<label><input type="checkbox" data-level="warning" checked> warnings</label>
<label>target <select id="target"><option value="">any</option>${targets.map((t) => `<option>${esc(t)}</option>`).join("")}</select></label>
<label>search <input id="q" type="search" placeholder="syscall, rule, file"></label>
<span><span id="shown">${count}</span> of ${count} shown</span>
</div>
<div class="scroll"><table id="matrix"><thead>${head}</thead><tbody>
`);
      for (const chunk of rows.chunks()) write(chunk);
      write(`
</tbody></table></div>
<h2>Details</h2>
<section id="details">
`);
      for (const chunk of detailed.chunks()) write(chunk);
      write(`
</section>
<script>${SCRIPT}</script>
</body>
</html>
`);
    },
  };
};

export const html = whole(htmlStream);
