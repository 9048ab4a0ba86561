import { WCU_LIMIT } from '../../lib/config/aws-limits';
import type { KeyProblem } from '../../lib/config/errors';
import { checkWebAclCapacity } from '../../lib/checks/edge-limits';
import { refusesEach } from '../config/bad-config';
import { SYNTH_RULES_AT_LOAD } from './synth-rule-cases';

/** The rules that threw during synth now refuse the config at load, with file, line and key. */
describe('rules synth used to enforce, checked at load', () => {
  refusesEach(SYNTH_RULES_AT_LOAD);

  // Today's edge rules cost at most 1264 WCU, so no config reaches this rule through the plan.
  it('refuses an edge web ACL over WAF\'s capacity, naming what to turn off', () => {
    const problems: KeyProblem[] = [];
    checkWebAclCapacity(WCU_LIMIT + 1, (key, message) => problems.push({ key, message }));
    expect(problems).toEqual([{ key: ['security', 'waf'], message: `the edge web ACL needs 1501 WCU, more than WAF's limit of 1500; turn off security.waf.bot_control or a geo list` }]);
  });

  it('accepts a web ACL at exactly the limit', () => {
    const problems: KeyProblem[] = [];
    checkWebAclCapacity(WCU_LIMIT, (key, message) => problems.push({ key, message }));
    expect(problems).toEqual([]);
  });
});
