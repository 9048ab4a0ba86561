/** Lines of .proto text for messages: where a pattern first occurs outside comments. */

/** 1-based line of the first match of `pattern` in `text` outside comments (line structure kept). */
export function lineOf(text: string, pattern: RegExp): number | undefined {
  const code = withoutComments(text);
  const m = pattern.exec(code);
  return m ? code.slice(0, m.index).split('\n').length : undefined;
}

/** `text` with its comments blanked out (line breaks kept); a `/*` inside a string (a path template) is no comment. */
function withoutComments(text: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') { out += ' '; i++; }
      out += text[i] ?? '';
      continue;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const comment = text.slice(i, end < 0 ? text.length : end + 2);
      out += comment.replace(/[^\n]/g, ' ');
      i += comment.length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/** `protos/x.proto:12`, or the path alone when the line is not known. */
export function where(place: { readonly path: string; readonly line?: number }): string {
  return place.line ? `${place.path}:${place.line}` : place.path;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
