// Client for the Prometheus HTTP API v1 served by vigie (and by Prometheus itself).

export type Labels = Record<string, string>;
export type SamplePair = [number, string];
export interface VectorSample { metric: Labels; value: SamplePair }
export interface MatrixSeries { metric: Labels; values: SamplePair[] }
export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export class ApiError extends Error {
  constructor(public errorType: string, message: string) { super(message); }
}

interface Envelope<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export async function get<T>(path: string, params: Record<string, string | string[]> = {},
                             signal?: AbortSignal): Promise<T> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
  }
  const url = qs.toString() ? `${path}?${qs}` : path;
  let resp: Response;
  try {
    resp = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError('network', `cannot reach the server: ${(e as Error).message}`);
  }
  let body: Envelope<T>;
  try {
    body = await resp.json();
  } catch {
    throw new ApiError('bad_response', `HTTP ${resp.status} with a body that is not JSON`);
  }
  if (body.status !== 'success') {
    throw new ApiError(body.errorType || 'error', body.error || `HTTP ${resp.status}`);
  }
  return body.data as T;
}

export function queryRange(expr: string, start: number, end: number, step: number,
                           signal?: AbortSignal): Promise<QueryData> {
  return get<QueryData>('/api/v1/query_range', {
    query: expr, start: String(start), end: String(end), step: String(step),
  }, signal);
}

export function queryInstant(expr: string, time: number, signal?: AbortSignal): Promise<QueryData> {
  return get<QueryData>('/api/v1/query', { query: expr, time: String(time) }, signal);
}

export const metricNames = () => get<string[]>('/api/v1/label/__name__/values');
export const labelNames = (match?: string) =>
  get<string[]>('/api/v1/labels', match ? { 'match[]': match } : {});
export const labelValues = (name: string, match?: string) =>
  get<string[]>(`/api/v1/label/${encodeURIComponent(name)}/values`, match ? { 'match[]': match } : {});

export interface Target {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl?: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval?: string;
  scrapeTimeout?: string;
}
export interface TargetsData { activeTargets: Target[]; droppedTargets: { discoveredLabels: Labels }[] }
export const targets = () => get<TargetsData>('/api/v1/targets');

export function formatLabels(metric: Labels): string {
  const name = metric.__name__ || '';
  const rest = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${rest.join(', ')}}`;
}
