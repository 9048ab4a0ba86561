import { CognitoJwtVerifier } from 'aws-jwt-verify/cognito-verifier';
import { cognitoIssuerType, cognitoIssuerUrl } from '../../lib/contract/issuers';

describe('the Cognito issuer URLs', () => {
  const pool = 'eu-west-2_MultiRgn1';

  it('names the pool\'s own (primary) region in both formats', () => {
    expect(cognitoIssuerUrl(pool, 'ORIGINAL')).toBe('https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_MultiRgn1');
    expect(cognitoIssuerUrl(pool, 'UPDATED')).toBe('https://issuer-cognito-idp.eu-west-2.amazonaws.com/eu-west-2_MultiRgn1');
  });

  it.each(['eu-west-2_MultiRgn1', 'us-gov-west-1_AbC123', 'eusc-de-east-1_Pool9'])('agree with aws-jwt-verify\'s parseUserPoolId for %s', (id) => {
    const original = cognitoIssuerUrl(id, 'ORIGINAL');
    const updated = cognitoIssuerUrl(id, 'UPDATED');
    expect(CognitoJwtVerifier.parseUserPoolId(id).issuer).toBe(original);
    expect(CognitoJwtVerifier.parseUserPoolId(id, updated).issuer).toBe(updated);
  });
});

describe('the issuer type of an environment\'s pool', () => {
  it('stays Cognito\'s default (ORIGINAL) with one region, written or not', () => {
    expect(cognitoIssuerType({ region: 'eu-west-2' })).toBe('ORIGINAL');
    expect(cognitoIssuerType({ region: 'eu-west-2', regions: ['eu-west-2'] })).toBe('ORIGINAL');
  });

  it('is UPDATED with 2 or more regions', () => {
    expect(cognitoIssuerType({ region: 'eu-west-2', regions: ['eu-west-2', 'eu-west-1'] })).toBe('UPDATED');
  });
});
