/** The dashboard's stylesheet, served at /ui/assets/app.css (no build step, no CDN). */
export const APP_CSS = `
:root { --ink:#1b2433; --muted:#5b6678; --line:#e3e7ee; --bg:#f5f7fa; --card:#fff; --brand:#1d4ed8;
  --brand-ink:#fff; --ok:#0f7b48; --ok-bg:#e3f5ec; --bad:#b42318; --bad-bg:#fdecea; --warn:#9a6700;
  --warn-bg:#fff5d6; --focus:#f59e0b; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:var(--bg); font-size:15px; line-height:1.45; }
a { color:var(--brand); }
:focus-visible { outline:3px solid var(--focus); outline-offset:2px; }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:6px 10px; z-index:9; }
.shell { display:grid; grid-template-columns: 232px minmax(0, 1fr); min-height:100vh; }
.side { background:#111827; color:#cbd5e1; padding:20px 14px; }
.brand { display:flex; align-items:center; gap:10px; color:#fff; font-weight:700; font-size:18px; margin:0 6px 22px; }
.brand .mark { width:30px; height:30px; border-radius:8px; background:linear-gradient(135deg,#3b82f6,#22c55e); display:grid; place-items:center; font-size:14px; }
.side nav a { display:block; color:#cbd5e1; text-decoration:none; padding:8px 10px; border-radius:6px; margin-bottom:2px; }
.side nav a:hover { background:#1f2937; color:#fff; }
.side nav a[aria-current="page"] { background:#1d4ed8; color:#fff; }
.side h2 { font-size:11px; text-transform:uppercase; letter-spacing:.08em; color:#64748b; margin:18px 10px 6px; }
.main { padding:0 32px 40px; }
.top { display:flex; justify-content:space-between; align-items:center; padding:16px 0; border-bottom:1px solid var(--line); margin-bottom:24px; }
.top .who { color:var(--muted); font-size:14px; display:flex; gap:12px; align-items:center; }
h1 { font-size:24px; margin:0 0 4px; } .lede { color:var(--muted); margin:0 0 20px; }
h2.section { font-size:17px; margin:28px 0 10px; }
.cards { display:grid; grid-template-columns: repeat(auto-fill,minmax(200px,1fr)); gap:14px; margin-bottom:8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; }
.card .n { font-size:28px; font-weight:700; overflow-wrap:anywhere; } .cards.five .card .n { font-size:clamp(16px, 1.6vw, 28px); white-space:nowrap; } .card .l { color:var(--muted); font-size:13px; }
.panel { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:18px 20px; margin-bottom:18px; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; }
caption { text-align:left; font-weight:600; padding:0 0 8px; }
th, td { text-align:left; padding:9px 12px; border-bottom:1px solid var(--line); vertical-align:top; font-size:14px; }
th { background:#f0f3f8; font-weight:600; color:#334155; font-size:13px; }
tbody th { background:transparent; font-weight:600; color:var(--ink); font-size:14px; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tr:last-child td, tr:last-child th { border-bottom:none; }
.badge { display:inline-block; padding:2px 8px; border-radius:999px; font-size:12px; font-weight:600; }
.b-ok { background:var(--ok-bg); color:var(--ok); } .b-bad { background:var(--bad-bg); color:var(--bad); }
.b-warn { background:var(--warn-bg); color:var(--warn); } .b-muted { background:#eef1f5; color:#475569; }
.reason { color:var(--bad); font-size:13px; }
form.stack { display:grid; gap:14px; max-width:720px; }
.field label, .field .legend { display:block; font-weight:600; margin-bottom:4px; }
.field .help { color:var(--muted); font-size:13px; margin-top:3px; }
.field .err { color:var(--bad); font-size:13px; margin-top:3px; font-weight:600; }
.field.has-err input, .field.has-err textarea, .field.has-err select { border-color:var(--bad); background:#fffafa; }
input[type=text], input[type=password], input[type=url], input[type=number], select, textarea {
  width:100%; padding:8px 10px; border:1px solid #c6cdd8; border-radius:6px; font:inherit; background:#fff; }
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:13px; }
fieldset { border:1px solid var(--line); border-radius:8px; padding:12px 14px; margin:0; }
legend { font-weight:700; padding:0 6px; }
.checks { display:flex; flex-wrap:wrap; gap:6px 18px; }
.checks label { font-weight:400; }
.btn { display:inline-block; border:1px solid var(--brand); background:var(--brand); color:var(--brand-ink); padding:8px 14px;
  border-radius:6px; font:inherit; font-weight:600; cursor:pointer; text-decoration:none; }
.btn.secondary { background:#fff; color:var(--brand); } .btn.danger { background:#fff; color:var(--bad); border-color:var(--bad); }
.btn.small { padding:4px 10px; font-size:13px; }
.actions { display:flex; gap:10px; align-items:center; flex-wrap:wrap; }
.inline { display:inline; }
.flash { padding:10px 14px; border-radius:8px; margin-bottom:16px; font-weight:500; }
.flash.ok { background:var(--ok-bg); color:var(--ok); } .flash.bad { background:var(--bad-bg); color:var(--bad); }
pre.code { background:#0f172a; color:#e2e8f0; padding:14px; border-radius:8px; overflow:auto; font-size:13px; max-height:420px; }
.grid2 { display:grid; grid-template-columns: 1fr 1fr; gap:18px; }
dl.kv { display:grid; grid-template-columns: 180px 1fr; gap:6px 14px; margin:0; } dl.kv dt { color:var(--muted); } dl.kv dd { margin:0; }
.center { min-height:100vh; display:grid; place-items:center; }
.signin { width:400px; background:#fff; border:1px solid var(--line); border-radius:12px; padding:28px; box-shadow:0 10px 30px rgba(15,23,42,.08); }
.muted { color:var(--muted); } code { background:#eef1f5; padding:1px 5px; border-radius:4px; font-size:13px; }
.range { display:flex; gap:14px; align-items:flex-end; flex-wrap:wrap; margin-bottom:18px; background:var(--card);
  border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.range .field { min-width:160px; } .range input[type=date] { padding:7px 10px; border:1px solid #c6cdd8; border-radius:6px; font:inherit; }
.range select { min-width:180px; }
.chart { position:relative; width:100%; }
tfoot th, tfoot td { background:#f0f3f8; font-weight:700; border-top:2px solid #cbd5e1; border-bottom:none; }
tr.unattributed th, tr.unattributed td { background:#fbfcfe; }
td.chosen { background:#eff6ff; font-weight:700; }
.funnel td.bar-cell { width:45%; } .funnel .bar { display:block; height:14px; border-radius:4px; background:linear-gradient(90deg,#3b82f6,#22c55e); min-width:2px; }
details summary { cursor:pointer; color:var(--brand); font-weight:600; margin:10px 0; }
.panel table { border:none; } .panel h2.section { margin-top:0; }
.panel caption { font-weight:500; color:var(--muted); font-size:14px; }
.cards.five { grid-template-columns: repeat(5, minmax(0, 1fr)); }
td.nowrap, td code { white-space:nowrap; }
.panel { overflow-x:auto; } #touches th, #touches td { padding:8px 7px; font-size:13px; } .nowrap { white-space:nowrap; } td.sources { min-width:16ch; } td.sources code { display:block; white-space:normal; overflow-wrap:anywhere; }
table.reasons { margin-top:14px; }
`;
