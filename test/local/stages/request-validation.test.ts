import type { RouteConfig } from '../../../lib/config/schema';
import { requestValidation } from '../../../local/api-gateway/stages/request-validation';
import { apiRequest, bodyOf, matchedContext, route } from './fixtures';

const orders = route({ name: 'orders', service: 'orders-service' });
const routes = new Map<string, RouteConfig>([['orders', orders]]);

function contextWith(errors: string | undefined, authorizer: Record<string, string> = {}) {
  const calls: unknown[] = [];
  const ctx = matchedContext(apiRequest({ method: 'POST', body: Buffer.from('{"a":1}') }), {
    routes,
    validator: { validate: (r, method, body) => { calls.push([r.name, method, body.toString()]); return errors; } },
  });
  ctx.authorizer = authorizer;
  return { ctx, calls };
}

describe('requestValidation', () => {
  it('takes the route the authorizer chose and logs it', () => {
    const { ctx } = contextWith(undefined, { route: 'orders' });
    expect(requestValidation(ctx)).toBeUndefined();
    expect(ctx.route).toBe(orders);
    expect(ctx.log.route).toBe('orders');
  });

  it('keeps the primary route in the log when the authorizer names no known route', () => {
    const { ctx } = contextWith(undefined, { route: 'gone' });
    requestValidation(ctx);
    expect(ctx.route).toBeUndefined();
    expect(ctx.log.route).toBe('users');
  });

  it('validates the body against the primary route\'s schema and answers BAD_REQUEST_BODY with the errors', () => {
    const { ctx, calls } = contextWith('[/ must have required property \'name\']', { consumer: 'acme' });
    const res = requestValidation(ctx);
    expect(calls).toEqual([['users', 'POST', '{"a":1}']]);
    expect(res).toMatchObject({ statusCode: 400, log: { error: 'BAD_REQUEST_BODY' } });
    expect(bodyOf(res as { body: string })).toEqual({ type: 'BAD_REQUEST_BODY', authorizer: { consumer: 'acme' }, validationErrors: '[/ must have required property \'name\']' });
  });
});
