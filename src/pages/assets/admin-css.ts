// Styles of the administration and review pages, appended to app.css (same look, a few more parts).
export const ADMIN_CSS = `
.subnav { margin: 0 0 1.25rem; }
.subnav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; margin: 0; padding: 0; list-style: none; border-bottom: 2px solid var(--line); }
.subnav a { display: inline-block; padding: 0.5rem 0.9rem; color: var(--navy); text-decoration: none; border-radius: var(--radius) var(--radius) 0 0; }
.subnav a:hover { background: var(--navy-tint); }
.subnav a[aria-current="page"] { background: var(--navy); color: #fff; font-weight: 700; }
.table-wrap { overflow-x: auto; margin: 0 0 1rem; }
.table-wrap .table th { white-space: nowrap; }
.table-wrap td.mono { white-space: nowrap; }
.table td.num, .table th.num { text-align: right; font-variant-numeric: tabular-nums; }
.toolbar { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem 1rem; margin: 0 0 1rem; }
.toolbar .field { margin: 0; }
.choices { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: var(--radius); }
.choices legend { padding: 0 0.25rem; font-weight: 700; }
.choice { display: flex; gap: 0.5rem; align-items: baseline; margin: 0.35rem 0; }
.choice input { width: 1.1rem; height: 1.1rem; }
.secret { display: inline-block; padding: 0.5rem 0.9rem; border: 2px dashed var(--navy); border-radius: var(--radius); font-family: ui-monospace, monospace; font-size: 1.25rem; letter-spacing: 0.05em; user-select: all; }
.action-grid { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0 0 1rem; }
.action-grid form { margin: 0; }
.button--danger { background: #a61b1b; border-color: #a61b1b; color: #fff; }
.button--danger:hover { background: #861414; }
.problems { margin: 0.5rem 0 0; padding-left: 1.25rem; }
.rows { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem 0.75rem; }
.rows input { width: 100%; }
.app-details summary { cursor: pointer; color: var(--navy); }
.app-details ul { margin: 0.25rem 0; padding-left: 1.1rem; }
.inline-fields { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; }
.inline-fields textarea { min-width: 16rem; min-height: 3rem; }
@media (max-width: 40rem) { .rows { grid-template-columns: 1fr; } }
`;
