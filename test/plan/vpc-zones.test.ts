import { parseConfig } from '../../lib/checks/load';
import { planConfig } from '../../lib/plan/plan';
import { edit, FILE } from '../config/fixtures';

describe('plan of a VPC with named zones', () => {
  it('counts the zones availability_zones names, as synth builds them (not the default max_azs)', () => {
    const text = edit(['    domains:\n      internal:', '    vpc: { availability_zones: [eu-west-1a, eu-west-1b], nat_gateways: 2 }\n    domains:\n      internal:']);
    const [plan] = planConfig(parseConfig(text, FILE));
    expect(plan.availability.mitigations).toContain("one NAT gateway per AZ (2/2): an AZ outage does not cut the authorizer's egress (JWKS refresh)");
  });
});
