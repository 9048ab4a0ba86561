import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { GatewayEnvironment } from '../config/environments';

/**
 * TLS of the API and tenant domains: TLS 1.3, plus TLS 1.2 with forward-secret suites only and
 * hybrid post-quantum key exchange. CloudFront talks to its origins with TLS 1.2 at most
 * (AWS-NOTES), so the TLS 1.3-only policy would cut CloudFront off; this is the strictest
 * enhanced policy that still accepts it.
 */
export const API_DOMAIN_SECURITY_POLICY = apigw.SecurityPolicy.TLS13_1_2_PFS_PQ_2025_09;
/**
 * STRICT: API Gateway rejects a request whose TLS SNI does not match its Host header, or that
 * arrives through another endpoint type. CloudFront sends SNI and Host of the origin domain
 * (origin request policy ALL_VIEWER_EXCEPT_HOST_HEADER), so it passes.
 */
export const API_DOMAIN_ACCESS_MODE = apigw.EndpointAccessMode.STRICT;
/** mTLS cannot be combined with an enhanced policy: the legacy TLS 1.2 policy is the strictest allowed. */
export const MTLS_DOMAIN_SECURITY_POLICY = apigw.SecurityPolicy.TLS_1_2;

export interface ApiDomainsProps {
  readonly gateway: GatewayEnvironment;
  readonly api: apigw.RestApi;
}

/**
 * Regional custom domains mapped to the stage: the API domain (CloudFront's origin), the
 * wildcard tenant domain and the mTLS domain, each only when configured.
 *
 * There are no API Gateway routing rules on these domains: header-based routing (canary) is
 * decided by the authorizer after authentication (route in its context) and enforced by the
 * internal ALB's listener rules on X-Gatehouse-Route (docs/decisions/0002).
 */
export class ApiDomains extends Construct {
  public readonly api?: apigw.DomainName;
  public readonly tenants?: apigw.DomainName;
  public readonly mtls?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: ApiDomainsProps) {
    super(scope, id);
    const { env, config } = props.gateway;
    const { domains, certificates } = env;
    const certificate = certificates.regional ? acm.Certificate.fromCertificateArn(this, 'Certificate', certificates.regional) : undefined;
    const need = (what: string) => {
      if (!certificate) throw new Error(`environments.${props.gateway.name}.certificates.regional is required for domains.${what}`);
      return certificate;
    };

    if (domains.api) {
      this.api = new apigw.DomainName(this, 'Api', {
        domainName: domains.api,
        certificate: need('api'),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: API_DOMAIN_SECURITY_POLICY,
        endpointAccessMode: API_DOMAIN_ACCESS_MODE,
        mapping: props.api,
      });
    }
    if (domains.tenants) {
      this.tenants = new apigw.DomainName(this, 'Tenants', {
        domainName: domains.tenants,
        certificate: need('tenants'),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: API_DOMAIN_SECURITY_POLICY,
        endpointAccessMode: API_DOMAIN_ACCESS_MODE,
        mapping: props.api,
      });
    }
    const mtls = config.identity.mtls;
    if (domains.mtls && mtls) {
      const { bucket, key } = parseS3Uri(mtls.truststore_uri);
      this.mtls = new apigw.DomainName(this, 'Mtls', {
        domainName: domains.mtls,
        certificate: need('mtls'),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: MTLS_DOMAIN_SECURITY_POLICY,
        mtls: { bucket: s3.Bucket.fromBucketName(this, 'Truststore', bucket), key, version: mtls.truststore_version },
        mapping: props.api,
      });
    }
  }
}

/** `s3://bucket/path/key.pem` -> bucket and key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3://bucket/key URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}
