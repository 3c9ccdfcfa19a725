/** A hand-written SVG: per algorithm, throughput over the own baseline and auth CPU per request, one bar per row. */
import { COLD_BAR, type Row, WARM_BAR } from './analysis.js';
import { ALGS } from './keys.js';
import { AUDGUARD, BASELINES, REFERENCE } from './protocol.js';
import type { Workload } from './rounds.js';

const SHORT_WORKLOAD: Record<Workload, string> = {
  baseline: 'baseline',
  'warm-1': 'warm, 1 token',
  'warm-1000': 'warm, 1k tokens',
  cold: 'cold',
  'cold-overflow': 'cold, > cache',
};

const LABEL_W = 330;
const PLOT_W = 300;
const GAP = 50;
const ROW_H = 18;
const PANEL_HEAD = 56;
const COLORS = { audguard: '#0f766e', reference: '#6b7280', peer: '#d97706' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (n: number) => (Number.isFinite(n) ? n : 0);

export function chartSvg(rows: readonly Row[], title: string): string {
  const width = LABEL_W + PLOT_W * 2 + GAP * 2 + 100;
  const panels = ALGS.map((alg) => rows.filter((r) => r.alg === alg && !BASELINES.includes(r.kind)));
  const height = 50 + panels.reduce((h, p) => h + PANEL_HEAD + p.length * ROW_H + 30, 0) + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    legend(LABEL_W, 40),
  ];
  let y = 50;
  ALGS.forEach((alg, i) => {
    const panel = panels[i] ?? [];
    parts.push(panelSvg(alg, panel, y));
    y += PANEL_HEAD + panel.length * ROW_H + 30;
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function legend(x: number, y: number): string {
  const items: [string, string][] = [
    ['audguard', COLORS.audguard],
    ['node:crypto reference', COLORS.reference],
    ['peers', COLORS.peer],
  ];
  return items
    .map(
      ([label, color], i) =>
        `<rect x="${x + i * 170}" y="${y - 10}" width="12" height="12" fill="${color}"/><text x="${x + i * 170 + 18}" y="${y}">${esc(label)}</text>`,
    )
    .join('');
}

function panelSvg(alg: string, rows: readonly Row[], top: number): string {
  const x1 = LABEL_W;
  const x2 = LABEL_W + PLOT_W + GAP;
  const plotTop = top + PANEL_HEAD;
  const plotH = rows.length * ROW_H;
  const maxRatio = Math.max(1.1, ...rows.map((r) => num(r.ratio)));
  const reference = rows.find((r) => r.kind === REFERENCE);
  const refAuth = num(reference?.authUsPerReq ?? 0);
  // Some peers cost many times more; clip their bars (the label keeps the value) so the rest stay readable.
  const core = Math.max(
    refAuth * COLD_BAR,
    ...rows.filter((r) => AUDGUARD.includes(r.kind)).map((r) => num(r.authUsPerReq)),
  );
  const maxAuth = Math.max(1, Math.min(Math.max(...rows.map((r) => num(r.authUsPerReq))), core * 3) * 1.05);
  const sx1 = (v: number) => x1 + (Math.max(0, v) / maxRatio) * PLOT_W;
  const sx2 = (v: number) => x2 + Math.min(1, Math.max(0, v) / maxAuth) * PLOT_W;
  const out: string[] = [
    `<text x="12" y="${top + 22}" font-size="14" font-weight="bold">${esc(alg)}</text>`,
    `<text x="${x1}" y="${top + 22}" font-weight="bold">Throughput ÷ same framework unprotected</text>`,
    `<text x="${x1}" y="${top + 38}" fill="#555">higher is better; dashed: the ${WARM_BAR}× warm bar</text>`,
    `<text x="${x2}" y="${top + 22}" font-weight="bold">Auth server CPU, µs per request</text>`,
    `<text x="${x2}" y="${top + 38}" fill="#555">lower is better; grey line: reference, dashed: ${COLD_BAR}× reference</text>`,
  ];
  rows.forEach((r, i) => {
    const y = plotTop + i * ROW_H;
    const color = AUDGUARD.includes(r.kind)
      ? COLORS.audguard
      : r.kind === REFERENCE
        ? COLORS.reference
        : COLORS.peer;
    if (i % 2 === 0)
      out.push(`<rect x="8" y="${y}" width="${x2 + PLOT_W - 8}" height="${ROW_H}" fill="#f3f4f6"/>`);
    out.push(
      `<text x="${x1 - 8}" y="${y + 13}" text-anchor="end">${esc(`${r.target} — ${SHORT_WORKLOAD[r.workload]}`)}</text>`,
      `<rect x="${x1}" y="${y + 3}" width="${(sx1(num(r.ratio)) - x1).toFixed(1)}" height="${ROW_H - 6}" fill="${color}"/>`,
      `<text x="${sx1(num(r.ratio)) + 4}" y="${y + 13}" font-size="11">${num(r.ratio).toFixed(2)}×</text>`,
      `<rect x="${x2}" y="${y + 3}" width="${(sx2(num(r.authUsPerReq)) - x2).toFixed(1)}" height="${ROW_H - 6}" fill="${color}"/>`,
      `<text x="${sx2(num(r.authUsPerReq)) + 4}" y="${y + 13}" font-size="11">${num(r.authUsPerReq).toFixed(1)}${num(r.authUsPerReq) > maxAuth ? ' (clipped)' : ''}</text>`,
    );
  });
  const axis = (x: number, dashed: boolean, color: string) =>
    `<line x1="${x.toFixed(1)}" y1="${plotTop - 4}" x2="${x.toFixed(1)}" y2="${plotTop + plotH + 4}" stroke="${color}" stroke-width="1.5"${dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
  out.push(axis(x1, false, '#111'), axis(sx1(1), false, '#9ca3af'), axis(sx1(WARM_BAR), true, '#dc2626'));
  out.push(
    `<text x="${sx1(1)}" y="${plotTop + plotH + 16}" text-anchor="middle" font-size="11">1.0</text>`,
    `<text x="${sx1(WARM_BAR)}" y="${plotTop + plotH + 16}" text-anchor="end" font-size="11" fill="#dc2626">${WARM_BAR}</text>`,
  );
  out.push(axis(x2, false, '#111'));
  if (refAuth > 0) {
    out.push(axis(sx2(refAuth), false, '#6b7280'), axis(sx2(refAuth * COLD_BAR), true, '#dc2626'));
    out.push(
      `<text x="${sx2(refAuth * COLD_BAR)}" y="${plotTop + plotH + 16}" text-anchor="middle" font-size="11" fill="#dc2626">${(refAuth * COLD_BAR).toFixed(1)}</text>`,
    );
  }
  return out.join('\n');
}
