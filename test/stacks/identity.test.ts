import { Match } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../lib/config/errors';
import { minimalConfig } from '../support/config-text';
import { findingsIn, type NagFinding } from '../support/synth';
import { formatFindings, synthesizeFoundation } from './foundation-synth';

const identityFindings = (findings: NagFinding[]) => formatFindings(findingsIn(findings, 'Identity'));

/** The federated Cognito setup of these tests; what each test varies is an option. */
const federatedCognito = (opts: { mfa?: string; threat?: string; oidcSecret?: object }) => ({
  domain_prefix: 'fed-auth',
  mfa: opts.mfa ?? 'required',
  threat_protection: opts.threat ?? 'audit',
  resource_servers: [{ identifier: 'echo', name: 'Echo', scopes: [{ name: 'read', description: 'Read echoes' }] }],
  machine_clients: [{ name: 'batch', scopes: ['echo/read'], access_token_minutes: 15 }],
  public_clients: [{
    name: 'spa', callback_urls: ['https://app.example.com/callback'], scopes: ['openid', 'echo/read'],
    identity_providers: ['cognito', 'corp-saml', 'corp-oidc'], access_token_minutes: 30, refresh_token_days: 7,
  }],
  federation: {
    saml: [{ name: 'corp-saml', metadata_url: 'https://idp.example.com/saml/metadata' }],
    oidc: [{ name: 'corp-oidc', issuer: 'https://login.example.com', client_id: 'fed-client', client_secret: opts.oidcSecret ?? { secrets_manager: 'fed/oidc-client-secret' } }],
  },
});

/** The minimal gateway (public services only) with federated Cognito. */
const federatedYaml = (opts: { compliance?: string[]; threat?: string; mfa?: string; oidcSecret?: object; cognito?: boolean } = {}) => minimalConfig({
  compliance: opts.compliance ?? ['hipaa'],
  rate_limiting: { strategy: 'local' },
  ...(opts.cognito === false ? {} : { identity: { cognito: federatedCognito(opts) } }),
});

describe('identity stack of the root gateway.config.yaml (soc2)', () => {
  const synth = synthesizeFoundation({ file: 'gateway.config.yaml' }, { environment: 'dev' });
  const template = synth.template('Identity');
  const serverRef = { Ref: Object.keys(template.findResources('AWS::Cognito::UserPoolResourceServer'))[0] };
  const scope = (name: string) => ({ 'Fn::Join': ['', [serverRef, `/${name}`]] });

  it('creates an admin-only user pool on the Plus plan with enforced threat protection and deletion protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      DeletionProtection: 'ACTIVE',
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  it('requires TOTP MFA (no SMS) and a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
    });
  });

  it('defines the resource server with the configured scopes and the hosted domain', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'users',
      Name: 'User API',
      Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read users' }, { ScopeName: 'write', ScopeDescription: 'Create and change users' }],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'gatehouse-example-dev' });
  });

  it('gives the machine client a secret, the client credentials grant only and its scopes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'partner-batch',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [scope('read')],
      AccessTokenValidity: 60,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes' }),
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('makes the browser client public: no secret, code grant (PKCE) only, its URLs and a 30-day refresh token', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'web-console',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', scope('read'), scope('write')],
      CallbackURLs: ['https://console.example.com/callback', 'http://localhost:3000/callback'],
      LogoutURLs: ['https://console.example.com/'],
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: Match.objectLike({ RefreshToken: 'minutes' }),
      SupportedIdentityProviders: ['COGNITO'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('exposes the user pool and a client id per configured client', () => {
    expect(synth.identity.userPool).toBeDefined();
    const clients = template.findResources('AWS::Cognito::UserPoolClient');
    const byName = Object.fromEntries(Object.entries(clients).map(([id, r]) => [r.Properties.ClientName, { Ref: id }]));
    expect(Object.fromEntries(Object.entries(synth.identity.clientIds).map(([name, id]) => [name, synth.identity.resolve(id)]))).toEqual(byName);
    expect(Object.keys(byName).sort()).toEqual(['partner-batch', 'web-console']);
  });

  it('has no unacknowledged compliance finding', () => {
    expect(identityFindings(synth.findings)).toBe('');
  });
});

describe('identity stack with federation (hipaa, threat protection audit, MFA required)', () => {
  const synth = synthesizeFoundation({ yaml: federatedYaml() });
  const template = synth.template('Identity');

  it('audits risks without acting on them and requires TOTP MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('adds the SAML provider from its metadata URL', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'corp-saml',
      ProviderType: 'SAML',
      ProviderDetails: Match.objectLike({ MetadataURL: 'https://idp.example.com/saml/metadata' }),
    });
  });

  it('adds the OIDC provider with its secret as a Secrets Manager dynamic reference, never a literal', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'corp-oidc',
      ProviderType: 'OIDC',
      ProviderDetails: Match.objectLike({
        client_id: 'fed-client',
        client_secret: '{{resolve:secretsmanager:fed/oidc-client-secret:SecretString:::}}',
        oidc_issuer: 'https://login.example.com',
        authorize_scopes: 'openid email',
      }),
    });
  });

  it('lets the public client sign in through Cognito and both federated providers, created first', () => {
    const clients = template.findResources('AWS::Cognito::UserPoolClient', { Properties: { ClientName: 'spa' } });
    const [spa] = Object.values(clients);
    expect(spa.Properties).toMatchObject({
      SupportedIdentityProviders: ['COGNITO', 'corp-saml', 'corp-oidc'],
      AccessTokenValidity: 30,
      RefreshTokenValidity: 7 * 24 * 60,
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
    });
    const providers = Object.keys(template.findResources('AWS::Cognito::UserPoolIdentityProvider'));
    expect(spa.DependsOn).toEqual(expect.arrayContaining(providers));
  });

  it('has no unacknowledged compliance finding', () => {
    expect(identityFindings(synth.findings)).toBe('');
  });
});

