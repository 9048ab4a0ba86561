import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { RecordPlan, RecordRouting, RoutedDomain, RoutingPlan } from '../contract/routing-plan';

/** A region's regional domain names (`d-….execute-api.<region>.amazonaws.com`), strings or tokens. */
export type RegionalDomainNames = Partial<Readonly<Record<RoutedDomain, string>>>;

export interface RoutingRecordsProps {
  readonly plan: Pick<RoutingPlan, 'hostedZone' | 'records'>;
  /** Per region, the regional domain name of each of its custom domains (ApiDomains). */
  readonly regionalDomainNames: Readonly<Record<string, RegionalDomainNames>>;
  /** Per region, its Route 53 health check (HealthStack.healthCheckIds). */
  readonly healthCheckIds: Readonly<Record<string, string>>;
}

/**
 * The plan's records in the existing hosted zone: per name and region a CNAME (not an alias:
 * our TTL, and a health check on the record, as Route 53 recommends for non-alias records, F11,
 * F12) to the region's regional domain name, with the region's health check and the policy's
 * field. CloudFront keeps SNI and Host = domains.api, which every region's custom domain serves.
 */
export class RoutingRecords extends Construct {
  public readonly records: readonly route53.CfnRecordSet[];

  constructor(scope: Construct, id: string, props: RoutingRecordsProps) {
    super(scope, id);
    const { hostedZone } = props.plan;
    this.records = props.plan.records.map((record) => new route53.CfnRecordSet(this, `${record.domain}-${record.setIdentifier}`, {
      hostedZoneId: hostedZone.id,
      name: record.name,
      type: 'CNAME',
      ttl: String(record.ttlSeconds),
      resourceRecords: [target(props.regionalDomainNames, record)],
      setIdentifier: record.setIdentifier,
      healthCheckId: healthCheckOf(props.healthCheckIds, record.region),
      ...policyFields(record.routing),
    }));
  }
}

function target(names: RoutingRecordsProps['regionalDomainNames'], record: RecordPlan): string {
  const name = names[record.region]?.[record.domain];
  if (!name) throw new Error(`no regional domain name for domains.${record.domain} in ${record.region} (record ${record.name})`);
  return name;
}

function healthCheckOf(ids: RoutingRecordsProps['healthCheckIds'], region: string): string {
  const id = ids[region];
  if (!id) throw new Error(`no health check id for ${region}; known: ${Object.keys(ids).join(', ')}`);
  return id;
}

/** The RecordSet fields of a routing policy. */
function policyFields(routing: RecordRouting): Partial<route53.CfnRecordSetProps> {
  switch (routing.policy) {
    case 'latency': return { region: routing.region };
    case 'failover': return { failover: routing.failover };
    case 'geolocation': return { geoLocation: { countryCode: routing.countryCode, continentCode: routing.continentCode } };
  }
}
