import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface UserPoolReplicaActivationProps {
  /** The replicated pool's id (the primary's: a replica shares it). */
  readonly userPoolId: string;
}

/**
 * Activates a user pool replica, from the replica's own region. Cognito creates a replica
 * INACTIVE: "created, but is not accepting requests for end-users" (Cognito API reference,
 * UserPoolReplicaType), so a failover would find it refusing sign-ins and token requests. The
 * CloudFormation resource that sets its status is created "in the secondary (replica) Region",
 * and "the replica must be in ACTIVE or INACTIVE status before you create this resource"
 * (AWS::Cognito::UserPoolRegionalConfigurationAttachment). An active secondary serves the
 * requests routed to it; it still cannot create users or reset passwords (decision 0026, F2).
 */
export class UserPoolReplicaActivation extends Construct {
  public readonly settings: cognito.CfnUserPoolRegionalConfigurationAttachment;

  constructor(scope: Construct, id: string, props: UserPoolReplicaActivationProps) {
    super(scope, id);
    this.settings = new cognito.CfnUserPoolRegionalConfigurationAttachment(this, 'Settings', { userPoolId: props.userPoolId, status: 'ACTIVE' });
  }
}