describe('identity stack options', () => {
  it('uses the Essentials plan and no threat protection when threat_protection is off', () => {
    const synth = synthesizeFoundation({ yaml: federatedYaml({ threat: 'off', mfa: 'off', compliance: ['gdpr'] }) });
    synth.template('Identity').hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      UserPoolAddOns: Match.absent(),
      MfaConfiguration: 'OFF',
    });
    expect(identityFindings(synth.findings)).toBe('');
  });

  it.each([[['gdpr']], [[]]])('accepts optional MFA with compliance %j', (compliance) => {
    const synth = synthesizeFoundation({ yaml: federatedYaml({ compliance, mfa: 'optional', threat: 'enforced' }) });
    expect(identityFindings(synth.findings)).toBe('');
  });

  // What the compliance gate would find (AwsSolutions-COG2, COG8) is refused by the loader already;
  // test/compliance/findings-speak-config.test.ts shows synth past the loader finds the same.
  it.each([[['pci-dss']], [['hipaa']], [['soc2']]])('refuses optional MFA and no threat protection under %j before synth', (compliance) => {
    expect(() => synthesizeFoundation({ yaml: federatedYaml({ compliance, mfa: 'optional', threat: 'off' }) }))
      .toThrow(/identity\.cognito\.mfa: "optional", but compliance .+\n.+identity\.cognito\.threat_protection: "off", but compliance /);
  });

  it('rejects an OIDC client secret in SSM, which CloudFormation cannot resolve for Cognito', () => {
    expect(() => synthesizeFoundation({ yaml: federatedYaml({ oidcSecret: { ssm: '/fed/oidc-client-secret' } }) }))
      .toThrow(ConfigError);
    expect(() => synthesizeFoundation({ yaml: federatedYaml({ oidcSecret: { ssm: '/fed/oidc-client-secret' } }) }))
      .toThrow(/identity\.cognito\.federation\.oidc\[0\]\.client_secret: reference the OIDC client secret as \{ secrets_manager: name \}/);
  });
});

describe('identity stack without identity.cognito', () => {
  const yaml = federatedYaml({ cognito: false });
  const synth = synthesizeFoundation({ yaml });

  it('is empty and exposes no pool or clients', () => {
    expect(synth.template('Identity').toJSON().Resources ?? {}).toEqual({});
    expect(synth.identity.userPool).toBeUndefined();
    expect(synth.identity.clientIds).toEqual({});
  });

  it('acknowledges the empty template with its reason, leaving no finding', () => {
    expect(identityFindings(synth.findings)).toBe('');
  });
});
