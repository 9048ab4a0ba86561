import { compareTemplates, matchPathTemplate, parsePathTemplate, templateShape, templateUnderPrefix, type PathTemplate } from '../../lib/grpc/path-template';

/** google.api.HttpRule path templates (google/api/http.proto): parsing, matching, precedence. */
const template = (text: string): PathTemplate => {
  const parsed = parsePathTemplate(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
};
const problemOf = (text: string) => {
  const parsed = parsePathTemplate(text);
  return 'problem' in parsed ? parsed.problem : 'parsed';
};

describe('parsing a path template', () => {
  it('reads literal segments, * and **, {field} and {field=sub/*/path}, nested fields and a verb', () => {
    expect(template('/v1/shelves/*/books/**')).toMatchObject({ segments: [{ kind: 'literal', value: 'v1' }, { kind: 'literal', value: 'shelves' }, { kind: 'any' }, { kind: 'literal', value: 'books' }, { kind: 'rest' }], variables: [] });
    expect(template('/v1/{name=shelves/*/books/*}:cancel')).toMatchObject({
      segments: [{ kind: 'literal', value: 'v1' }, { kind: 'literal', value: 'shelves' }, { kind: 'any' }, { kind: 'literal', value: 'books' }, { kind: 'any' }],
      variables: [{ fieldPath: ['name'], start: 1, end: 5 }],
      verb: 'cancel',
    });
    expect(template('/v1/{book.shelf.id}/{page}').variables).toEqual([{ fieldPath: ['book', 'shelf', 'id'], start: 1, end: 2 }, { fieldPath: ['page'], start: 2, end: 3 }]);
  });

  it.each([
    ['v1/things', '"v1/things" does not start with /'],
    ['/', '"/" has no segment after /'],
    ['/v1//things', '"/v1//things": an empty segment (//)'],
    ['/v1/**/things', '"/v1/**/things": ** must be the last segment (before a :verb)'],
    ['/v1/{name=shelves/{id}}', '"/v1/{name=shelves/{id}}": variable {name=shelves/{id}} is not {field} or {field=segments} (variables do not nest)'],
    ['/v1/{name', '"/v1/{name": variable {name is not {field} or {field=segments} (variables do not nest)'],
    ['/v1/{a-b}', '"/v1/{a-b}": "a-b" is not a field path (identifiers joined by .)'],
    ['/v1/{id}/{id}', '"/v1/{id}/{id}": field id is bound twice'],
    ['/v1/th{id}', '"/v1/th{id}": "th{id}": braces only around a whole variable segment'],
    ['/v1/things:can/cel', '"/v1/things:can/cel": "things:can" is not a literal segment (letters, digits, - . _ ~ and %XX)'],
    ['/v1/a b', '"/v1/a b": "a b" is not a literal segment (letters, digits, - . _ ~ and %XX)'],
  ])('refuses %s', (text, problem) => {
    expect(problemOf(text)).toBe(problem);
  });
});

describe('matching a path', () => {
  it('binds a single-segment variable, percent-decoded', () => {
    expect(matchPathTemplate(template('/v1/echo/{id}'), '/v1/echo/a%20b')).toEqual({ id: 'a b' });
    expect(matchPathTemplate(template('/v1/echo/{id}'), '/v1/echo/a%2Fb')).toEqual({ id: 'a/b' });
  });

  it('binds a multi-segment variable with its slashes, keeping an encoded %2F', () => {
    const t = template('/v1/{name=shelves/*/things/*}');
    expect(matchPathTemplate(t, '/v1/shelves/s1/things/t%201')).toEqual({ name: 'shelves/s1/things/t 1' });
    expect(matchPathTemplate(t, '/v1/shelves/a%2Fb/things/t')).toEqual({ name: 'shelves/a%2Fb/things/t' });
    expect(matchPathTemplate(t, '/v1/shelves/s1/books/t')).toBeUndefined();
    expect(matchPathTemplate(t, '/v1/shelves/s1/things')).toBeUndefined();
  });

  it('lets ** take the rest of the path, none of it included', () => {
    const t = template('/v1/things/{name=**}');
    expect(matchPathTemplate(t, '/v1/things/a/b/c')).toEqual({ name: 'a/b/c' });
    expect(matchPathTemplate(t, '/v1/things')).toEqual({ name: '' });
  });

  it('takes a verb after the last segment, also percent-encoded as API Gateway may forward it', () => {
    const t = template('/v1/{name=shelves/*/things/*}:cancel');
    expect(matchPathTemplate(t, '/v1/shelves/s/things/t:cancel')).toEqual({ name: 'shelves/s/things/t' });
    expect(matchPathTemplate(t, '/v1/shelves/s/things/t%3Acancel')).toEqual({ name: 'shelves/s/things/t' });
    expect(matchPathTemplate(t, '/v1/shelves/s/things/t')).toBeUndefined();
    expect(matchPathTemplate(t, '/v1/shelves/s/things/t:undo')).toBeUndefined();
  });

  it('matches literal segments exactly, and no empty segment or trailing slash', () => {
    const t = template('/v1/things');
    expect(matchPathTemplate(t, '/v1/things')).toEqual({});
    expect(matchPathTemplate(t, '/v1/things/')).toBeUndefined();
    expect(matchPathTemplate(t, '/v1/Things')).toBeUndefined();
    expect(matchPathTemplate(template('/v1/{id}'), '/v1/')).toBeUndefined();
  });
});

describe('which template wins when several match', () => {
  it('prefers a verb, then literals over * over **, segment by segment', () => {
    const sorted = ['/v1/{name=**}', '/v1/{id}/name', '/v1/things/name', '/v1/{name=**}:cancel']
      .map(template).sort(compareTemplates).map((t) => t.text);
    expect(sorted).toEqual(['/v1/{name=**}:cancel', '/v1/things/name', '/v1/{id}/name', '/v1/{name=**}']);
  });

  it('gives two templates that differ only in variable names one shape', () => {
    expect(templateShape(template('/v1/{name=shelves/*}'))).toBe(templateShape(template('/v1/shelves/{id}')));
    expect(templateShape(template('/v1/{name=shelves/*}:cancel'))).toBe('/v1/shelves/*:cancel');
  });
});

describe('whether a route path reaches a template (Kong prefix semantics)', () => {
  it.each([
    ['/v1/{name=shelves/*/things/*}', '/v1/shelves', true],
    ['/v1/{name=shelves/*/things/*}', '/v1/shelves/{id}/things', true],
    ['/v1/{name=shelves/*/things/*}', '/v1/shelves/s1/things/t1', true],
    ['/v1/{name=shelves/*/things/*}', '/v1/books', false],
    ['/v1/{name=shelves/*}', '/v1/shelves/s1/things', false],
    ['/v1/things/{name=**}', '/v1/things/a/b/c/d', true],
    ['/v1/{name=shelves/*}:cancel', '/v1/shelves/s1', false],
    ['/v1/{name=shelves/*}:cancel', '/v1/shelves/{id}', true],
    ['/v1/things', '/', true],
  ])('%s under %s: %s', (text, prefix, expected) => {
    expect(templateUnderPrefix(template(text), prefix)).toBe(expected);
  });
});
