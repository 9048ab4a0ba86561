import { decideCanary, stickyBucket, type Identity } from '../../lambdas/authorizer/access';

/** An identity as authentication builds it; only the fields the canary decision reads matter. */
const identity = (consumer: string, over: { tierCanary?: boolean; canaryAllowed?: boolean } = {}): Identity => ({
  kind: 'api_key', principal: consumer, consumer, scopes: [], groups: [], rateKey: `c:${consumer}`,
  tier: { name: 'free', minute: 60, hour: 1000, canary: over.tierCanary ?? false } as Identity['tier'],
  canaryAllowed: over.canaryAllowed ?? true,
});
const consumers = Array.from({ length: 4000 }, (_, i) => `consumer-${i}`);
const share = (percentage: number) => consumers.filter((c) => decideCanary(identity(c), undefined, percentage)).length / consumers.length;

describe('the sticky canary percentage', () => {
  it.each([[5, 0.035, 0.065], [30, 0.27, 0.33], [50, 0.47, 0.53]])('sends about %i %% of eligible consumers to the canary', (percentage, low, high) => {
    expect(share(percentage)).toBeGreaterThan(low);
    expect(share(percentage)).toBeLessThan(high);
  });

  it('is sticky: a consumer gets the same answer every time, and stays in when the percentage grows', () => {
    const at10 = consumers.filter((c) => decideCanary(identity(c), undefined, 10));
    expect(consumers.filter((c) => decideCanary(identity(c), undefined, 10))).toEqual(at10);
    const at30 = new Set(consumers.filter((c) => decideCanary(identity(c), undefined, 30)));
    expect(at10.every((c) => at30.has(c))).toBe(true);
    expect(stickyBucket('consumer-1')).toBe(stickyBucket('consumer-1'));
  });

  it('sends nobody at 0 % and every eligible consumer at 100 %', () => {
    expect(share(0)).toBe(0);
    expect(share(100)).toBe(1);
  });

  it('honours the header only for eligible consumers: true joins, false opts out', () => {
    const inBucket = consumers.find((c) => decideCanary(identity(c), undefined, 50))!;
    expect(decideCanary(identity(inBucket), 'false', 50)).toBe(false);
    expect(decideCanary(identity(inBucket), ' FALSE ', 50)).toBe(false);
    const outOfBucket = consumers.find((c) => !decideCanary(identity(c), undefined, 50))!;
    expect(decideCanary(identity(outOfBucket), 'true', 50)).toBe(true);
    expect(decideCanary(identity(outOfBucket, { canaryAllowed: false }), 'true', 100)).toBe(false);
    expect(decideCanary(identity(outOfBucket, { canaryAllowed: false, tierCanary: true }), 'true', 0)).toBe(true);
  });
});
