// The sign-in log's chart: sign-ins per hour by result as server-rendered SVG (no script, so the
// strict CSP holds), with the same numbers in a table for screen readers.
import type { HourCount } from './signInLog.js';

export const chartSeries = [
  { key: 'success', label: 'Success', color: '#1a7f37' },
  { key: 'mfa-failed', label: 'MFA failed', color: '#b35900' },
  { key: 'blocked', label: 'Blocked', color: '#b3261e' },
] as const;

export interface Chart {
  width: number;
  height: number;
  max: number;
  bars: { x: number; y: number; width: number; height: number; color: string; title: string }[];
  hours: HourCount[];
  series: typeof chartSeries;
}

export function hourChart(hours: HourCount[]): Chart | undefined {
  if (!hours.length) return undefined;
  const height = 160;
  const slot = Math.max(6, Math.min(36, Math.floor(720 / hours.length)));
  const bar = Math.max(2, Math.floor((slot - 2) / chartSeries.length));
  const max = Math.max(1, ...hours.flatMap((hour) => chartSeries.map((series) => hour[series.key])));
  const bars = hours.flatMap((hour, index) => chartSeries.map((series, s) => {
    const value = hour[series.key];
    const h = Math.round((value / max) * (height - 10));
    return { x: index * slot + s * bar, y: height - h, width: bar, height: h, color: series.color, title: `${hour.hour.slice(0, 13).replace('T', ' ')}h: ${value} ${series.label.toLowerCase()}` };
  }));
  return { width: hours.length * slot, height, max, bars, hours, series: chartSeries };
}
