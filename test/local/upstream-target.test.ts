import { upstreamTarget } from '../../local/api-gateway/integration';

/** What `new URL(base + path + ?query)` sends: the integration must forward exactly that. */
const viaUrl = (basePath: string, path: string, query: string) => {
  const url = new URL(`http://upstream${basePath}${path}${query ? `?${query}` : ''}`);
  return `${url.pathname}${url.search}`;
};

describe('the upstream request target', () => {
  it.each([
    ['', '/v1/users', ''],
    ['', '/v1/users/42', 'page=2&sort=-name'],
    ['/internal', '/42', 'a=%20b'],
    ['', '/v1/users/a%20b', ''],
    ['', '/v1/users', 'q=a b'],
    ['', '/v1/users', 'q="x"&y=<z>'],
    ['', '/v1/users', "q='x'"],
    ['', '/v1/users/\u00e9', 'q=\u00e9'],
    ['/base', '/a/../b', ''],
    ['', '/a/./b', 'x=1'],
    ['', '/v1/{x}', 'q=`^`'],
  ])('base %j, path %j, query %j: as a URL parser sends it', (basePath, path, query) => {
    expect(upstreamTarget(basePath, path, query)).toBe(viaUrl(basePath, path, query));
  });
});
