import { CfnDynamicReference, CfnDynamicReferenceService, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { GatewayConfig, SecretRefConfig } from '../config/schema';

export interface AlarmTopicsProps {
  /** `<gateway>-<environment>`: topic names start with it. */
  readonly prefix: string;
  readonly alerting: GatewayConfig['alerting'];
  /**
   * Create the paging topic (PagerDuty + webhooks + emails) besides the notification topic.
   * @default true
   */
  readonly paging?: boolean;
}

/**
 * The destination of a secret reference as a CloudFormation dynamic reference: the URL is
 * resolved at deploy time and never appears in the template. `ssm` resolves String parameters
 * (CloudFormation's `ssm-secure` is not supported on SNS subscriptions); prefer `secrets_manager`.
 */
export function secretUrl(ref: SecretRefConfig): string {
  return 'ssm' in ref
    ? Token.asString(new CfnDynamicReference(CfnDynamicReferenceService.SSM, ref.ssm))
    : Token.asString(new CfnDynamicReference(CfnDynamicReferenceService.SECRETS_MANAGER, `${ref.secrets_manager}:SecretString`));
}

/**
 * Where alarms go: `page` (PagerDuty, webhooks, emails) for symptoms that need a human now,
 * `notify` (webhooks, emails) for causes and tickets. Both are encrypted with a customer key
 * CloudWatch may use, and accept only TLS. OK transitions are sent too, so PagerDuty resolves
 * the incident it opened.
 */
export class ObservabilityAlarmTopics extends Construct {
  public readonly key: kms.Key;
  public readonly page?: sns.Topic;
  public readonly notify: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    const { alerting, prefix } = props;
    this.key = new kms.Key(this, 'Key', { description: `${prefix} alarm topics`, enableKeyRotation: true });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));

    this.notify = this.topic('Notify', `${prefix}-notify`, 'Gatehouse notifications');
    for (const hook of alerting.webhooks) this.notify.addSubscription(new subs.UrlSubscription(secretUrl(hook.url), { protocol: sns.SubscriptionProtocol.HTTPS }));
    for (const email of alerting.emails) this.notify.addSubscription(new subs.EmailSubscription(email));

    if (props.paging ?? true) {
      this.page = this.topic('Page', `${prefix}-page`, 'Gatehouse paging');
      if (alerting.pagerduty) {
        this.page.addSubscription(new subs.UrlSubscription(secretUrl(alerting.pagerduty.integration_url), { protocol: sns.SubscriptionProtocol.HTTPS }));
      }
      for (const hook of alerting.webhooks) this.page.addSubscription(new subs.UrlSubscription(secretUrl(hook.url), { protocol: sns.SubscriptionProtocol.HTTPS }));
      for (const email of alerting.emails) this.page.addSubscription(new subs.EmailSubscription(email));
    }
  }

  /** Sends ALARM and OK of `alarm` to the paging topic. */
  public pageOn(alarm: cloudwatch.AlarmBase): void {
    if (!this.page) throw new Error('this construct has no paging topic (paging: false)');
    alarm.addAlarmAction(new actions.SnsAction(this.page));
    alarm.addOkAction(new actions.SnsAction(this.page));
  }

  /** Sends ALARM and OK of `alarm` to the notification topic. */
  public notifyOn(alarm: cloudwatch.AlarmBase): void {
    alarm.addAlarmAction(new actions.SnsAction(this.notify));
    alarm.addOkAction(new actions.SnsAction(this.notify));
  }

  private topic(id: string, topicName: string, displayName: string): sns.Topic {
    return new sns.Topic(this, id, { topicName, displayName, masterKey: this.key, enforceSSL: true });
  }
}
