// PromQL vocabulary for highlighting and completion.

export const AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count',
  'count_values', 'bottomk', 'topk', 'quantile'];
export const KEYWORDS = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset',
  'bool', 'and', 'or', 'unless', 'atan2', 'start', 'end'];
export const FUNCTIONS = ['abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh',
  'atan', 'atanh', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos',
  'cosh', 'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg',
  'delta', 'deriv', 'exp', 'floor', 'histogram_quantile', 'holt_winters', 'hour', 'idelta',
  'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2',
  'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear',
  'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn',
  'sin', 'sinh', 'sort', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time',
  'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year'];

export type TokenKind = 'metric' | 'function' | 'keyword' | 'string' | 'number' | 'duration' |
  'label' | 'operator' | 'comment' | 'paren' | 'space' | 'other';
export interface Token { kind: TokenKind; text: string; start: number }

const FN = new Set([...FUNCTIONS, ...AGGREGATIONS]);
const KW = new Set(KEYWORDS);

// Splits an expression into tokens for colouring; never throws, whatever the input.
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let braceDepth = 0;
  let bracketDepth = 0;
  const push = (kind: TokenKind, end: number) => {
    out.push({ kind, text: src.slice(i, end), start: i });
    i = end;
  };
  while (i < src.length) {
    const c = src[i];
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      push('comment', nl < 0 ? src.length : nl);
    } else if (/\s/.test(c)) {
      push('space', i + (/^\s+/.exec(rest) as RegExpExecArray)[0].length);
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c !== '`' ? 2 : 1;
      push('string', Math.min(j + 1, src.length));
    } else if (bracketDepth > 0 && (m = /^[0-9]+[a-z]+(?:[0-9]+[a-z]+)*/.exec(rest))) {
      push('duration', i + m[0].length);
    } else if ((m = /^(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(?:[smhdwy]|ms)?/.exec(rest))) {
      push(/[smhdwy]$/.test(m[0]) && !/^0x/.test(m[0]) ? 'duration' : 'number', i + m[0].length);
    } else if ((m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest))) {
      const word = m[0];
      let kind: TokenKind;
      if (braceDepth > 0) kind = 'label';
      else if (KW.has(word.toLowerCase())) kind = 'keyword';
      else if (FN.has(word) && /^\s*\(/.test(src.slice(i + word.length))) kind = 'function';
      else if (/^(inf|nan)$/i.test(word)) kind = 'number';
      else if (/^\s*\(/.test(src.slice(i + word.length))) kind = 'label';  // by (a, b) lists
      else kind = 'metric';
      push(kind, i + word.length);
    } else if ('{}()[]'.includes(c)) {
      if (c === '{') braceDepth++;
      if (c === '}') braceDepth = Math.max(0, braceDepth - 1);
      if (c === '[') bracketDepth++;
      if (c === ']') bracketDepth = Math.max(0, bracketDepth - 1);
      push('paren', i + 1);
    } else if ((m = /^(?:=~|!~|!=|==|>=|<=|[-+*/%^=<>,@:])/.exec(rest))) {
      push('operator', i + m[0].length);
    } else {
      push('other', i + 1);
    }
  }
  return out;
}

export type CompletionContext =
  | { kind: 'metric-or-function'; prefix: string; from: number }
  | { kind: 'label-name'; metric: string; prefix: string; from: number }
  | { kind: 'label-value'; metric: string; label: string; prefix: string; from: number }
  | { kind: 'none' };

// Works out what can be completed at `pos` from the text before it.
export function completionContext(src: string, pos: number): CompletionContext {
  const before = src.slice(0, pos);
  // Inside a quoted label value: name="pre|
  let m = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\{([^{}]*?,\s*|\s*)([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)$/.exec(before);
  if (m) {
    return { kind: 'label-value', metric: m[1] || '', label: m[3], prefix: m[5], from: pos - m[5].length };
  }
  // A label name inside braces: metric{a="1", pr|
  m = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*?(?:^|[{,]\s*)([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(before);
  if (m && before.lastIndexOf('{') > before.lastIndexOf('}')) {
    const prefix = m[2] || '';
    return { kind: 'label-name', metric: m[1] || '', prefix, from: pos - prefix.length };
  }
  // by (lab| / without (... / on (... / ignoring (...
  m = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^()]*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(before);
  if (m) {
    const prefix = m[2] || '';
    return { kind: 'label-name', metric: '', prefix, from: pos - prefix.length };
  }
  m = /[a-zA-Z_:][a-zA-Z0-9_:]*$/.exec(before);
  if (m && !/[\[\d]$/.test(before.slice(0, pos - m[0].length))) {
    return { kind: 'metric-or-function', prefix: m[0], from: pos - m[0].length };
  }
  return { kind: 'none' };
}
