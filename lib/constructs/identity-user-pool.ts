import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';
import type { GatewayConfig } from '../config/schema';
import type { CognitoIssuerType } from '../contract/issuers';

export type CognitoConfig = NonNullable<GatewayConfig['identity']['cognito']>;

/** Config `threat_protection` -> Cognito standard threat protection (needs the Plus feature plan). */
export const THREAT_PROTECTION: Record<Exclude<CognitoConfig['threat_protection'], 'off'>, cognito.StandardThreatProtectionMode> = {
  enforced: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
  audit: cognito.StandardThreatProtectionMode.AUDIT_ONLY,
};
const MFA: Record<CognitoConfig['mfa'], cognito.Mfa> = {
  required: cognito.Mfa.REQUIRED,
  optional: cognito.Mfa.OPTIONAL,
  off: cognito.Mfa.OFF,
};

export interface GatewayUserPoolProps {
  readonly cognito: CognitoConfig;
  /** Physical name of the pool, e.g. `gatehouse-prod`. */
  readonly userPoolName: string;
  /** Cognito domain prefix (unique per region across all AWS accounts); none without it. */
  readonly domainPrefix?: string;
  /**
   * `profile.strongAuthentication`: optional MFA and disabled threat protection are then NOT
   * acknowledged, so the compliance gate fails synth until the config fixes it.
   * @default false
   */
  readonly strongAuthentication?: boolean;
  /**
   * `IssuerConfiguration.Type`: which `iss` the pool's tokens carry (lib/contract/issuers.ts).
   * Changing it on a deployed pool is an update without interruption, not a replacement.
   * @default unset: Cognito's default (ORIGINAL), and the property stays out of the template
   */
  readonly issuerType?: CognitoIssuerType;
  /**
   * Cognito multi-Region replication (decision 0026): the pool gets the customer-managed key and
   * one replica; the hosted domain fails over to it while the primary's health check is unhealthy.
   * @default no replica (and the pool keeps Cognito's own AWS-owned key)
   */
  readonly replication?: UserPoolReplication;
}

/**
 * What Cognito multi-Region replication needs of the primary pool (Cognito developer guide,
 * *Multi-Region replication for user pools*): the Essentials or Plus plan (this construct never
 * uses Lite), a multi-Region customer-managed KMS key available in every replica region, and one
 * secondary region per pool.
 */
export interface UserPoolReplication {
  /** The secondary region (one per pool). */
  readonly region: string;
  /**
   * ARN of a multi-Region customer-managed KMS key in the pool's region whose replica key exists
   * in {@link region} (the stack that creates that replica must deploy first). Set on a deployed
   * pool, `KeyConfiguration` is an update without interruption, not a replacement.
   */
  readonly kmsKeyArn: string;
  /**
   * Route 53 health check of the primary region: while it is unhealthy the hosted domain routes
   * to {@link region} (CloudFormation `AWS::Cognito::UserPoolDomain RoutingType.Failover`).
   * @default the hosted domain does not fail over
   */
  readonly domainFailoverHealthCheckId?: string;
}

/**
 * The user pool with its resource servers (OAuth scopes) and hosted domain. Users are created by
 * administrators or federated identity providers only (no self sign-up); recovery by email only.
 */
export class GatewayUserPool extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly domain?: cognito.UserPoolDomain;
  /** The replica in the secondary region; undefined without {@link GatewayUserPoolProps.replication}. */
  public readonly replica?: cognito.CfnUserPoolReplica;
  /** `<resource server identifier>/<scope name>` -> OAuth scope (creates the dependency on the server). */
  public readonly scopes: ReadonlyMap<string, cognito.OAuthScope>;

  constructor(scope: Construct, id: string, props: GatewayUserPoolProps) {
    super(scope, id);
    const config = props.cognito;
    const threatProtection = config.threat_protection === 'off' ? undefined : THREAT_PROTECTION[config.threat_protection];

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: props.userPoolName,
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: MFA[config.mfa],
      mfaSecondFactor: config.mfa === 'off' ? undefined : { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 24,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const scopes = new Map<string, cognito.OAuthScope>();
    for (const server of config.resource_servers) {
      const serverScopes = server.scopes.map((s) => new cognito.ResourceServerScope({ scopeName: s.name, scopeDescription: s.description }));
      const resourceServer = this.userPool.addResourceServer(`ResourceServer-${server.identifier}`, {
        identifier: server.identifier,
        userPoolResourceServerName: server.name,
        scopes: serverScopes,
      });
      for (const s of serverScopes) scopes.set(`${server.identifier}/${s.scopeName}`, cognito.OAuthScope.resourceServer(resourceServer, s));
    }
    this.scopes = scopes;

    if (props.domainPrefix) {
      this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    }

    // The L2 UserPool of aws-cdk-lib 2.276 has no props for these: set on its L1, and only when
    // asked, so a one-region pool's template keeps exactly the properties it was deployed with.
    const cfnPool = this.userPool.node.defaultChild as cognito.CfnUserPool;
    if (props.issuerType) cfnPool.issuerConfiguration = { type: props.issuerType };
    if (props.replication) this.replica = this.replicate(cfnPool, props.replication);

    const regulated = props.strongAuthentication ?? false;
    if (config.mfa !== 'required' && !regulated) {
      acknowledge(this.userPool, { id: 'AwsSolutions-COG2', reason: `identity.cognito.mfa is "${config.mfa}" in the gateway config: the gateway owner decided it for this user population${config.mfa === 'optional' ? ' (TOTP stays available to every user)' : ''}; API consumers authenticate with client credentials or API keys, not user passwords.` });
    }
    if (!threatProtection && !regulated) {
      acknowledge(this.userPool, { id: 'AwsSolutions-COG8', reason: 'identity.cognito.threat_protection is "off" in the gateway config, so the Plus feature plan (billed per MAU) would buy nothing; Essentials keeps managed login and access-token customisation.' });
    }
  }

  /**
   * The key, the replica and the domain's failover. The replica refers to the pool, so
   * CloudFormation updates the pool (the key) before creating the replica; the domain's failover
   * names the replica's region, so it waits for the replica too.
   */
  private replicate(cfnPool: cognito.CfnUserPool, replication: UserPoolReplication): cognito.CfnUserPoolReplica {
    cfnPool.keyConfiguration = { keyType: 'CUSTOMER_MANAGED_KEY', kmsKeyArn: replication.kmsKeyArn };
    const replica = new cognito.CfnUserPoolReplica(this, 'Replica', { userPoolId: this.userPool.userPoolId, regionName: replication.region });
    if (this.domain && replication.domainFailoverHealthCheckId) {
      const cfnDomain = this.domain.node.defaultChild as cognito.CfnUserPoolDomain;
      cfnDomain.routing = { failover: { primaryRoute53HealthCheckId: replication.domainFailoverHealthCheckId, secondaryRegion: replication.region } };
      cfnDomain.addResourceDependency(replica, 'the domain fails over to the replica');
    }
    return replica;
  }
}
