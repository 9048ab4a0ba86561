import { matchBinding } from '../../lib/grpc';
import { kitchen } from './support/kitchen';

/** The REST bindings of a service: google.api.http annotations, and the config's `mappings` beside or instead of them. */
const bound = (service: ReturnType<typeof kitchen>, method: string, path: string) => {
  const match = matchBinding(service, method, path);
  return match.binding ? { method: match.binding.method.name, variables: match.variables } : { status: match.statusCode };
};

describe('bindings from the config (mappings)', () => {
  it('adds a binding to a method the protos leave unannotated', () => {
    const service = kitchen({ mappings: [{ method: 'CancelThing', delete: '/v2/{name=shelves/*/things/*}/cancel' }] });
    expect(bound(service, 'DELETE', '/v2/shelves/s/things/t/cancel')).toEqual({ method: 'CancelThing', variables: { name: 'shelves/s/things/t' } });
    // The annotation of another HTTP method stays.
    expect(bound(service, 'POST', '/v1/shelves/s/things/t:cancel')).toEqual({ method: 'CancelThing', variables: { name: 'shelves/s/things/t' } });
  });

  it('replaces the annotations of the same method and HTTP method', () => {
    const service = kitchen({ mappings: [{ method: 'GetThing', get: '/v2/things/{name}' }] });
    expect(bound(service, 'GET', '/v2/things/t1')).toEqual({ method: 'GetThing', variables: { name: 't1' } });
    // Both GET bindings of the annotation (the rule and its additional binding) are replaced.
    expect(bound(service, 'GET', '/v1/shelves/s/things/t')).toEqual({ status: 405 });
    expect(bound(service, 'GET', '/v1/things/a/b')).toEqual({ status: 404 });
  });
});

describe('choosing among bindings that match one path', () => {
  it('takes the most specific template: a literal segment over a variable', () => {
    const service = kitchen({ mappings: [{ method: 'ListThings', get: '/v1/echo/all/name' }] });
    expect(bound(service, 'GET', '/v1/echo/all/name')).toMatchObject({ method: 'ListThings' });
    expect(bound(service, 'GET', '/v1/echo/7/name')).toMatchObject({ method: 'EchoName', variables: { id: '7' } });
  });

  it('tells the custom verb binding from the plain one on the same path', () => {
    const service = kitchen();
    expect(bound(service, 'POST', '/v1/shelves/s/things/t:cancel')).toMatchObject({ method: 'CancelThing' });
    expect(bound(service, 'DELETE', '/v1/shelves/s/things/t')).toMatchObject({ method: 'DeleteThing' });
  });
});
